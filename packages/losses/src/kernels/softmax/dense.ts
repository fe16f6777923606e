/**
 * @internal The fused kernel of the dense-label softmax losses: Keras 3 `categorical_crossentropy`
 * and `categorical_focal_crossentropy` (one-hot or soft labels, any class axis): per-row losses and
 * the derivatives in the same pass.
 *
 * Math (per row, class k, labels after smoothing y'_k = y_k(1 − ls) + ls/K, weights α_k, focusing
 * parameters γ_k; α = 1, γ = 0 is the plain crossentropy):
 *
 * - probabilities x: s = Σ x_k, o_k = clip(x_k / s, ε, 1 − ε),
 *   L = Σ_k α_k y'_k (1 − o_k)^γ_k (−log o_k);
 *   ∂L/∂x_j = (a_j − Σ_k a_k o_k) / s with a_k = m_k ∂L/∂o_k
 *   = m_k α_k y'_k [γ_k (1 − o_k)^(γ_k − 1) log o_k − (1 − o_k)^γ_k / o_k] and m_k = 1 where
 *   ε ≤ x_k/s ≤ 1 − ε (the clip passes the gradient, inclusive as in `tf.clip_by_value`), else 0.
 * - PolyLoss adds ε y'_k (1 − o_k)^(γ_k + 1) per class (o = p from logits): to a_k its derivative
 *   −ε y'_k (γ_k + 1)(1 − o_k)^γ_k, and from logits A_k += −ε y'_k (γ_k + 1) p_k (1 − p_k)^(γ_k + 1).
 * - logits z: p = softmax(z) exactly (log p_k = z_k − logsumexp z),
 *   L = Σ_k α_k y'_k (1 − p_k)^γ_k (−log p_k). With A_k = α_k y'_k (1 − p_k)^γ_k [γ_k p_k log p_k −
 *   (1 − p_k)], ∂L/∂z = Σ_k A_k (e_k − q⁽ᵏ⁾) where q⁽ᵏ⁾ is the softmax of the
 *   logits other than k (each class's term differentiated as in the sparse kernel, where the
 *   (1 − p_k)^(γ−1) of the naive derivative cancels). Only the arg-max class c can have p_c > 1/2; for k ≠ c, q⁽ᵏ⁾_j =
 *   p_j / (1 − p_k) with 1 − p_k ≥ 1/2, so with B_k = A_k / (1 − p_k) and S_B = Σ_{k≠c} B_k:
 *   ∂L/∂z_c = A_c − p_c S_B and ∂L/∂z_j = A_j − p_j (S_B − B_j) − A_c q⁽ᶜ⁾_j (j ≠ c), where
 *   q⁽ᶜ⁾_j = exp(z_j − m₂) / Σ_{i≠c} exp(z_i − m₂) with m₂ the largest non-arg-max logit, and
 *   1 − p_c = exp(logsumexp_{i≠c} z − logsumexp z). No 0/0 or ∞·0 can form for finite logits.
 */
import { type Tensor, Tensor as T, splitAround } from '@focalgrad/tensor';
import type { LossAttrs } from '../../core/lossOp.js';
import { allocFloatArray } from '../../core/floatArray.js';
import type { Derivatives } from '../../core/upstream.js';
import { EPSILON } from '../epsilon.js';
import { expFast, powG } from '../fastmath.js';
import { zeroRow } from './zeroRow.js';

/** @internal Attributes of the dense softmax-family loss ops. */
export interface DenseAttrs extends LossAttrs {
  /** The class axis, normalised to `[0, ndim)`. */
  readonly axis: number;
  /** Whether yPred holds logits (exact log-softmax) or probabilities (renormalise, clip). */
  readonly fromLogits: boolean;
  /** Keras label smoothing: y' = y(1 − ls) + ls / K with K the size of the class axis. */
  readonly labelSmoothing: number;
  /** One weight per class, or `null` for 1 everywhere. */
  readonly alpha: Float64Array | null;
  /** One focusing parameter per class, or `null` for 0 everywhere (plain crossentropy). */
  readonly gamma: Float64Array | null;
  /**
   * PolyLoss's ε: adds `ε · y'_k · (1 − p_k)^(γ_k + 1)` per class (Poly-1; with γ = 0,
   * `ε · (1 − p_t)` for one-hot labels), not weighted by α. 0 for none; `gamma` is set whenever
   * it is not 0.
   */
  readonly poly: number;
}

