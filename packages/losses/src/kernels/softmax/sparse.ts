/**
 * @internal The fused kernel of the integer-label softmax losses: Keras 3
 * `sparse_categorical_crossentropy` and the `focal-loss` package's `sparse_categorical_focal_loss`
 * (any class axis, optional ignored class): per-row losses, or their fused reduction, and the
 * derivatives in the same pass. With the class axis last, the logits path runs the staged loops of
 * `sparseLogitsRows.ts`.
 *
 * Math (per row with true class t, weight w = classWeight[t] or 1, γ = gamma[t] or 0):
 *
 * - logits z (both losses): with S' = Σ_{j≠t} e^{z_j − c} and e_t = e^{z_t − c} for a shift c (the
 *   target logit, or the row's max when some logit exceeds it by more than 600), S = S' + e_t:
 *   −log p_t = log S − (z_t − c), 1 − p_t = S'/S (summed without the target: no cancellation), and
 *   L = w (1 − p_t)^γ (−log p_t). Gradient: ∂L/∂z = A (e_t − q) with
 *   A = w (1 − p_t)^γ [γ p_t log p_t − (1 − p_t)] and q_j = e^{z_j − c} / S' for j ≠ t (the softmax
 *   of the non-target logits), q_t = 0 — the chain rule through −log p_t = log(1 + S'/e_t) and
 *   1 − p_t = S'/S, where ∂(1 − p_t)^γ/∂z is γ (1 − p_t)^γ p_t (q − e_t) (the (1 − p_t)^(γ−1) of the
 *   naive derivative cancels against the factor 1 − p_t of ∂p_t/∂z). Every factor is finite for
 *   finite logits and any γ ≥ 0: no (1 − p_t)^(γ−1) is ever formed.
 * - probabilities x, focal-loss (`mode: 'focal'`): c = clip(x, ε, 1 − ε), the crossentropy is
 *   `sparse_softmax_cross_entropy_with_logits(log c)` = log Σ c_k − log c_t (an implicit
 *   renormalisation), the modulation uses the raw x_t: L = w · max(1 − x_t, 0)^γ · (log Σ c − log c_t).
 *   The max(·, 0) guards the power against a negative base: only inputs x_t > 1 are affected,
 *   where the reference gives NaN for fractional γ and a zero factor is the continuous extension. ∂L/∂x_j = w M m_j (1/C − δ_jt / c_t)
 *   + δ_jt w M' X with M' = −γ (1 − x_t)^(γ−1); for 0 < γ < 1 its base is taken at least ε, i.e. at
 *   x_t ≥ 1 − ε the derivative is its value at the clip boundary x_t = 1 − ε instead of −∞.
 * - probabilities x, Keras (`mode: 'keras'`): s = Σ x, o_t = clip(x_t / s, ε, 1 − ε), L = −log o_t,
 *   ∂L/∂x_j = m_t (1 − δ_jt / o_t) / s.
 */
import { type Tensor, Tensor as T, splitAround } from '@focalgrad/tensor';
import type { LossAttrs } from '../../core/lossOp.js';
import { allocFloatArray } from '../../core/floatArray.js';
import type { Derivatives } from '../../core/upstream.js';
import { uniformValue } from '../../core/perClass.js';
import { EPSILON } from '../epsilon.js';
import { expFast, powG } from '../fastmath.js';
import { zeroRow } from './zeroRow.js';
import { logitsRows } from './sparseLogitsRows.js';

/** @internal Attributes of the sparse softmax-family loss ops. */
export interface SparseAttrs extends LossAttrs {
  /** The class axis of yPred, normalised to `[0, ndim)`. */
  readonly axis: number;
  /** Whether yPred holds logits. */
  readonly fromLogits: boolean;
  /** Probability path: `'keras'` (renormalise and clip, no focal term) or `'focal'` (focal-loss). */
  readonly mode: 'keras' | 'focal';
  /** One focusing parameter per class (picked by the true class), or `null` for 0. */
  readonly gamma: Float64Array | null;
  /** One weight per class (picked by the true class), or `null` for 1. */
  readonly classWeight: Float64Array | null;
  /** Rows whose label equals this get loss 0 and gradient 0. */
  readonly ignoreClass: number | null;
}

/**
 * The fused kernel: per-row losses into `lossOut` and/or `gS × ∂L/∂yPred` into `gradOut`, in one
 * pass per row. Returns the
 * float64 sum of the per-row losses, each rounded to yPred's dtype first (as stored in `lossOut`).
 */
