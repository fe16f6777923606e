/**
 * @internal How the binary family's elementwise kernels are run over a tensor: the loss summed
 * over everything (a fused reduction), averaged over rows along one axis (Keras's
 * `mean(loss, axis)`), or kept per element. The row sums are formed here, once for every kernel.
 */
import { Tensor as T, type Tensor, type TypedArray, splitAround } from '@focalgrad/tensor';
import { allocFloatArray } from '../../core/floatArray.js';

/**
 * A fused elementwise kernel over `len` elements from `start`: the loss of each element and, when
 * `d` is given, `dScale · ∂loss/∂yPred` into `d[dOff + k]` (the scale of the op's own reduction,
 * folded in before the value is rounded to d's type), in one pass. With `values`, loss `k` goes to
 * `values[k]` as `loss + 0` (a zero loss as +0, as a sum of losses has it). Returns `acc0` plus
 * the losses, added one by one in element order (so a sum can continue over consecutive calls).
 * `c0` is the class index (position along the last axis, modulo `P.C`) of the first element. A
 * derivative computed again over the same ranges is bit-identical (float32 kernels may pick their
 * arithmetic per stage of a range).
 */
export type ElementwiseKernel<P> = (
  yt: TypedArray,
  yp: TypedArray,
  P: P,
  start: number,
  len: number,
  c0: number,
  acc0: number,
  values: TypedArray | null,
  d: TypedArray | null,
  dOff: number,
  dScale: number,
) => number;

/** What every binary kernel's parameters hold: the class cycle (1 when no parameter is per class). */
export interface ClassCycle {
  readonly C: number;
}

/**
 * Elements per call when the per-element losses are needed: a multiple of the staged kernels'
 * stage, so that a range is staged exactly as one call over all of it would stage it.
 */
const CHUNK = 256;
const chunkValues = new Float64Array(CHUNK);

/** `scale ·` the sum of every element's loss, as a scalar (`d`: derivatives times `scale`). */
export function sumAll<P>(fk: ElementwiseKernel<P>, yt: Tensor, yp: Tensor, P: P, scale: number, d: TypedArray | null): Tensor {
  const out = allocFloatArray(yp.dtype, 1);
  out[0] = fk(yt.data, yp.data, P, 0, yp.size, 0, 0, null, d, 0, scale) * scale;
  return new T(out, []);
}

/**
 * The means of consecutive rows of `D > 1` elements into `out`, with the derivatives times `1/D`
 * into `d`, a chunk at a time. A chunk inside one row continues that row's sum in the kernel; a
 * chunk that holds a row boundary is written to a scratch and summed per row here.
 */
function meanContiguousRows<P extends ClassCycle>(fk: ElementwiseKernel<P>, yt: Tensor, yp: Tensor, P: P, D: number, out: TypedArray, d: TypedArray | null): void {
  const n = yp.size;
  const V = chunkValues;
  const s = 1 / D;
  let acc = 0;
  let rc = 0;
  let oi = 0;
  for (let s0 = 0; s0 < n; s0 += CHUNK) {
    const L = Math.min(CHUNK, n - s0);
    if (rc + L <= D) {
      acc = fk(yt.data, yp.data, P, s0, L, s0 % P.C, acc, null, d, s0, s);
      rc += L;
      if (rc === D) {
        out[oi++] = acc * s;
        acc = 0;
        rc = 0;
      }
      continue;
    }
    fk(yt.data, yp.data, P, s0, L, s0 % P.C, 0, V, d, s0, s);
    for (let j = 0; j < L; j++) {
      acc += V[j]!;
      if (++rc === D) {
        out[oi++] = acc * s;
        acc = 0;
        rc = 0;
      }
    }
  }
}

/** Every element's loss, in yPred's shape (derivatives unscaled): one kernel pass straight into the result. */
export function elementwise<P extends ClassCycle>(fk: ElementwiseKernel<P>, yt: Tensor, yp: Tensor, P: P, d: TypedArray | null): Tensor {
  const out = allocFloatArray(yp.dtype, yp.size);
  fk(yt.data, yp.data, P, 0, yp.size, 0, 0, out, d, 0, 1);
  return new T(out, yp.shape);
}

/** The losses averaged over `axis` (Keras's `ops.mean(loss, axis)`); derivatives times `1/D`. */
export function meanOverAxis<P extends ClassCycle>(fk: ElementwiseKernel<P>, yt: Tensor, yp: Tensor, axis: number, P: P, d: TypedArray | null): Tensor {
  const [outer, D, inner] = splitAround(yp.shape, axis);
  const out = allocFloatArray(yp.dtype, outer * inner);
  const outShape = yp.shape.filter((_, i) => i !== axis);
  if (D === 0) out.fill(NaN); // the mean of nothing, as numpy / Keras
  else if (inner === 1 && D === 1) fk(yt.data, yp.data, P, 0, yp.size, 0, 0, out, d, 0, 1); // each row is one element
  else if (inner === 1) meanContiguousRows(fk, yt, yp, P, D, out, d);
  else {
    // Each (o, k) run of `inner` elements is one call; its losses add into the per-sample sums.
    const acc = new Float64Array(outer * inner);
    const row = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const base = o * inner;
      for (let k = 0; k < D; k++) {
        const start = (o * D + k) * inner;
        fk(yt.data, yp.data, P, start, inner, start % P.C, 0, row, d, start, 1 / D);
        for (let i = 0; i < inner; i++) acc[base + i] = acc[base + i]! + row[i]!;
      }
    }
    for (let i = 0; i < acc.length; i++) out[i] = acc[i]! / D;
  }
  return new T(out, outShape);
}

/**
 * Runs a binary loss kernel as its op's attributes say: fused into `1/(D · reduceBy)` times the
 * sum of every element's loss, averaged over `axis`, or elementwise (`axis` null).
 */
export function runBinaryKernel<P extends ClassCycle>(
  fk: ElementwiseKernel<P>,
  yt: Tensor,
  yp: Tensor,
  axis: number | null,
  reduceBy: number | null,
  P: P,
  d: TypedArray | null,
): Tensor {
  if (reduceBy !== null) return sumAll(fk, yt, yp, P, fusedScale(yp, axis, reduceBy), d);
  return axis === null ? elementwise(fk, yt, yp, P, d) : meanOverAxis(fk, yt, yp, axis, P, d);
}

/** The factor from the sum of every element's loss to the fused reduction of the per-sample means. */
export function fusedScale(yp: Tensor, axis: number | null, reduceBy: number): number {
  return 1 / ((axis === null ? 1 : yp.shape[axis]!) * reduceBy);
}
