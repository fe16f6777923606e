/**
 * @internal Fused kernels of the integer-label softmax losses: Keras 3
 * `sparse_categorical_crossentropy` and the `focal-loss` package's `sparse_categorical_focal_loss`
 * (any class axis, optional ignored class). One forward op per loss and one single-pass gradient
 * op (`…Grad`) whose own backward is the VJP of the same gradient written with tensor ops.
 *
 * Math (per row with true class t, weight w = classWeight[t] or 1, γ = gamma[t] or 0):
 *
 * - logits z (both losses): with S' = Σ_{j≠t} e^{z_j − c} and e_t = e^{z_t − c} for a shift c (the
 *   target logit, or the row's max when some logit exceeds it by more than 600), S = S' + e_t:
 *   −log p_t = log S − (z_t − c), 1 − p_t = S'/S (summed without the target: no cancellation), and
 *   L = w (1 − p_t)^γ (−log p_t). Gradient (field notes §E1): ∂L/∂z = A (e_t − q) with
 *   A = w (1 − p_t)^γ [γ p_t log p_t − (1 − p_t)] and q_j = e^{z_j − c} / S' for j ≠ t (the softmax
 *   of the non-target logits), q_t = 0. Every factor is finite for finite logits and any γ ≥ 0: no
 *   (1 − p_t)^(γ−1) is ever formed.
 * - probabilities x, focal-loss (`mode: 'focal'`): c = clip(x, ε, 1 − ε), the crossentropy is
 *   `sparse_softmax_cross_entropy_with_logits(log c)` = log Σ c_k − log c_t (an implicit
 *   renormalisation), the modulation uses the raw x_t: L = w · max(1 − x_t, 0)^γ · (log Σ c − log c_t).
 *   The max(·, 0) is the negative-base guard of focal-semantics §9.3 (only inputs x_t > 1 are
 *   affected; the reference gives NaN there for fractional γ). ∂L/∂x_j = w M m_j (1/C − δ_jt / c_t)
 *   + δ_jt w M' X with M' = −γ (1 − x_t)^(γ−1); for 0 < γ < 1 its base is taken at least ε, i.e. at
 *   x_t ≥ 1 − ε the derivative is its value at the clip boundary x_t = 1 − ε instead of −∞.
 * - probabilities x, Keras (`mode: 'keras'`): s = Σ x, o_t = clip(x_t / s, ε, 1 − ε), L = −log o_t,
 *   ∂L/∂x_j = m_t (1 − δ_jt / o_t) / s.
 */
import {
  type ForwardContext,
  type OpContext,
  type Tensor,
  Tensor as T,
  add,
  compositeVjp,
  defineOp,
  div,
  exp,
  greaterEqual,
  less,
  lessEqual,
  log,
  logSigmoid,
  logSumExp,
  logicalAnd,
  maximum,
  mul,
  neg,
  pow,
  powScalar,
  relu,
  reshape,
  clip,
  sigmoid,
  softmax,
  sub,
  sum,
  where,
  type Op,
} from '@focalgrad/tensor';
import { EPSILON, allocLike, constant, floatDType, keepShape, layout, scaleAll, scaleRowsInPlace, uniformValue } from './softmaxCommon.js';
import { expFast, expFast32, log1pFast32, powG } from './fastmath.js';
import { zeroRow } from './softmaxDense.js';

/** @internal Attributes of the sparse softmax-family loss ops. */
export interface SparseAttrs {
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
  /**
   * When set, the op returns the sum of the per-row losses divided by `reduceBy` (1 for `'sum'`,
   * the number of samples for the means), as a scalar: a Keras reduction fused into the op (the
   * loss classes, without a sample weight). The value is rounded exactly as the generic path
   * (per-row losses in yPred's dtype, summed, then divided) rounds it.
   */
  readonly reduceBy: number | null;
}

/**
 * @internal What the forward of a recorded call keeps for the first-order backward (a `defineOp`
 * residual): the gradient for a unit upstream gradient of the per-row losses — or, when the
 * reduction is fused, the finished gradient (times `1/reduceBy`), so that `loss.backward()` needs
 * no pass at all.
 */
export type SparseResidual = Float32Array | Float64Array;

/** The gradient op's attributes: the loss op's, and the residual its forward kept (if any). */
interface SparseGradAttrs {
  readonly loss: SparseAttrs;
  readonly residual: SparseResidual | null;
}

