/**
 * @internal The binary focal kernel's common case — every parameter a scalar — as staged,
 * branch-free loops: see {@link focalLogitsScalar}. Same arithmetic as the general loop of
 * `focal.ts`, operation for operation.
 */
import type { TypedArray } from '@focalgrad/tensor';
import { expFast, expFast32, log1pUnit, log1pUnit32, powG } from '../fastmath.js';
import type { FocalKernelParams } from './focal.js';
import { focalLogitDerivative } from './focalLogitDerivative.js';

/** Elements per stage of {@link focalLogitsScalar}. */
const STAGE = 256;
/** `exp(−|x|)` and `log1p(exp(−|x|))` of the current stage. */
const stageExp = new Float64Array(STAGE);
const stageLog = new Float64Array(STAGE);

/**
 * The common case of `focalLogits` — every parameter a scalar (`C = 1`: one α, one γ; γ = 2,
 * the RetinaNet default, as multiplications; hard or soft labels; any smoothing) — as specialised
 * straight-line loops with the general loop's arithmetic, operation for operation. Only the
 * schedule differs, and, for float32 inputs, the accuracy of `exp` and `log1p`:
 * - in stages of {@link STAGE} elements: all the exponentials, then all the `log1p`s, then
 *   everything else. Each stage's iterations are independent, so the CPU overlaps them; one long
 *   dependency chain per element (`exp → log1p → loss → derivative`) otherwise leaves most of its
 *   out-of-order window idle (about 1.5× slower);
 * - the choice between `x >= 0` and `x < 0` (σ(x) vs σ(−x), softplus(x) vs softplus(−x)) is made
 *   by multiplying with `p = +(x >= 0)` (exact: one term is the value, the other an exact 0), not
 *   by a branch, which logits of random sign mispredict half the time. Infinite logits, where
 *   `∞ · 0` would give NaN, take a (perfectly predicted) branch to the general loop's selection;
 * - a stage whose (smoothed) labels are all 0 or 1 and whose logits are all finite, with γ = 2,
 *   runs a shorter loop that selects the true class's terms once instead of mixing both with `y`
 *   and `1 − y`: for such labels every mixing product is `1·a + 0·b = a` exactly, so it gives the
 *   very same numbers;
 * - float32 stages with hard labels use {@link expFast32} and {@link log1pUnit32} (relative error
 *   below 1e-9): with 0/1 labels every value and derivative is a product and sum of positive terms
 *   (no cancellation), so they stay within float32 rounding of the exact ones. Soft labels
 *   (`σ(x) − y` can cancel) and float64 inputs use the full-precision functions: exactly the
 *   general loop's numbers. (So in float32 an element's result may differ by one float32 ulp
 *   depending on whether its stage of 256 holds a soft label; both are within float32 rounding.)
 */
export function focalLogitsScalar(
  yt: TypedArray,
  yp: TypedArray,
  P: FocalKernelParams,
  start: number,
  len: number,
  acc0: number,
  values: TypedArray | null,
  dOut: TypedArray | null,
  dOff: number,
  dScale: number,
): number {
  const g = P.gamma[0]!;
  const g2 = g === 2;
  const weighted = P.wPos !== null;
  const wp = weighted ? P.wPos![0]! : 1;
  const wn = weighted ? P.wNeg[0]! : 1;
  const A = P.smoothA;
  const B = P.smoothB;
  const f32 = yp instanceof Float32Array;
  // Unboxed once here rather than on every use inside the loops.
  const sc = +dScale;
  const E = stageExp;
  const LG = stageLog;
  let acc = +acc0;
  for (let s0 = 0; s0 < len; s0 += STAGE) {
    const L = Math.min(STAGE, len - s0);
    const i0 = start + s0;
    // Σ |y(1 − y)| + x·0 is 0 exactly when every label is 0 or 1 and every logit is finite.
    let soft = 0;
    for (let j = 0; j < L; j++) {
      const y = yt[i0 + j]! * A + B;
      soft += Math.abs(y * (1 - y)) + yp[i0 + j]! * 0;
    }
    const hard = soft === 0;
    if (f32 && hard) {
      for (let j = 0; j < L; j++) E[j] = expFast32(-Math.abs(yp[i0 + j]!));
      for (let j = 0; j < L; j++) LG[j] = log1pUnit32(E[j]!);
    } else {
      for (let j = 0; j < L; j++) E[j] = expFast(-Math.abs(yp[i0 + j]!));
      for (let j = 0; j < L; j++) LG[j] = log1pUnit(E[j]!);
    }
    if (g2 && hard) {
      // Hard labels: u = 1 − p_t and bce = softplus(−x_t) of the true class, selected by c.
      const d0 = dOff + s0;
      for (let j = 0; j < L; j++) {
        const i = i0 + j;
        const x = yp[i]!;
        const y = yt[i]! * A + B;
        const e = E[j]!;
        const r = 1 / (1 + e);
        const er = e * r;
        const p = +(x >= 0);
        const q = 1 - p;
        const ym = 1 - y;
        const c = p * y + q * ym; // 1 where the true class's σ is e·r (σ(−x) for y = 1 with x ≥ 0, …)
        const nc = 1 - c;
        const u = er * c + r * nc;
        const bce = Math.abs(x) * nc + LG[j]!;
        const f = u * u;
        const w = weighted ? y * wp + ym * wn : 1;
        const v = f * bce * w;
        acc += v;
        if (values !== null) values[s0 + j] = v + 0;
        if (dOut !== null) dOut[d0 + j] = (1 - 2 * y) * (u * (f + 2 * (r * er) * bce)) * w * sc;
      }
      continue;
    }
    for (let j = 0; j < L; j++) {
      const i = i0 + j;
      const x = yp[i]!;
      const y = yt[i]! * A + B;
      const e = E[j]!;
      const l = LG[j]!;
      const r = 1 / (1 + e);
      const er = e * r;
      const p = +(x >= 0);
      const q = 1 - p;
      const ax = Math.abs(x);
      let mp: number; // max(x, 0)
      let mn: number; // max(−x, 0)
      if (ax < 1 / 0) {
        mp = ax * p;
        mn = ax * q;
      } else {
        mp = x >= 0 ? x : 0;
        mn = x >= 0 ? 0 : -x;
      }
      const s = r * p + er * q; // σ(x)
      const sb = er * p + r * q; // σ(−x)
      const spp = mp + l; // softplus(x)
      const spn = mn + l; // softplus(−x)
      const bce = y * spn + (1 - y) * spp;
      const u = y * sb + (1 - y) * s;
      const f = g2 ? u * u : powG(u, g);
      const w = weighted ? y * wp + (1 - y) * wn : 1;
      const v = f * bce * w;
      acc += v;
      if (values !== null) values[s0 + j] = v + 0;
      if (dOut !== null) {
        dOut[dOff + s0 + j] = focalLogitDerivative(g, f, u, s, sb, y, bce) * w * sc;
      }
    }
  }
  return acc;
};

