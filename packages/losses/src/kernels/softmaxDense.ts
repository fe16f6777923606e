/**
 * @internal Fused kernels of the dense-label softmax losses: Keras 3 `categorical_crossentropy`
 * and `categorical_focal_crossentropy` (one-hot or soft labels, any class axis). One forward op per
 * loss, one single-pass gradient op (`…Grad`) whose own backward is the VJP of the same gradient
 * written as a composite of tensor ops, so every loss is differentiable to any order.
 *
 * Math (per row, class k, labels after smoothing y'_k = y_k(1 − ls) + ls/K, weights α_k, focusing
 * parameters γ_k; α = 1, γ = 0 is the plain crossentropy):
 *
 * - probabilities x: s = Σ x_k, o_k = clip(x_k / s, ε, 1 − ε),
 *   L = Σ_k α_k y'_k (1 − o_k)^γ_k (−log o_k);
 *   ∂L/∂x_j = (a_j − Σ_k a_k o_k) / s with a_k = m_k ∂L/∂o_k
 *   = m_k α_k y'_k [γ_k (1 − o_k)^(γ_k − 1) log o_k − (1 − o_k)^γ_k / o_k] and m_k = 1 where
 *   ε ≤ x_k/s ≤ 1 − ε (the clip passes the gradient, inclusive as in `tf.clip_by_value`), else 0.
 * - logits z: p = softmax(z) exactly (log p_k = z_k − logsumexp z),
 *   L = Σ_k α_k y'_k (1 − p_k)^γ_k (−log p_k). With A_k = α_k y'_k (1 − p_k)^γ_k [γ_k p_k log p_k −
 *   (1 − p_k)] (field notes §E1), ∂L/∂z = Σ_k A_k (e_k − q⁽ᵏ⁾) where q⁽ᵏ⁾ is the softmax of the
 *   logits other than k. Only the arg-max class c can have p_c > 1/2; for k ≠ c, q⁽ᵏ⁾_j =
 *   p_j / (1 − p_k) with 1 − p_k ≥ 1/2, so with B_k = A_k / (1 − p_k) and S_B = Σ_{k≠c} B_k:
 *   ∂L/∂z_c = A_c − p_c S_B and ∂L/∂z_j = A_j − p_j (S_B − B_j) − A_c q⁽ᶜ⁾_j (j ≠ c), where
 *   q⁽ᶜ⁾_j = exp(z_j − m₂) / Σ_{i≠c} exp(z_i − m₂) with m₂ the largest non-arg-max logit, and
 *   1 − p_c = exp(logsumexp_{i≠c} z − logsumexp z). No 0/0 or ∞·0 can form for finite logits.
 */
import {
  type ForwardContext,
  type OpContext,
  type Tensor,
  Tensor as T,
  ValueError,
  compositeVjp,
  defineOp,
  div,
  exp,
  expm1,
  greater,
  greaterEqual,
  lessEqual,
  log,
  logSoftmax,
  logSumExp,
  log1p,
  logicalAnd,
  mul,
  neg,
  pow,
  powScalar,
  reshape,
  clip,
  softmax,
  sub,
  sum,
  where,
  type Op,
} from '@focalgrad/tensor';
import { EPSILON, allocLike, constant, floatDType, keepShape, layout, perClassTensor, scaleRowsInPlace, uniformValue } from './softmaxCommon.js';
import { expFast, powG } from './fastmath.js';

/** @internal Attributes of the dense softmax-family loss ops. */
export interface DenseAttrs {
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
}

/** The gradient op's attributes: the loss op's, and the unit-upstream gradient its forward kept (if any). */
interface DenseGradAttrs {
  readonly loss: DenseAttrs;
  readonly residual: Float32Array | Float64Array | null;
}

/**
 * The fused kernel: per-row losses into `lossOut` and/or `upstream × ∂L/∂yPred` into `gradOut`, in
 * one pass per row (`gd === null` means an upstream gradient of 1 everywhere).
 */
