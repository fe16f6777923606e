/**
 * @internal Small tensor-op terms the composite gradient formulas share. A composite runs only
 * when a fused gradient is differentiated again, so these favour exact, NaN-free forms over speed.
 */
import { type Tensor, add, astype, expandDims, greaterEqual, lessEqual, logicalAnd, mul } from '@focalgrad/tensor';
import { fusedScale } from '../kernels/index.js';

/** `y·a + b` (label smoothing) as a constant tensor expression. */
export function smoothLabels(yt: Tensor, a: number, b: number): Tensor {
  return a === 1 && b === 0 ? yt : add(mul(yt, a), b);
}

/** `1` where `lo <= x <= hi` (the clip's gradient mask, inclusive), else `0`, in x's dtype. */
export function clipMask(x: Tensor, lo: number, hi: number): Tensor {
  return astype(logicalAnd(greaterEqual(x, lo), lessEqual(x, hi)), x.dtype);
}

/** `1` where `x >= v`, else `0`, in x's dtype. */
export function geMask(x: Tensor, v: number): Tensor {
  return astype(greaterEqual(x, v), x.dtype);
}

/**
 * The upstream gradient of a binary loss op per element of `yPred`, broadcastable to it: through
 * the fused reduction, the mean over `axis`, or as is (elementwise).
 */
export function binaryUpstream(g: Tensor, yp: Tensor, axis: number | null, reduceBy: number | null): Tensor {
  if (reduceBy !== null) return mul(g, fusedScale(yp, axis, reduceBy));
  return axis === null ? g : mul(expandDims(g, axis), 1 / yp.shape[axis]!);
}