/** Rows per stage of {@link logitsRows} (fewer for long rows: see {@link STAGE_ELEMS}). */
const BLOCK = 64;
/** Elements per stage when the exponentials wait in the float64 scratch (32 KiB, about L1). */
const STAGE_ELEMS = 4096;
/** Per-row scratch of the current block: S' (−1 for a row that is done), and the row factors. */
const blockSn = new Float64Array(BLOCK);
const blockF = new Float64Array(BLOCK);
const blockA = new Float64Array(BLOCK);
/** The current block's exponentials (when there is a gradient to write). */
const blockE = new Float64Array(STAGE_ELEMS);

/**
 * The logits path with the class axis last (contiguous rows), as tight loops. The exponentials are
 * taken relative to the target logit, e_j = e^{z_j − z_t}, so no max pass is needed:
 * S' = Σ_{j≠t} e_j, −log p_t = log1p(S'), 1 − p_t = S'/(1 + S'), q_j = e_j / S' — all exact and
 * cancellation-free. A row where some z_j − z_t > 600 (S' could overflow) is redone relative to its
 * max by the general kernel's formulas ({@link shiftedRow}).
 *
 * Rows are processed in blocks, stage by stage: every row's exponentials, then every row's scalars
 * (`log1p`, the modulating factor, the gradient factors), then every row's gradient. One row's
 * scalars form a long dependency chain; staged, the chains of different rows overlap in the CPU
 * instead of running one after another. The block's exponentials wait in a float64 scratch (about
 * L1-sized), so each gradient entry is rounded once and written once — and e^{z_j − z_t}, which
 * overflows float32 for gaps above 88.7, is never stored in a float32 buffer. float32 logits
 * use {@link expFast32} and {@link log1pFast32}: every quantity here is a sum or product of
 * positive terms (no cancellation), so values and gradients stay within float32 rounding of the
 * exact ones.
 */
function logitsRows(
  ld: ArrayLike<number>,
  xd: ArrayLike<number>,
  K: number,
  rows: number,
  gd: ArrayLike<number> | null,
  gS: number,
  lossOut: Float32Array | Float64Array | null,
  gradOut: Float32Array | Float64Array | null,
  gU: number | null,
  gamma: Float64Array | null,
  cw: Float64Array | null,
  ign: number | null,
): number {
  const f32 = xd instanceof Float32Array;
  const E = gradOut === null ? null : K <= STAGE_ELEMS ? blockE : new Float64Array(K);
  const B = gradOut === null ? BLOCK : Math.max(1, Math.min(BLOCK, Math.floor(STAGE_ELEMS / K)));
  const SN = blockSn;
  const F = blockF;
  const AT = blockA;
  let lossSum = 0;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const R = Math.min(B, rows - r0);
    // 1. the exponentials (kept in the scratch, at q·K, when there is a gradient)
    for (let q = 0, base = r0 * K; q < R; q++, base += K) {
      const t = ld[r0 + q]!;
      SN[q] = t === ign ? -1 : rowExps(xd, base, base + t, base + K, E, base - q * K, f32);
    }
    // 2. the per-row scalars
    for (let q = 0, base = r0 * K; q < R; q++, base += K) {
      const sn = SN[q]!;
      if (sn < 0) continue; // ignored: loss 0, gradient 0
      const r = r0 + q;
      const t = ld[r]!;
      const w = cw === null ? 1 : cw[t]!;
      const g = gU !== null ? gU : gamma![t]!;
      const gr = gd === null ? gS : gd[r]!;
      if (sn === 1 / 0) {
        const loss = shiftedRow(xd, base, base + K, base + t, w, g, gr, r, lossOut, gradOut);
        lossSum += f32 ? Math.fround(loss) : loss;
        SN[q] = -1; // finished
        continue;
      }
      const ce = f32 ? log1pFast32(sn) : Math.log1p(sn); // −log p_t
      const s = 1 + sn;
      const omp = sn / s; // 1 − p_t
      const mod = g === 0 ? w : g === 2 ? w * omp * omp : w * powG(omp, g);
      const loss = mod * ce;
      lossSum += f32 ? Math.fround(loss) : loss;
      if (lossOut !== null) lossOut[r] = loss;
      if (gradOut !== null) {
        // A = w (1 − p_t)^γ [γ p_t log p_t − (1 − p_t)]; ∂L/∂z = A (e_t − q)
        const A = g === 0 ? -gr * w * omp : gr * mod * (-g * ce / s - omp);
        F[q] = sn > 0 ? -A / sn : 0;
        AT[q] = A;
      }
    }
    // 3. the gradient rows
    if (E === null) continue;
    const G = gradOut!;
    for (let q = 0, base = r0 * K; q < R; q++, base += K) {
      if (SN[q]! < 0) continue;
      const f = F[q]!;
      for (let k = 0, e0 = q * K; k < K; k++) G[base + k] = E[e0 + k]! * f;
      G[base + ld[r0 + q]!] = AT[q]!;
    }
  }
  return lossSum;
}

