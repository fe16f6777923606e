/**
 * @internal Fused elementwise kernels of Keras's binary crossentropy (before the mean over the
 * axis): from logits the unclipped `y·softplus(−x) + (1 − y)·softplus(x)` (TensorFlow's
 * `sigmoid_cross_entropy_with_logits`), from probabilities `−(y·log p_c + (1 − y)·log(1 − p_c))`
 * with `p_c = clip(p, eps, 1 − eps)` (Keras 3).
 */
import type { TypedArray } from '@focalgrad/tensor';

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

/** Forward, logits. */
export function bceLogitsForward(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray | null,
  outOff: number,
  start: number,
  len: number,
  _c0: number,
  P: BceKernelParams,
  rowLen: number,
  outScale: number,
): number {
  const A = P.smoothA;
  const B = P.smoothB;
  let total = 0;
  let acc = 0;
  let rc = 0;
  let oi = outOff;
  for (let k = 0; k < len; k++) {
    const x = yp[start + k]!;
    const y = yt[start + k]! * A + B;
    const l = Math.log1p(Math.exp(-Math.abs(x)));
    // softplus(x) = max(x, 0) + l, softplus(-x) = max(-x, 0) + l
    const v = x >= 0 ? y * l + (1 - y) * (x + l) : y * (l - x) + (1 - y) * l;
    acc += v;
    if (++rc === rowLen) {
      if (out !== null) out[oi++] = acc * outScale;
      total += acc;
      acc = 0;
      rc = 0;
    }
  }
  return total + acc;
}

/** Gradient, logits: `σ(x) − y`. */
export function bceLogitsGrad(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray,
  start: number,
  len: number,
  _c0: number,
  P: BceKernelParams,
  gu: TypedArray | null,
  gOff: number,
  rep: number,
  scale: number,
): void {
  const A = P.smoothA;
  const B = P.smoothB;
  let gi = gOff;
  let gc = 0;
  for (let k = 0; k < len; k++) {
    const j = start + k;
    const x = yp[j]!;
    const y = yt[j]! * A + B;
    const e = Math.exp(-Math.abs(x));
    const r = 1 / (1 + e);
    const d = x >= 0 ? (1 - y) * r - y * (e * r) : (1 - y) * (e * r) - y * r;
    out[j] = gu === null ? d * scale : d * scale * gu[gi]!;
    if (++gc === rep) {
      gc = 0;
      gi++;
    }
  }
}

/** Forward, probabilities (clipped). */
export function bceProbsForward(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray | null,
  outOff: number,
  start: number,
  len: number,
  _c0: number,
  P: BceKernelParams,
  rowLen: number,
  outScale: number,
): number {
  const A = P.smoothA;
  const B = P.smoothB;
  const lo = P.lo;
  const hi = P.hi;
  let total = 0;
  let acc = 0;
  let rc = 0;
  let oi = outOff;
  for (let k = 0; k < len; k++) {
    const p = yp[start + k]!;
    const y = yt[start + k]! * A + B;
    const pc = p < lo ? lo : p > hi ? hi : p;
    const v = -(y * Math.log(pc) + (1 - y) * Math.log1p(-pc));
    acc += v;
    if (++rc === rowLen) {
      if (out !== null) out[oi++] = acc * outScale;
      total += acc;
      acc = 0;
      rc = 0;
    }
  }
  return total + acc;
}

/** Gradient, probabilities: `(p_c − y) / (p_c (1 − p_c))` inside the clip range, 0 outside. */
export function bceProbsGrad(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray,
  start: number,
  len: number,
  _c0: number,
  P: BceKernelParams,
  gu: TypedArray | null,
  gOff: number,
  rep: number,
  scale: number,
): void {
  const A = P.smoothA;
  const B = P.smoothB;
  const lo = P.lo;
  const hi = P.hi;
  let gi = gOff;
  let gc = 0;
  for (let k = 0; k < len; k++) {
    const j = start + k;
    const p = yp[j]!;
    const y = yt[j]! * A + B;
    const d = p >= lo && p <= hi ? (p - y) / (p * (1 - p)) : 0;
    out[j] = gu === null ? d * scale : d * scale * gu[gi]!;
    if (++gc === rep) {
      gc = 0;
      gi++;
    }
  }
}
