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
import { expFast, log1pUnit, powG } from '../fastmath.js';
import type { ElementwiseKernel } from './rows.js';
import { sigmoidAt, sigmoidAtNeg, softplusAt, softplusAtNeg } from './logistic.js';

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

/** Probabilities, with the derivative. */
export const flProbs: ElementwiseKernel<FlKernelParams> = (yt, yp, P, start, len, c0, acc0, values, dOut, dOff, dScale) => {
  const { gamma: G, posWeight: PW, eps, smooth, smoothA: A, smoothB: B, C } = P;
  let c = c0;
  let acc = +acc0;
  for (let k = 0; k < len; k++) {
    const p = yp[start + k]!;
    const y = yt[start + k]!;
    const q = 1 - p;
    const pc = p >= eps ? p : eps;
    const qc = q >= eps ? q : eps;
    const g = G[c]!;
    const pw = PW[c]!;
    // Weights of the positive term −pw·q^γ·log p and the negative term −p^γ·log q.
    let wPos: number;
    if (!smooth) wPos = y !== 0 ? 1 : 0;
    else wPos = y * A + B;
    const wNeg = 1 - wPos;
    let v = 0;
    let d = 0;
    if (wPos !== 0) {
      const qg = powG(qc, g);
      const lp = Math.log(pc);
      v += wPos * (-pw * qg * lp);
      if (dOut !== null) {
        // d/dp, with the clamps passing the gradient where p >= eps and 1 − p >= eps (TensorFlow's
        // maximum sends ties to its first argument); the clamped bases are >= eps, so every power
        // is finite for every γ.
        const dq = q >= eps ? -1 : 0;
        const dp = p >= eps ? 1 : 0;
        d += wPos * (-pw * ((g === 0 ? 0 : g * powG(qc, g - 1) * dq * lp) + (qg * dp) / pc));
      }
    }
    if (wNeg !== 0) {
      const pg = powG(pc, g);
      const lq = Math.log(qc);
      v += wNeg * (-pg * lq);
      if (dOut !== null) {
        const dq = q >= eps ? -1 : 0;
        const dp = p >= eps ? 1 : 0;
        d += wNeg * -((g === 0 ? 0 : g * powG(pc, g - 1) * dp * lq) + (pg * dq) / qc);
      }
    }
    if (dOut !== null) dOut[dOff + k] = d * dScale;
    acc += v;
    if (values !== null) values[k] = v + 0;
    if (++c === C) c = 0;
  }
  return acc;
};

/** Logits, with the derivative (`dσ/dx = σ(x)σ(−x)` written into the powers: no base-0 power). */
export const flLogits: ElementwiseKernel<FlKernelParams> = (yt, yp, P, start, len, c0, acc0, values, dOut, dOff, dScale) => {
  const { gamma: G, posWeight: PW, smooth, smoothA: A, smoothB: B, C } = P;
  let c = c0;
  let acc = +acc0;
  for (let k = 0; k < len; k++) {
    const x = yp[start + k]!;
    const y = yt[start + k]!;
    const e = expFast(-Math.abs(x));
    const l = log1pUnit(e);
    const r = 1 / (1 + e);
    const s = sigmoidAt(x, e, r);
    const sb = sigmoidAtNeg(x, e, r);
    const spp = softplusAt(x, l);
    const spn = softplusAtNeg(x, l);
    const g = G[c]!;
    const pw = PW[c]!;
    let v: number;
    if (!smooth) {
      // where(y ≠ 0, (1 − p)^γ, p^γ) · ce, ce = (1 − y)·softplus(x) + pw·y·softplus(−x)
      const ce = (1 - y) * spp + pw * y * spn;
      if (y !== 0) {
        const m = powG(sb, g);
        v = m * ce;
        if (dOut !== null) dOut[dOff + k] = m * ((1 - y) * s - pw * y * sb - g * s * ce) * dScale; // d(σ(−x)^γ)/dx = −γ σ(−x)^γ σ(x)
      } else {
        const m = powG(s, g);
        v = m * ce;
        if (dOut !== null) dOut[dOff + k] = m * ((1 - y) * s - pw * y * sb + g * sb * ce) * dScale; // d(σ(x)^γ)/dx = γ σ(x)^γ σ(−x)
      }
    } else {
      const ys = y * A + B;
      const a = pw * ys * powG(sb, g);
      const b = (1 - ys) * powG(s, g);
      v = a * spn + b * spp;
      if (dOut !== null) dOut[dOff + k] = (-a * (g * s * spn + sb) + b * (g * sb * spp + s)) * dScale;
    }
    acc += v;
    if (values !== null) values[k] = v + 0;
    if (++c === C) c = 0;
  }
  return acc;
};
