/**
 * @internal Fused elementwise kernels of the `focal-loss` package's `binary_focal_loss`
 * (`src/focal_loss/_binary_focal_loss.py`):
 *
 *   L = −pw · y · (1 − p)^γ · log p  −  (1 − y) · p^γ · log(1 − p)
 *
 * Probabilities: `q = 1 − p` from the raw p, then `p ← max(p, eps)`, `q ← max(q, eps)` (lower clamp
 * only, also inside the modulation); without label smoothing any nonzero label selects the
 * positive term; with smoothing (even 0) the two terms are mixed linearly with `y_s`.
 * Logits without smoothing: `where(y ≠ 0, (1 − p)^γ, p^γ) · ce`, with the (pos-weighted) BCE with
 * logits on the raw soft label; with smoothing the stable form
 * `pw·y_s·(1 − p)^γ·softplus(−x) + (1 − y_s)·p^γ·softplus(x)`. Powers of σ are formed from the
 * stably computed σ(±x), so nothing overflows.
 */
import type { TypedArray } from '@focalgrad/tensor';
import { powG } from './binaryCommon.js';

/** @internal Per-call constants of the focal-loss kernels. */
export interface FlKernelParams {
  /** γ per class (length `C`) or one value. */
  readonly gamma: Float64Array;
  /** `pos_weight` per class (length `C`) or one value (1 when absent). */
  readonly posWeight: Float64Array;
  /** Whether `label_smoothing` was given (even 0): switches to the linear mix. */
  readonly smooth: boolean;
  /** `y_s = y·smoothA + smoothB`. */
  readonly smoothA: number;
  /** See `smoothA`. */
  readonly smoothB: number;
  /** The lower clamp `eps` in the compute dtype. */
  readonly eps: number;
  /** The class cycle: 1 for scalars, else the last dimension. */
  readonly C: number;
}

/** @internal */
export function flParams(gamma: Float64Array, posWeight: Float64Array, labelSmoothing: number | null, eps: number, C: number): FlKernelParams {
  const ls = labelSmoothing ?? 0;
  return { gamma, posWeight, smooth: labelSmoothing !== null, smoothA: 1 - ls, smoothB: 0.5 * ls, eps, C };
}

/** Forward, probabilities. */
export function flProbsForward(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray | null,
  outOff: number,
  start: number,
  len: number,
  c0: number,
  P: FlKernelParams,
  rowLen: number,
  outScale: number,
): number {
  const G = P.gamma;
  const PW = P.posWeight;
  const eps = P.eps;
  const smooth = P.smooth;
  const A = P.smoothA;
  const B = P.smoothB;
  const C = P.C;
  let c = c0;
  let total = 0;
  let acc = 0;
  let rc = 0;
  let oi = outOff;
  for (let k = 0; k < len; k++) {
    const p = yp[start + k]!;
    const y = yt[start + k]!;
    const q = 1 - p;
    const pc = p >= eps ? p : eps;
    const qc = q >= eps ? q : eps;
    const g = G[c]!;
    let v: number;
    if (!smooth) {
      v = y !== 0 ? -PW[c]! * powG(qc, g) * Math.log(pc) : -powG(pc, g) * Math.log(qc);
    } else {
      const ys = y * A + B;
      v = ys * (-PW[c]! * powG(qc, g) * Math.log(pc)) + (1 - ys) * (-powG(pc, g) * Math.log(qc));
    }
    acc += v;
    if (++rc === rowLen) {
      if (out !== null) out[oi++] = acc * outScale;
      total += acc;
      acc = 0;
      rc = 0;
    }
    if (++c === C) c = 0;
  }
  return total + acc;
}

/**
 * Gradient, probabilities. The clamps pass the gradient where `p >= eps` and `1 − p >= eps`
 * (TensorFlow's `maximum` sends ties to its first argument); the clamped bases are >= eps, so
 * every power is finite, for every γ.
 */
