/**
 * @internal Fused elementwise kernels of the alpha-balanced binary focal crossentropy
 * `w · (1 − p_t)^γ · BCE(y, p)`, shared by Keras's `binary_focal_crossentropy` (both paths) and
 * torchvision's `sigmoid_focal_loss` (the logits path with an elementwise reduction), and by
 * `focalCurves`.
 *
 * With `u = 1 − p_t = y·σ(−x) + (1 − y)·σ(x)` (soft labels included) the logit path is
 *   loss = w · u^γ · bce,   bce = y·softplus(−x) + (1 − y)·softplus(x)
 *   d/dx = w · [ u^γ · (σ(x) − y) + γ · u^γ · (σ(x)σ(−x)/u) · (1 − 2y) · bce ]
 * where `σ(x)σ(−x)/u` is bounded by 1 for y ∈ [0, 1], so nothing overflows for any finite x, and
 * for hard labels `u^γ = exp(−γ·softplus(x_t))` is formed from the stably computed `σ(−x_t)`.
 * One `exp` and one `log1p` per element; γ = 2 (and small integers) use multiplications.
 */
import type { TypedArray } from '@focalgrad/tensor';
import { powG } from './binaryCommon.js';

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

/** Forward, logits: `w · u^γ · bce` with the unclipped BCE-with-logits. */
export function focalLogitsForward(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray | null,
  outOff: number,
  start: number,
  len: number,
  c0: number,
  P: FocalKernelParams,
  rowLen: number,
  outScale: number,
): number {
  const G = P.gamma;
  const WP = P.wPos;
  const WN = P.wNeg;
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
    const y = yt[start + k]! * A + B;
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
    const bce = y * spn + (1 - y) * spp;
    const u = y * sb + (1 - y) * s;
    const g = G[c]!;
    let v = (g === 2 ? u * u : powG(u, g)) * bce;
    if (WP !== null) v *= y * WP[c]! + (1 - y) * WN[c]!;
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

/** Gradient, logits: `d/dx [w · u^γ · bce]` times the upstream factor. */
export function focalLogitsGrad(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray,
  start: number,
  len: number,
  c0: number,
  P: FocalKernelParams,
  gu: TypedArray | null,
  gOff: number,
  rep: number,
  scale: number,
): void {
  const G = P.gamma;
  const WP = P.wPos;
  const WN = P.wNeg;
  const A = P.smoothA;
  const B = P.smoothB;
  const C = P.C;
  let c = c0;
  let gi = gOff;
  let gc = 0;
  for (let k = 0; k < len; k++) {
    const j = start + k;
    const x = yp[j]!;
    const y = yt[j]! * A + B;
    const e = Math.exp(-Math.abs(x));
    const r = 1 / (1 + e);
    let s: number;
    let sb: number;
    if (x >= 0) {
      s = r;
      sb = e * r;
    } else {
      s = e * r;
      sb = r;
    }
    const ds = (1 - y) * s - y * sb; // σ(x) − y, without cancellation
    const g = G[c]!;
    let d: number;
    if (g === 0) {
      d = ds;
    } else {
      const l = Math.log1p(e);
      const bce = x >= 0 ? y * l + (1 - y) * (x + l) : y * (l - x) + (1 - y) * l;
      const u = y * sb + (1 - y) * s;
      const ss = s * sb;
      if (g === 2) {
        d = u * (u * ds + 2 * ss * (1 - 2 * y) * bce);
      } else {
        const f = powG(u, g);
        d = f * ds + (ss > 0 ? g * f * (ss / u) * (1 - 2 * y) * bce : 0);
      }
    }
    if (WP !== null) d *= y * WP[c]! + (1 - y) * WN[c]!;
    out[j] = gu === null ? d * scale : d * scale * gu[gi]!;
    if (++gc === rep) {
      gc = 0;
      gi++;
    }
    if (++c === C) c = 0;
  }
}

/**
 * Forward, probabilities (Keras 3): the BCE on `clip(p, eps, 1 − eps)`, the focal factor on the
 * raw `p`.
 */
export function focalProbsForward(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray | null,
  outOff: number,
  start: number,
  len: number,
  c0: number,
  P: FocalKernelParams,
  rowLen: number,
  outScale: number,
): number {
  const G = P.gamma;
  const WP = P.wPos;
  const WN = P.wNeg;
  const A = P.smoothA;
  const B = P.smoothB;
  const lo = P.lo;
  const hi = P.hi;
  const C = P.C;
  let c = c0;
  let total = 0;
  let acc = 0;
  let rc = 0;
  let oi = outOff;
  for (let k = 0; k < len; k++) {
    const p = yp[start + k]!;
    const y = yt[start + k]! * A + B;
    const pc = p < lo ? lo : p > hi ? hi : p;
    const bce = y === 1 ? -Math.log(pc) : y === 0 ? -Math.log1p(-pc) : -(y * Math.log(pc) + (1 - y) * Math.log1p(-pc));
    const u = y * (1 - p) + (1 - y) * p;
    const g = G[c]!;
    let v = (g === 2 ? u * u : powG(u, g)) * bce;
    if (WP !== null) v *= y * WP[c]! + (1 - y) * WN[c]!;
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
 * Gradient, probabilities. The clip passes the BCE gradient on `[eps, 1 − eps]` only (inclusive,
 * as `clip_by_value`). For 0 < γ < 1 the focal factor's derivative `γ(1 − p_t)^(γ−1)` is infinite
 * at `p_t = 1`; inside the clip zone (`1 − p_t < eps`) it is taken at `1 − p_t = eps`, its one-sided
 * limit at the clip boundary, so the gradient stays finite.
 */
export function focalProbsGrad(
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray,
  start: number,
  len: number,
  c0: number,
  P: FocalKernelParams,
  gu: TypedArray | null,
  gOff: number,
  rep: number,
  scale: number,
): void {
  const G = P.gamma;
  const WP = P.wPos;
  const WN = P.wNeg;
  const A = P.smoothA;
  const B = P.smoothB;
  const lo = P.lo;
  const hi = P.hi;
  const C = P.C;
  let c = c0;
  let gi = gOff;
  let gc = 0;
  for (let k = 0; k < len; k++) {
    const j = start + k;
    const p = yp[j]!;
    const y = yt[j]! * A + B;
    const inClip = p >= lo && p <= hi;
    const pc = p < lo ? lo : p > hi ? hi : p;
    const dbce = inClip ? (pc - y) / (pc * (1 - pc)) : 0;
    const g = G[c]!;
    let d: number;
    if (g === 0) {
      d = dbce;
    } else {
      const bce = y === 1 ? -Math.log(pc) : y === 0 ? -Math.log1p(-pc) : -(y * Math.log(pc) + (1 - y) * Math.log1p(-pc));
      const u = y * (1 - p) + (1 - y) * p;
      if (g === 2) {
        d = u * (u * dbce + 2 * (1 - 2 * y) * bce);
      } else {
        const ub = g < 1 && u < lo ? lo : u;
        d = powG(u, g) * dbce + g * powG(ub, g - 1) * (1 - 2 * y) * bce;
      }
    }
    if (WP !== null) d *= y * WP[c]! + (1 - y) * WN[c]!;
    out[j] = gu === null ? d * scale : d * scale * gu[gi]!;
    if (++gc === rep) {
      gc = 0;
      gi++;
    }
    if (++c === C) c = 0;
  }
}