/**
 * The fused kernel: per-row losses into `lossOut` and/or `∂L/∂yPred` into `gradOut`, in one pass
 * per row.
 */
function denseKernel(
  y: Tensor,
  x: Tensor,
  lossOut: Float32Array | Float64Array | null,
  gradOut: Float32Array | Float64Array | null,
  a: DenseAttrs,
  op: string,
): void {
  const [outer, K, inner] = splitAround(x.shape, a.axis);
  const xd = x.data;
  const yd = y.data;
  // Keras master (PR #23437) smooths by the size of the class axis; Keras ≤ 3.15.1 and tf.keras 2
  // used shape(y_true)[-1] whatever the axis, which disagrees with the class axis it sums over.
  const keep = 1 - a.labelSmoothing;
  const add = a.labelSmoothing / K;
  const smooth = a.labelSmoothing !== 0;
  const alpha = a.alpha;
  const gamma = a.gamma;
  const poly = a.poly;
  const rowStride = K * inner;
  const wantGrad = gradOut !== null;
  const ex = new Float64Array(K); // e^{z_j − m2} (logits)
  const sa = new Float64Array(K); // A_k (logits) or a_k (probabilities)
  const sb = new Float64Array(K); // B_k (logits)
  for (let o = 0, r = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++, r++) {
      const base = o * rowStride + i;
      const gr = 1;
      let loss = 0;
      if (a.fromLogits) {
        // the max m (at class c) and the largest other logit m2, in one pass
        let m = -Infinity;
        let m2 = -Infinity;
        let c = 0;
        for (let k = 0, idx = base; k < K; k++, idx += inner) {
          const v = xd[idx]!;
          if (v > m) {
            m2 = m;
            m = v;
            c = k;
          } else if (v > m2) m2 = v;
        }
        let s2 = 0; // Σ_{j≠c} e^{z_j − m2} ≥ 1 (for K > 1)
        for (let k = 0, idx = base; k < K; k++, idx += inner) {
          if (k === c) continue;
          const e = expFast(xd[idx]! - m2);
          ex[k] = e;
          s2 += e;
        }
        const sx = K > 1 ? s2 * expFast(m2 - m) : 0; // Σ_{j≠c} e^{z_j − m}
        const l1 = Math.log1p(sx); // lse − m; lse − z_k = (m − z_k) + l1 without cancellation
        const lse = m + l1;
        const pc = 1 / (1 + sx);
        const cm = K > 1 ? expFast(m2 - lse) : 0; // p_j = ex[j]·cm for j ≠ c
        if (gamma === null) {
          // L = Σ_k w_k (lse − z_k); ∂L/∂z_j = (Σ_k w_k) p_j − w_j, w_k = α_k y'_k
          let wo = 0; // Σ_{k≠c} w_k
          for (let k = 0, idx = base; k < K; k++, idx += inner) {
            const yk = smooth ? yd[idx]! * keep + add : yd[idx]!;
            const w = yk === 0 ? 0 : (alpha === null ? 1 : alpha[k]!) * yk;
            sa[k] = w;
            if (k !== c) wo += w;
            if (w !== 0) loss += w * (m - xd[idx]! + l1);
          }
          if (wantGrad) {
            const wsum = wo + sa[c]!;
            // at c: wsum·p_c − w_c = wo·p_c − w_c (1 − p_c), with 1 − p_c = s2·cm (no cancellation)
            for (let k = 0, idx = base; k < K; k++, idx += inner) {
              gradOut[idx] = k === c ? gr * (wo * pc - sa[k]! * (K > 1 ? s2 * cm : 0)) : gr * (wsum * ex[k]! * cm - sa[k]!);
            }
          }
        } else {
          let sB = 0;
          let ac = 0;
          for (let k = 0, idx = base; k < K; k++, idx += inner) {
            sa[k] = 0;
            sb[k] = 0;
            const yk = smooth ? yd[idx]! * keep + add : yd[idx]!;
            if (yk === 0) continue;
            const w = (alpha === null ? 1 : alpha[k]!) * yk;
            const gk = gamma[k]!;
            let lp: number;
            let pk: number;
            let omp: number;
            if (k === c) {
              lp = -l1;
              pk = pc;
              omp = K > 1 ? s2 * cm : 0; // 1 − p_c = Σ_{j≠c} p_j, no cancellation
            } else {
              lp = xd[idx]! - m - l1;
              pk = ex[k]! * cm;
              omp = 1 - pk; // ≥ 1/2
            }
            const pg = powG(omp, gk);
            const mod = w * pg;
            loss -= mod * lp;
            // Poly-1: ε y' (1 − p)^(γ+1), and its B_k = −ε y' (γ + 1) p (1 − p)^γ (A_k = B_k (1 − p)).
            const pe = poly * yk * pg;
            if (poly !== 0) loss += pe * omp;
            if (!wantGrad) continue;
            const br = gk * pk * lp;
            const bPoly = -pe * (gk + 1) * pk;
            if (k === c) {
              ac = mod * (br - omp) + bPoly * omp;
              sa[k] = ac;
            } else {
              sa[k] = mod * (br - omp) + bPoly * omp;
              const bk = mod * (br / omp - 1) + bPoly;
              sb[k] = bk;
              sB += bk;
            }
          }
          if (wantGrad) {
            const qs = K > 1 ? ac / s2 : 0; // A_c q_j = ac · ex[j] / s2
            for (let k = 0, idx = base; k < K; k++, idx += inner) {
              gradOut[idx] = k === c ? gr * (ac - pc * sB) : gr * (sa[k]! - ex[k]! * cm * (sB - sb[k]!) - qs * ex[k]!);
            }
          }
        }
      } else {
        let s = 0;
        for (let k = 0, idx = base; k < K; k++, idx += inner) s += xd[idx]!;
        if (s === 0) throw zeroRow(op, base, a.axis);
        let t = 0;
        for (let k = 0, idx = base; k < K; k++, idx += inner) {
          sa[k] = 0;
          const yk = smooth ? yd[idx]! * keep + add : yd[idx]!;
          if (yk === 0) continue;
          const rk = xd[idx]! / s;
          const ok = rk < EPSILON ? EPSILON : rk > 1 - EPSILON ? 1 - EPSILON : rk;
          const w = (alpha === null ? 1 : alpha[k]!) * yk;
          const gk = gamma === null ? 0 : gamma[k]!;
          loss -= (gk === 0 ? w : w * powG(1 - ok, gk)) * Math.log(ok);
          if (poly !== 0) loss += poly * yk * powG(1 - ok, gk + 1);
          if (!wantGrad || !(rk >= EPSILON && rk <= 1 - EPSILON)) continue; // clipped: no gradient through o_k
          // a_k = ∂L/∂o_k = α y' [γ (1 − o)^(γ−1) log o − (1 − o)^γ / o] − ε y' (γ + 1)(1 − o)^γ
          let ak = gk === 0 ? -w / rk : w * (gk * powG(1 - rk, gk - 1) * Math.log(rk) - powG(1 - rk, gk) / rk);
          if (poly !== 0) ak -= poly * yk * (gk + 1) * powG(1 - rk, gk);
          sa[k] = ak;
          t += ak * rk;
        }
        if (wantGrad) {
          const f = gr / s;
          // 1/s overflows for a denormal row sum; a class without gradient (clipped) still gets 0.
          for (let k = 0, idx = base; k < K; k++, idx += inner) {
            const v = sa[k]! - t;
            gradOut[idx] = v === 0 && !Number.isFinite(f) ? 0 : f * v;
          }
        }
      }
      if (lossOut !== null) lossOut[r] = loss;
    }
  }
}

/**
 * The loss op's forward: per-row losses; with `d`, the derivatives for a unit upstream gradient in
 * the same pass.
 */
export function denseForward(y: Tensor, x: Tensor, a: DenseAttrs, op: string, d: Derivatives | null): Tensor {
  const shape = x.shape.filter((_, i) => i !== a.axis);
  const lossOut = allocFloatArray(x.dtype, shape.reduce((n, k) => n * k, 1));
  denseKernel(y, x, lossOut, d, a, op);
  return new T(lossOut, shape);
}