function denseKernel(
  y: Tensor,
  x: Tensor,
  gd: ArrayLike<number> | null,
  lossOut: Float32Array | Float64Array | null,
  gradOut: Float32Array | Float64Array | null,
  a: DenseAttrs,
  op: string,
): void {
  const { outer, k: K, inner } = layout(x.shape, a.axis);
  const xd = x.data;
  const yd = y.data;
  // Keras master (PR #23437) smooths by the size of the class axis; Keras ≤ 3.15.1 and tf.keras 2
  // used shape(y_true)[-1] whatever the axis (focal-semantics §2).
  const keep = 1 - a.labelSmoothing;
  const add = a.labelSmoothing / K;
  const smooth = a.labelSmoothing !== 0;
  const alpha = a.alpha;
  const gamma = a.gamma;
  const rowStride = K * inner;
  const wantGrad = gradOut !== null;
  const ex = new Float64Array(K); // e^{z_j − m2} (logits)
  const sa = new Float64Array(K); // A_k (logits) or a_k (probabilities)
  const sb = new Float64Array(K); // B_k (logits)
  for (let o = 0, r = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++, r++) {
      const base = o * rowStride + i;
      const gr = gd === null ? 1 : gd[r]!;
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
            const mod = w * powG(omp, gk);
            loss -= mod * lp;
            if (!wantGrad) continue;
            const br = gk * pk * lp;
            if (k === c) {
              ac = mod * (br - omp);
              sa[k] = ac;
            } else {
              sa[k] = mod * (br - omp);
              const bk = mod * (br / omp - 1);
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
          if (!wantGrad || !(rk >= EPSILON && rk <= 1 - EPSILON)) continue; // clipped: no gradient through o_k
          // a_k = ∂L/∂o_k = α y' [γ (1 − o)^(γ−1) log o − (1 − o)^γ / o]
          const ak = gk === 0 ? -w / rk : w * (gk * powG(1 - rk, gk - 1) * Math.log(rk) - powG(1 - rk, gk) / rk);
          sa[k] = ak;
          t += ak * rk;
        }
        if (wantGrad) {
          const f = gr / s;
          for (let k = 0, idx = base; k < K; k++, idx += inner) gradOut[idx] = f * (sa[k]! - t);
        }
      }
      if (lossOut !== null) lossOut[r] = loss;
    }
  }
}

/** @internal The error for a probability row that sums to 0 (Keras would return NaN). */
export function zeroRow(op: string, base: number, axis: number): ValueError {
  return new ValueError(
    op,
    'yPred',
    `has a row of probabilities summing to 0 (starting at flat index ${base}, class axis ${axis}); the probability path divides each row by its sum, so a zero row has no defined loss`,
  );
}

/**
 * The loss op's forward: per-row losses. When the call is recorded, the same pass also computes the
 * gradient for a unit upstream gradient, kept as the `defineOp` residual for the gradient op.
 */
function denseForward(y: Tensor, x: Tensor, a: DenseAttrs, op: string, ctx: ForwardContext): Tensor {
  const shape = x.shape.filter((_, d) => d !== a.axis);
  const lossOut = allocLike(x, shape.reduce((n, d) => n * d, 1));
  if (ctx.recording && x.requiresGrad) {
    const gradOut = allocLike(x, x.size);
    denseKernel(y, x, null, lossOut, gradOut, a, op);
    ctx.save(gradOut);
  } else denseKernel(y, x, null, lossOut, null, a, op);
  return new T(lossOut, shape);
}

/**
 * The gradient op's forward: upstream g (per row) times ∂L/∂yPred, by scaling the forward's
 * unit-upstream gradient in place — or, without it (a second backward through a retained graph),
 * the same unit-upstream gradient recomputed by the same kernel and scaled the same way, so both
 * paths give identical numbers.
 */
function denseGrad(y: Tensor, x: Tensor, g: Tensor, a: DenseAttrs, op: string, residual: Float32Array | Float64Array | null): Tensor {
  let unit = residual;
  if (unit === null) {
    unit = allocLike(x, x.size);
    denseKernel(y, x, null, null, unit, a, op);
  }
  return new T(scaleRowsInPlace(unit, g.data, layout(x.shape, a.axis)), x.shape.slice());
}

/**
 * The same gradient as {@link denseGrad}, written with tensor ops (differentiable in x and g). It
 * is used only as the backward of the gradient op, i.e. for second and higher derivatives. From
 * logits it stays finite at saturation (log-space modulating factor, no 0/0); from probabilities
 * the clip makes it piecewise, as the first derivative is.
 */