/**
 * `S' = Σ_{j ∈ [base, end), j ≠ ti} e^{x_j − zt}` (the target left out, not subtracted: S' may be
 * far below 1), each term also written to `out[j − o]` when `out` is given ({@link expFast32} for
 * float32 logits); `Infinity` when some exponent exceeds 600 (the sum could overflow:
 * {@link logitsRows} then redoes the row relative to its max). A small function of its own, so that
 * its loops keep everything in registers.
 */
function rowExps(xd: ArrayLike<number>, base: number, ti: number, end: number, out: Float32Array | Float64Array | null, o: number, f32: boolean): number {
  const zt = xd[ti]!;
  let sn = 0;
  let over = 0;
  // two ranges: [base, ti) and (ti, end)
  for (let pass = 0, from = base, to = ti; pass < 2; pass++, from = ti + 1, to = end) {
    if (out === null) {
      if (f32) {
        for (let j = from; j < to; j++) {
          const d = xd[j]! - zt;
          if (d > 600) over = 1;
          sn += expFast32(d);
        }
      } else {
        for (let j = from; j < to; j++) {
          const d = xd[j]! - zt;
          if (d > 600) over = 1;
          sn += expFast(d);
        }
      }
    } else if (f32) {
      for (let j = from; j < to; j++) {
        const d = xd[j]! - zt;
        if (d > 600) over = 1;
        const e = expFast32(d);
        out[j - o] = e;
        sn += e;
      }
    } else {
      for (let j = from; j < to; j++) {
        const d = xd[j]! - zt;
        if (d > 600) over = 1;
        const e = expFast(d);
        out[j - o] = e;
        sn += e;
      }
    }
  }
  return over === 0 ? sn : 1 / 0;
}

/** One row of {@link logitsRows} with the exponentials taken relative to the row's max; returns its loss. */
function shiftedRow(
  xd: ArrayLike<number>,
  base: number,
  end: number,
  ti: number,
  w: number,
  g: number,
  gr: number,
  r: number,
  lossOut: Float32Array | Float64Array | null,
  gradOut: Float32Array | Float64Array | null,
): number {
  let m = -Infinity;
  for (let j = base; j < end; j++) if (xd[j]! > m) m = xd[j]!;
  let sn = 0;
  for (let j = base; j < end; j++) {
    if (j === ti) continue;
    const e = expFast(xd[j]! - m);
    if (gradOut !== null) gradOut[j] = e;
    sn += e;
  }
  const dt = xd[ti]! - m;
  const et = expFast(dt);
  const ce = Math.log1p(sn + (et - 1)) - dt;
  const s = sn + et;
  const omp = sn / s;
  const mod = w * powG(omp, g);
  const loss = mod * ce;
  if (lossOut !== null) lossOut[r] = loss;
  if (gradOut !== null) {
    const A = g === 0 ? -gr * w * omp : gr * mod * (-g * (et / s) * ce - omp);
    const f = sn > 0 ? -A / sn : 0;
    for (let j = base; j < end; j++) gradOut[j] = gradOut[j]! * f;
    gradOut[ti] = A;
  }
  return loss;
}

/**
 * The fused kernel: per-row losses into `lossOut` and/or `upstream × ∂L/∂yPred` into `gradOut`, in
 * one pass per row (`gd === null` means an upstream gradient of `gS` everywhere). Returns the
 * float64 sum of the per-row losses, each rounded to yPred's dtype first (as stored in `lossOut`).
 */