export function flProbsGrad(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray,
  start: number,
  len: number,
  c0: number,
  P: FlKernelParams,
  gu: TypedArray | null,
  gOff: number,
  rep: number,
  scale: number,
): void {
  const G = P.gamma;
  const PW = P.posWeight;
  const eps = P.eps;
  const smooth = P.smooth;
  const A = P.smoothA;
  const B = P.smoothB;
  const C = P.C;
  let c = c0;
  let gi = gOff;
  let gc = 0;
  for (let k = 0; k < len; k++) {
    const j = start + k;
    const p = yp[j]!;
    const y = yt[j]!;
    const q = 1 - p;
    const dp = p >= eps ? 1 : 0;
    const dq = q >= eps ? -1 : 0;
    const pc = p >= eps ? p : eps;
    const qc = q >= eps ? q : eps;
    const g = G[c]!;
    // d/dp of pos = -pw q^γ log p and of neg = -p^γ log q (clamped bases).
    let wPos: number;
    let wNeg: number;
    if (!smooth) {
      wPos = y !== 0 ? 1 : 0;
      wNeg = 1 - wPos;
    } else {
      wPos = y * A + B;
      wNeg = 1 - wPos;
    }
    let d = 0;
    if (wPos !== 0) {
      const qg = powG(qc, g);
      const dpos = -PW[c]! * ((g === 0 ? 0 : g * powG(qc, g - 1) * dq * Math.log(pc)) + (qg * dp) / pc);
      d += wPos * dpos;
    }
    if (wNeg !== 0) {
      const pg = powG(pc, g);
      const dneg = -((g === 0 ? 0 : g * powG(pc, g - 1) * dp * Math.log(qc)) + (pg * dq) / qc);
      d += wNeg * dneg;
    }
    out[j] = gu === null ? d * scale : d * scale * gu[gi]!;
    if (++gc === rep) {
      gc = 0;
      gi++;
    }
    if (++c === C) c = 0;
  }
}

/** Forward, logits. */
export function flLogitsForward(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray | null,
  outOff: number,
  start: number,
  len: number,
  c0: number,
  P: FlKernelParams,
  rowLen: number,
  outScale: number,
): number {
  const G = P.gamma;
  const PW = P.posWeight;
  const smooth = P.smooth;
  const A = P.smoothA;
  const B = P.smoothB;
  const C = P.C;
  let c = c0;
  let total = 0;
  let acc = 0;
  let rc = 0;
  let oi = outOff;
  for (let k = 0; k < len; k++) {
    const x = yp[start + k]!;
    const y = yt[start + k]!;
    const e = Math.exp(-Math.abs(x));
    const l = Math.log1p(e);
    const r = 1 / (1 + e);
    let s: number;
    let sb: number;
    let spp: number;
    let spn: number;
    if (x >= 0) {
      s = r;
      sb = e * r;
      spp = x + l;
      spn = l;
    } else {
      s = e * r;
      sb = r;
      spp = l;
      spn = l - x;
    }
    const g = G[c]!;
    const pw = PW[c]!;
    let v: number;
    if (!smooth) {
      const ce = (1 - y) * spp + pw * y * spn;
      v = (y !== 0 ? powG(sb, g) : powG(s, g)) * ce;
    } else {
      const ys = y * A + B;
      v = pw * ys * powG(sb, g) * spn + (1 - ys) * powG(s, g) * spp;
    }
    acc += v;
    if (++rc === rowLen) {
      if (out !== null) out[oi++] = acc * outScale;
      total += acc;
      acc = 0;
      rc = 0;
    }
    if (++c === C) c = 0;
  }
  return total + acc;
}

/** Gradient, logits (`dσ/dx = σ(x)σ(−x)` written into the powers, so no base-0 power appears). */
export function flLogitsGrad(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray,
  start: number,
  len: number,
  c0: number,
  P: FlKernelParams,
  gu: TypedArray | null,
  gOff: number,
  rep: number,
  scale: number,
): void {
  const G = P.gamma;
  const PW = P.posWeight;
  const smooth = P.smooth;
  const A = P.smoothA;
  const B = P.smoothB;
  const C = P.C;
  let c = c0;
  let gi = gOff;
  let gc = 0;
  for (let k = 0; k < len; k++) {
    const j = start + k;
    const x = yp[j]!;
    const y = yt[j]!;
    const e = Math.exp(-Math.abs(x));
    const l = Math.log1p(e);
    const r = 1 / (1 + e);
    let s: number;
    let sb: number;
    let spp: number;
    let spn: number;
    if (x >= 0) {
      s = r;
      sb = e * r;
      spp = x + l;
      spn = l;
    } else {
      s = e * r;
      sb = r;
      spp = l;
      spn = l - x;
    }
    const g = G[c]!;
    const pw = PW[c]!;
    let d: number;
    if (!smooth) {
      const ce = (1 - y) * spp + pw * y * spn;
      const dce = (1 - y) * s - pw * y * sb;
      if (y !== 0) {
        const m = powG(sb, g);
        d = m * (dce - g * s * ce); // d(σ(−x)^γ)/dx = −γ σ(−x)^γ σ(x)
      } else {
        const m = powG(s, g);
        d = m * (dce + g * sb * ce); // d(σ(x)^γ)/dx = γ σ(x)^γ σ(−x)
      }
    } else {
      const ys = y * A + B;
      const a = pw * ys * powG(sb, g);
      const b = (1 - ys) * powG(s, g);
      d = -a * (g * s * spn + sb) + b * (g * sb * spp + s);
    }
    out[j] = gu === null ? d * scale : d * scale * gu[gi]!;
    if (++gc === rep) {
      gc = 0;
      gi++;
    }
    if (++c === C) c = 0;
  }
}
