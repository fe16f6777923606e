/**
 * @internal Fused elementwise kernels of the alpha-balanced binary focal crossentropy
 * `w · (1 − p_t)^γ · BCE(y, p)`, shared by Keras's `binary_focal_crossentropy` (both paths) and
 * torchvision's `sigmoid_focal_loss` (the logits path with an elementwise reduction), and by
 * `focalCurves`. Each kernel computes the loss and, on request, its derivative in the same pass.
 *
 * With `u = 1 − p_t = y·σ(−x) + (1 − y)·σ(x)` (soft labels included) the logit path is
 *   loss = w · u^γ · bce,   bce = y·softplus(−x) + (1 − y)·softplus(x)
 *   d/dx = w · [ u^γ · (σ(x) − y) + γ · u^γ · (σ(x)σ(−x)/u) · (1 − 2y) · bce ]
 * where `σ(x)σ(−x)/u` is bounded by 1 for y ∈ [0, 1], so nothing overflows for any finite x, and
 * for hard labels `u^γ = exp(−γ·softplus(x_t))` is formed from the stably computed `σ(−x_t)`.
 * One `exp`, one `log1p` and one division per element; γ = 2 (and small integers) use
 * multiplications.
 */
import { expFast, log1pUnit, powG } from '../fastmath.js';
import type { ElementwiseKernel } from './rows.js';
import { sigmoidAt, sigmoidAtNeg, softplusAt, softplusAtNeg } from './logistic.js';
import { focalLogitsScalar } from './focalStaged.js';
import { focalLogitDerivative } from './focalLogitDerivative.js';

/** @internal Per-call constants of the focal kernels. */
export interface FocalKernelParams {
  /** γ per class (length `C`), or one value when `C` is 1. */
  readonly gamma: Float64Array;
  /** Weight of the positive term per class (`α`), or null for no class weighting. */
  readonly wPos: Float64Array | null;
  /** Weight of the negative term per class (`1 − α`); set whenever `wPos` is. */
  readonly wNeg: Float64Array;
  /** Label smoothing as `y ← y·smoothA + smoothB` (1 and 0 for none). */
  readonly smoothA: number;
  /** See `smoothA`. */
  readonly smoothB: number;
  /** The probability clip of the BCE (probability path only). */
  readonly lo: number;
  /** See `lo`. */
  readonly hi: number;
  /** The class cycle: 1 when every parameter is a scalar, else the last dimension. */
  readonly C: number;
}

/** @internal Builds kernel params with a stable object shape. */
export function focalParams(
  gamma: Float64Array,
  wPos: Float64Array | null,
  wNeg: Float64Array | null,
  labelSmoothing: number,
  lo: number,
  hi: number,
  C: number,
): FocalKernelParams {
  return { gamma, wPos, wNeg: wNeg ?? new Float64Array(C), smoothA: 1 - labelSmoothing, smoothB: 0.5 * labelSmoothing, lo, hi, C };
}

/** Logits: `w · u^γ · bce` with the unclipped BCE with logits, and `d/dx` into `dOut`. */
export const focalLogits: ElementwiseKernel<FocalKernelParams> = (yt, yp, P, start, len, c0, acc0, values, dOut, dOff, dScale) => {
  if (P.C === 1) return focalLogitsScalar(yt, yp, P, start, len, acc0, values, dOut, dOff, dScale);
  const { gamma: G, wPos: WP, wNeg: WN, smoothA: A, smoothB: B, C } = P;
  let c = c0;
  let acc = +acc0;
  for (let k = 0; k < len; k++) {
    const x = yp[start + k]!;
    const y = yt[start + k]! * A + B;
    const e = expFast(-Math.abs(x));
    const l = log1pUnit(e);
    const r = 1 / (1 + e);
    const s = sigmoidAt(x, e, r);
    const sb = sigmoidAtNeg(x, e, r);
    const spp = softplusAt(x, l);
    const spn = softplusAtNeg(x, l);
    const bce = y * spn + (1 - y) * spp;
    const u = y * sb + (1 - y) * s;
    const g = G[c]!;
    const f = g === 2 ? u * u : powG(u, g);
    const w = WP === null ? 1 : y * WP[c]! + (1 - y) * WN[c]!;
    const v = f * bce * w;
    if (dOut !== null) {
      dOut[dOff + k] = focalLogitDerivative(g, f, u, s, sb, y, bce) * w * dScale;
    }
    acc += v;
    if (values !== null) values[k] = v + 0;
    if (++c === C) c = 0;
  }
  return acc;
};

/**
 * Probabilities (Keras 3): the BCE on `clip(p, eps, 1 − eps)`, the focal factor on the raw `p`.
 * The clip passes the BCE gradient on `[eps, 1 − eps]` only (inclusive, as `clip_by_value`). For
 * 0 < γ < 1 the focal factor's derivative `γ(1 − p_t)^(γ−1)` is infinite at `p_t = 1`; inside the
 * clip zone (`1 − p_t < eps`) it is taken at `1 − p_t = eps`, its one-sided limit at the clip
 * boundary, so the gradient stays finite.
 */
export const focalProbs: ElementwiseKernel<FocalKernelParams> = (yt, yp, P, start, len, c0, acc0, values, dOut, dOff, dScale) => {
  const { gamma: G, wPos: WP, wNeg: WN, smoothA: A, smoothB: B, lo, hi, C } = P;
  let c = c0;
  let acc = +acc0;
  for (let k = 0; k < len; k++) {
    const p = yp[start + k]!;
    const y = yt[start + k]! * A + B;
    const pc = p < lo ? lo : p > hi ? hi : p;
    const bce = y === 1 ? -Math.log(pc) : y === 0 ? -Math.log1p(-pc) : -(y * Math.log(pc) + (1 - y) * Math.log1p(-pc));
    const u = y * (1 - p) + (1 - y) * p;
    const g = G[c]!;
    const f = g === 2 ? u * u : powG(u, g);
    const w = WP === null ? 1 : y * WP[c]! + (1 - y) * WN[c]!;
    const v = f * bce * w;
    if (dOut !== null) {
      const dbce = p >= lo && p <= hi ? (pc - y) / (pc * (1 - pc)) : 0;
      let d: number;
      if (g === 2) {
        d = u * (u * dbce + 2 * (1 - 2 * y) * bce);
      } else if (g === 0) {
        d = dbce;
      } else {
        const ub = g < 1 && u < lo ? lo : u;
        d = f * dbce + g * powG(ub, g - 1) * (1 - 2 * y) * bce;
      }
      dOut[dOff + k] = d * w * dScale;
    }
    acc += v;
    if (values !== null) values[k] = v + 0;
    if (++c === C) c = 0;
  }
  return acc;
};