function sparseKernel(
  lab: Tensor,
  x: Tensor,
  gd: ArrayLike<number> | null,
  gS: number,
  lossOut: Float32Array | Float64Array | null,
  gradOut: Float32Array | Float64Array | null,
  a: SparseAttrs,
  op: string,
): number {
  const { outer, k: K, inner } = layout(x.shape, a.axis);
  const ld = lab.data;
  const xd = x.data;
  const gamma = a.gamma;
  const gU = gamma === null ? 0 : uniformValue(gamma);
  const cw = a.classWeight;
  const ign = a.ignoreClass;
  if (a.fromLogits && inner === 1 && K > 1) return logitsRows(ld, xd, K, outer, gd, gS, lossOut, gradOut, gU, gamma, cw, ign);
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
      const gr = gd === null ? gS : gd[r]!;
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
        const b = xt > 1 ? 0 : 1 - xt; // negative-base guard (§9.3)
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
          gradOut[ti] = gradOut[ti]! + dxt;
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
 * The loss op's forward: per-row losses, or their fused reduction. When the call is recorded, the
 * same pass also computes the gradient for a unit upstream gradient (times `1/reduceBy` for a fused
 * reduction), kept as the `defineOp` residual for the gradient op.
 */
function sparseForward(lab: Tensor, x: Tensor, a: SparseAttrs, op: string, ctx: ForwardContext): Tensor {
  const lossOut = a.reduceBy === null ? allocLike(x, lab.size) : null;
  const gS = a.reduceBy === null ? 1 : 1 / a.reduceBy;
  let sum: number;
  if (ctx.recording && x.requiresGrad) {
    const grad = allocLike(x, x.size);
    sum = sparseKernel(lab, x, null, gS, lossOut, grad, a, op);
    ctx.save(grad);
  } else sum = sparseKernel(lab, x, null, gS, lossOut, null, a, op);
  if (a.reduceBy === null) return new T(lossOut!, lab.shape.slice());
  // As the generic path: the sum of the dtype-rounded row losses, rounded, then divided.
  const out = allocLike(x, 1);
  out[0] = sum;
  if (a.reduceBy !== 1) out[0] = out[0]! / a.reduceBy;
  return new T(out, []);
}

/**
 * The gradient op's forward: the forward's residual scaled in place by the upstream gradient `gu`
 * (per row; one scalar — usually 1: no pass — for a fused reduction), or, without a residual (a
 * second backward through a retained graph), the same residual recomputed by the same kernel and
 * scaled the same way: identical numbers either way.
 */
function sparseGrad(lab: Tensor, x: Tensor, gu: Tensor, a: SparseAttrs, op: string, residual: SparseResidual | null): Tensor {
  let grad = residual;
  if (grad === null) {
    grad = allocLike(x, x.size);
    sparseKernel(lab, x, null, a.reduceBy === null ? 1 : 1 / a.reduceBy, null, grad, a, op);
  }
  const out = a.reduceBy !== null ? scaleAll(grad, gu.data[0]!) : scaleRowsInPlace(grad, gu.data, layout(x.shape, a.axis));
  return new T(out, x.shape.slice());
}

/** Label-derived constants for the composite formula, all in x's dtype. */
function sparseConstants(lab: Tensor, x: Tensor, a: SparseAttrs): { onehot: Tensor; valid: Tensor; gammaT: Tensor | null; gScalar: number; wT: Tensor | null } {
  const { outer, k: K, inner } = layout(x.shape, a.axis);
  const dtype = floatDType(x);
  const ld = lab.data;
  const oh = new Float64Array(x.size);
  const valid = new Float64Array(outer * inner);
  const gU = a.gamma === null ? 0 : uniformValue(a.gamma);
  const gv = gU === null ? new Float64Array(outer * inner) : null;
  const wv = a.classWeight === null ? null : new Float64Array(outer * inner);
  for (let o = 0, r = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++, r++) {
      let t = ld[r]!;
      // An ignored row gets a stand-in class 0 so that every term stays finite; `valid` zeroes it.
      if (t === a.ignoreClass) t = 0;
      else valid[r] = 1;
      oh[o * K * inner + i + t * inner] = 1;
      if (gv !== null) gv[r] = a.gamma![t]!;
      if (wv !== null) wv[r] = a.classWeight![t]!;
    }
  }
  const ks = keepShape(x.shape, a.axis);
  return {
    onehot: constant(oh, x.shape, dtype),
    valid: constant(valid, ks, dtype),
    gammaT: gv === null ? null : constant(gv, ks, dtype),
    gScalar: gU ?? 0,
    wT: wv === null ? null : constant(wv, ks, dtype),
  };
}

/**
 * The same gradient as {@link sparseGrad} with tensor ops (differentiable in x and the upstream
 * gradient); the backward of the gradient op, i.e. second and higher derivatives.
 */