function sparseKernel(
  lab: Tensor,
  x: Tensor,
  gS: number,
  lossOut: Float32Array | Float64Array | null,
  gradOut: Float32Array | Float64Array | null,
  a: SparseAttrs,
  op: string,
): number {
  const [outer, K, inner] = splitAround(x.shape, a.axis);
  const ld = lab.data;
  const xd = x.data;
  const gamma = a.gamma;
  const gU = gamma === null ? 0 : uniformValue(gamma);
  const cw = a.classWeight;
  const ign = a.ignoreClass;
  if (a.fromLogits && inner === 1 && K > 1) return logitsRows(ld, xd, K, outer, gS, lossOut, gradOut, gU, gamma, cw, ign);
  let lossSum = 0;
  const f32 = xd instanceof Float32Array;
  const rowStride = K * inner;
  const ex = gradOut === null ? null : new Float64Array(K); // e^{z_j − m} of the current row
  for (let o = 0, r = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++, r++) {
      const t = ld[r]!;
      if (t === ign) continue; // loss 0, gradient 0
      const base = o * rowStride + i;
      const end = base + rowStride;
      const ti = base + t * inner;
      const gr = gS;
      const w = cw === null ? 1 : cw[t]!;
      const g = gU !== null ? gU : gamma![t]!;
      if (a.fromLogits) {
        if (K === 1) continue; // p_t = 1: loss 0, gradient 0
        let m = -Infinity;
        for (let idx = base; idx < end; idx += inner) {
          const v = xd[idx]!;
          if (v > m) m = v;
        }
        // S' = Σ_{j≠t} e^{z_j − m} summed without the target (no cancellation in 1 − p_t = S'/S)
        let sn = 0;
        if (ex === null) {
          for (let idx = base; idx < ti; idx += inner) sn += expFast(xd[idx]! - m);
          for (let idx = ti + inner; idx < end; idx += inner) sn += expFast(xd[idx]! - m);
        } else {
          for (let k = 0, idx = base; k < K; k++, idx += inner) {
            if (idx === ti) continue;
            const e = expFast(xd[idx]! - m);
            ex[k] = e;
            sn += e;
          }
        }
        const dt = xd[ti]! - m; // ≤ 0
        const et = expFast(dt);
        const ce = Math.log1p(sn + (et - 1)) - dt; // −log p_t = log S − (z_t − m), S = S' + e_t ≥ 1
        const s = sn + et;
        const omp = sn / s; // 1 − p_t
        const mod = g === 2 ? w * omp * omp : w * powG(omp, g);
        if (lossOut !== null) lossOut[r] = mod * ce;
        lossSum += f32 ? Math.fround(mod * ce) : mod * ce;
        if (gradOut !== null) {
          // ∂L/∂z = A (e_t − q), q_j = e_j / S' (j ≠ t), A = w (1 − p_t)^γ [γ p_t log p_t − (1 − p_t)]
          const A = g === 0 ? -gr * w * omp : gr * mod * (-g * (et / s) * ce - omp);
          const f = sn > 0 ? -A / sn : 0;
          for (let k = 0, idx = base; k < K; k++, idx += inner) gradOut[idx] = idx === ti ? A : ex![k]! * f;
        }
      } else if (a.mode === 'focal') {
        let cs = 0;
        for (let idx = base; idx < end; idx += inner) {
          const v = xd[idx]!;
          cs += v < EPSILON ? EPSILON : v > 1 - EPSILON ? 1 - EPSILON : v;
        }
        const xt = xd[ti]!;
        const ct = xt < EPSILON ? EPSILON : xt > 1 - EPSILON ? 1 - EPSILON : xt;
        const xent = Math.log(cs) - Math.log(ct);
        const b = xt > 1 ? 0 : 1 - xt; // no negative base: p_t > 1 gives a zero factor
        const M = powG(b, g);
        if (lossOut !== null) lossOut[r] = w * M * xent;
        lossSum += f32 ? Math.fround(w * M * xent) : w * M * xent;
        if (gradOut !== null) {
          const wg = gr * w;
          const wm = (wg * M) / cs;
          for (let idx = base; idx < end; idx += inner) {
            const v = xd[idx]!;
            gradOut[idx] = v >= EPSILON && v <= 1 - EPSILON ? wm : 0;
          }
          let dxt = xt >= EPSILON && xt <= 1 - EPSILON ? (-wg * M) / ct : 0;
          if (g !== 0 && xt <= 1) {
            // −γ (1 − x_t)^(γ−1); for γ < 1 the base is taken ≥ ε (finite at x_t = 1)
            const dM = g < 1 ? -g * Math.pow(b < EPSILON ? EPSILON : b, g - 1) : -g * powG(b, g - 1);
            dxt += wg * dM * xent;
          }
          // The target's two terms are summed in float64 and rounded once: they nearly cancel when
          // p_t is small, and a float32 `wm` stored first loses the difference (all of it at K = 1).
          gradOut[ti] = (xt >= EPSILON && xt <= 1 - EPSILON ? wm : 0) + dxt;
        }
      } else {
        let s = 0;
        for (let idx = base; idx < end; idx += inner) s += xd[idx]!;
        if (s === 0) throw zeroRow(op, base, a.axis);
        const rt = xd[ti]! / s;
        const loss = -Math.log(rt < EPSILON ? EPSILON : rt > 1 - EPSILON ? 1 - EPSILON : rt);
        if (lossOut !== null) lossOut[r] = loss;
        lossSum += f32 ? Math.fround(loss) : loss;
        if (gradOut !== null && rt >= EPSILON && rt <= 1 - EPSILON) {
          const f = gr / s;
          for (let idx = base; idx < end; idx += inner) gradOut[idx] = f;
          gradOut[ti] = f * (1 - 1 / rt);
        }
      }
    }
  }
  return lossSum;
}

/**
 * The loss op's forward: per-row losses, or their fused reduction; with `d`, the derivatives for a
 * unit upstream gradient (times `1/reduceBy` for a fused reduction) in the same pass.
 */
export function sparseForward(lab: Tensor, x: Tensor, a: SparseAttrs, op: string, d: Derivatives | null): Tensor {
  const lossOut = a.reduceBy === null ? allocFloatArray(x.dtype, lab.size) : null;
  const sum = sparseKernel(lab, x, a.reduceBy === null ? 1 : 1 / a.reduceBy, lossOut, d, a, op);
  if (a.reduceBy === null) return new T(lossOut!, lab.shape.slice());
  // As the generic path: the sum of the dtype-rounded row losses, rounded, then divided.
  const out = allocFloatArray(x.dtype, 1);
  out[0] = sum;
  if (a.reduceBy !== 1) out[0] = out[0]! / a.reduceBy;
  return new T(out, []);
}