function denseGradComposite(y: Tensor, x: Tensor, g: Tensor, a: DenseAttrs): Tensor {
  const ax = a.axis;
  const dtype = floatDType(x);
  const K = x.shape[ax]!;
  const ys = a.labelSmoothing !== 0 ? mulAdd(y, 1 - a.labelSmoothing, a.labelSmoothing / K, dtype) : y;
  const w = a.alpha === null ? ys : mul(ys, perClassTensor(a.alpha, x.ndim, ax, dtype));
  const gk = reshape(g, keepShape(x.shape, ax));
  const gammaU = uniformValue(a.gamma);
  const gammaT = a.gamma === null || gammaU !== null ? null : perClassTensor(a.gamma, x.ndim, ax, dtype);
  const gScalar = a.gamma === null ? 0 : gammaU;
  if (a.fromLogits) {
    if (a.gamma === null) return mul(gk, sub(mul(sum(w, ax, true), softmax(x, ax)), w));
    const lp = logSoftmax(x, ax);
    const p = exp(lp);
    // log(1 − p_k) in a form whose derivative stays finite at saturation: log1p(−p_k) for the
    // classes other than the row's arg-max c (p_k ≤ 1/2 there), and logsumexp_{j≠c} z − logsumexp z
    // for c itself. Then (1 − p)^γ = exp(γ·log(1 − p)) never differentiates a power at 0.
    const top = argmaxMask(x, ax, dtype);
    const big = dtype === 'float64' ? -1e300 : -1e30;
    const logOthers = sub(logSumExp(where(top, big, x), ax, true), logSumExp(x, ax, true));
    const logOmp = where(top, logOthers, log1p(neg(where(top, 0, p))));
    const omp = exp(logOmp);
    const mod = gammaT !== null ? exp(mul(logOmp, gammaT)) : gScalar === 0 ? null : exp(mul(logOmp, gScalar!));
    const gp = gammaT !== null ? gammaT : gScalar!;
    const wm = mod === null ? w : mul(w, mod);
    // log p / (1 − p), which tends to −1 − (1 − p)/2 as p → 1; the division only where 1 − p is not
    // tiny, with a safe denominator elsewhere so that neither branch of `where` forms 0/0.
    const ok = greater(omp, 1e-12);
    const ratio = where(ok, div(lp, where(ok, omp, 1)), sub(-1, mul(omp, 0.5)));
    // B_k = α y' (1−p)^γ (γ p log p / (1−p) − 1); A_k = B_k (1 − p_k); ∂L/∂z_j = A_j − p_j (Σ B − B_j)
    const bk = mul(wm, sub(mul(mul(p, ratio), gp), 1));
    const ak = mul(bk, omp);
    return mul(gk, sub(ak, mul(p, sub(sum(bk, ax, true), bk))));
  }
  const s = sum(x, ax, true);
  const r = div(x, s);
  const inRange = logicalAnd(greaterEqual(r, EPSILON), lessEqual(r, 1 - EPSILON));
  const o = clip(r, EPSILON, 1 - EPSILON);
  let ak: Tensor;
  if (a.gamma === null || gScalar === 0) ak = neg(div(w, o));
  else {
    const b = sub(1, o);
    const gp = gammaT !== null ? gammaT : gScalar!;
    const pg1 = gammaT !== null ? pow(b, sub(gammaT, 1)) : powScalar(b, gScalar! - 1);
    const pg = gammaT !== null ? pow(b, gammaT) : powScalar(b, gScalar!);
    ak = mul(w, sub(mul(mul(pg1, log(o)), gp), div(pg, o)));
  }
  ak = mul(ak, inRange);
  const t = sum(mul(ak, o), ax, true);
  return mul(div(gk, s), sub(ak, t));
}

/** A constant 0/1 mask of x's shape marking each row's first arg-max along `axis`. */
function argmaxMask(x: Tensor, axis: number, dtype: 'float32' | 'float64'): Tensor {
  const { outer, k: K, inner } = layout(x.shape, axis);
  const xd = x.data;
  const m = new Float64Array(x.size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      let best = 0;
      let bv = -Infinity;
      for (let k = 0, idx = base; k < K; k++, idx += inner) {
        if (xd[idx]! > bv) {
          bv = xd[idx]!;
          best = k;
        }
      }
      m[base + best * inner] = 1;
    }
  }
  return constant(m, x.shape, dtype);
}

/** The smoothed labels y·m + c as a constant of the compute dtype. */
function mulAdd(y: Tensor, m: number, c: number, dtype: 'float32' | 'float64'): Tensor {
  const yd = y.data;
  const v = new Float64Array(yd.length);
  for (let i = 0; i < v.length; i++) v[i] = yd[i]! * m + c;
  return constant(v, y.shape, dtype);
}

/**
 * @internal Makes the fused op of a dense softmax-family loss (`name`) and its gradient op
 * (`name + 'Grad'`). Inputs `[yTrue, yPred]`; the labels get no gradient (they are constants). A
 * recorded forward keeps its unit-upstream gradient as a `defineOp` residual; the loss op's
 * backward takes it (once) and hands it to the gradient op in its attributes.
 */
export function makeDenseLossOp(name: string): Op<DenseAttrs> {
  const gradOp = defineOp<DenseGradAttrs>({
    name: `${name}Grad`,
    forward: ([y, x, g], attrs) => denseGrad(y!, x!, g!, attrs.loss, name, attrs.residual),
    backward: (gg: Tensor, { inputs: [y, x, g], attrs }: OpContext<DenseGradAttrs>) => {
      const [gx, gu] = compositeVjp((xx, gv) => denseGradComposite(y!, xx!, gv!, attrs.loss), [x!, g!], gg);
      return [null, gx, gu];
    },
  });
  return defineOp<DenseAttrs>({
    name,
    forward: ([y, x], attrs, ctx) => denseForward(y!, x!, attrs, name, ctx),
    backward: (g, { inputs: [y, x], attrs, needsInputGrad, takeSaved }) => {
      const residual = (takeSaved() as Float32Array | Float64Array | undefined) ?? null;
      return [null, needsInputGrad[1] ? gradOp([y!, x!, g], { loss: attrs, residual }) : null];
    },
  });
}