function sparseGradComposite(lab: Tensor, x: Tensor, gu: Tensor, a: SparseAttrs): Tensor {
  const ax = a.axis;
  const { onehot, valid, gammaT, gScalar, wT } = sparseConstants(lab, x, a);
  // per-row upstream gradients, or (fused reduction) one scalar divided by the reduction's count
  let gk = mul(a.reduceBy === null ? reshape(gu, keepShape(x.shape, ax)) : mul(gu, 1 / a.reduceBy), valid);
  if (wT !== null) gk = mul(gk, wT);
  const focal = gammaT !== null || gScalar !== 0;
  if (a.fromLogits) {
    if (!focal) return mul(gk, sub(softmax(x, ax), onehot));
    const big = x.dtype === 'float64' ? -1e300 : -1e30;
    const zm = where(onehot, big, x); // the target logit masked out
    const lseN = logSumExp(zm, ax, true);
    const d = sub(sum(mul(x, onehot), ax, true), lseN);
    const omp = sigmoid(neg(d));
    const gp: Tensor | number = gammaT ?? gScalar;
    const mod = exp(mul(logSigmoid(neg(d)), gp));
    const A = mul(mod, sub(mul(mul(sigmoid(d), logSigmoid(d)), gp), omp));
    const q = exp(sub(zm, lseN));
    return mul(mul(gk, A), sub(onehot, q));
  }
  if (a.mode === 'keras') {
    const s = sum(x, ax, true);
    const rt = div(sum(mul(x, onehot), ax, true), s);
    const mt = logicalAnd(greaterEqual(rt, EPSILON), lessEqual(rt, 1 - EPSILON));
    const ot = clip(rt, EPSILON, 1 - EPSILON);
    return mul(div(mul(gk, mt), s), sub(1, div(onehot, ot)));
  }
  const c = clip(x, EPSILON, 1 - EPSILON);
  const m = logicalAnd(greaterEqual(x, EPSILON), lessEqual(x, 1 - EPSILON));
  const C = sum(c, ax, true);
  const ct = sum(mul(c, onehot), ax, true);
  const xt = sum(mul(x, onehot), ax, true);
  const xent = sub(log(C), log(ct));
  const b = relu(sub(1, xt));
  const ce = mul(m, sub(div(1, C), div(onehot, ct)));
  if (!focal) return mul(gk, ce);
  let M: Tensor;
  let dM: Tensor;
  if (gammaT !== null) {
    M = pow(b, gammaT);
    // 0 ≤ γ < 1: the base of the derivative is capped below at ε (finite at x_t = 1)
    const bc = where(less(gammaT, 1), maximum(b, EPSILON), b);
    dM = mul(neg(mul(gammaT, pow(bc, sub(gammaT, 1)))), lessEqual(xt, 1));
  } else {
    M = powScalar(b, gScalar);
    const bc = gScalar < 1 ? maximum(b, EPSILON) : b;
    dM = mul(mul(powScalar(bc, gScalar - 1), -gScalar), lessEqual(xt, 1));
  }
  return mul(gk, add(mul(M, ce), mul(mul(onehot, dM), xent)));
}

/**
 * @internal Makes the fused op of a sparse softmax-family loss (`name`) and its gradient op
 * (`name + 'Grad'`). Inputs `[labels (int32, yPred's shape without the class axis), yPred]`. A
 * recorded forward keeps its gradient work as a `defineOp` residual ({@link SparseResidual}); the
 * loss op's backward takes it (once) and hands it to the gradient op in its attributes.
 */
export function makeSparseLossOp(name: string): Op<SparseAttrs> {
  const gradOp = defineOp<SparseGradAttrs>({
    name: `${name}Grad`,
    forward: ([lab, x, g], attrs) => sparseGrad(lab!, x!, g!, attrs.loss, name, attrs.residual),
    backward: (gg: Tensor, { inputs: [lab, x, g], attrs }: OpContext<SparseGradAttrs>) => {
      const [gx, gv] = compositeVjp((xx, gw) => sparseGradComposite(lab!, xx!, gw!, attrs.loss), [x!, g!], gg);
      return [null, gx, gv];
    },
  });
  return defineOp<SparseAttrs>({
    name,
    forward: ([lab, x], attrs, ctx) => sparseForward(lab!, x!, attrs, name, ctx),
    backward: (g, { inputs: [lab, x], attrs, needsInputGrad, takeSaved }) => {
      const residual = (takeSaved() as SparseResidual | undefined) ?? null;
      return [null, needsInputGrad[1] ? gradOp([lab!, x!, g], { loss: attrs, residual }) : null];
    },
  });
}
