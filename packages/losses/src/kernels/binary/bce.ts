/**
 * @internal Fused elementwise kernels of Keras's binary crossentropy (before the mean over the
 * axis), with the derivative in the same pass: from logits the unclipped
 * `y·softplus(−x) + (1 − y)·softplus(x)` (TensorFlow's `sigmoid_cross_entropy_with_logits`,
 * derivative `σ(x) − y`), from probabilities `−(y·log p_c + (1 − y)·log(1 − p_c))` with
 * `p_c = clip(p, eps, 1 − eps)` (Keras 3; derivative `(p − y)/(p(1 − p))` inside the clip range).
 */
import { expFast, log1pUnit } from '../fastmath.js';
import type { ElementwiseKernel } from './rows.js';
import { sigmoidAt, sigmoidAtNeg, softplusAt, softplusAtNeg } from './logistic.js';

/** @internal Per-call constants of the crossentropy kernels. */
export interface BceKernelParams {
  /** Label smoothing as `y ← y·smoothA + smoothB`. */
  readonly smoothA: number;
  /** See `smoothA`. */
  readonly smoothB: number;
  /** The probability clip. */
  readonly lo: number;
  /** See `lo`. */
  readonly hi: number;
  /** Always 1: no per-class parameters. */
  readonly C: number;
}

/** Logits. */
export const bceLogits: ElementwiseKernel<BceKernelParams> = (yt, yp, P, start, len, _c0, acc0, values, dOut, dOff, dScale) => {
  const { smoothA: A, smoothB: B } = P;
  let acc = +acc0;
  for (let k = 0; k < len; k++) {
    const x = yp[start + k]!;
    const y = yt[start + k]! * A + B;
    const e = expFast(-Math.abs(x));
    const l = log1pUnit(e);
    const v = y * softplusAtNeg(x, l) + (1 - y) * softplusAt(x, l);
    if (dOut !== null) {
      const r = 1 / (1 + e);
      dOut[dOff + k] = ((1 - y) * sigmoidAt(x, e, r) - y * sigmoidAtNeg(x, e, r)) * dScale; // σ(x) − y
    }
    acc += v;
    if (values !== null) values[k] = v + 0;
  }
  return acc;
};

/** Probabilities (clipped). */
export const bceProbs: ElementwiseKernel<BceKernelParams> = (yt, yp, P, start, len, _c0, acc0, values, dOut, dOff, dScale) => {
  const { smoothA: A, smoothB: B, lo, hi } = P;
  let acc = +acc0;
  for (let k = 0; k < len; k++) {
    const p = yp[start + k]!;
    const y = yt[start + k]! * A + B;
    const pc = p < lo ? lo : p > hi ? hi : p;
    const v = -(y * Math.log(pc) + (1 - y) * Math.log1p(-pc));
    if (dOut !== null) dOut[dOff + k] = p >= lo && p <= hi ? ((p - y) / (p * (1 - p))) * dScale : 0;
    acc += v;
    if (values !== null) values[k] = v + 0;
  }
  return acc;
};
