/**
 * @internal The gradient of the dense-label softmax losses written with differentiable tensor ops,
 * for second and higher derivatives.
 */
import {
  type Tensor,
  add,
  clip,
  div,
  exp,
  greater,
  greaterEqual,
  lessEqual,
  log,
  log1p,
  logSoftmax,
  logSumExp,
  logicalAnd,
  mul,
  neg,
  pow,
  powScalar,
  reshape,
  softmax,
  splitAround,
  sub,
  sum,
  where,
} from '@focalgrad/tensor';
import { perClassConstant, uniformValue } from '../core/perClass.js';
import { type DenseAttrs, EPSILON } from '../kernels/index.js';
import { constant, floatDType, keepShape } from './classAxis.js';

/**
 * The dense losses' gradient (the kernel of `kernels/softmax/dense.ts`) written with tensor ops,
 * differentiable in x and g: the second and higher derivatives. From
 * logits it stays finite at saturation (log-space modulating factor, no 0/0); from probabilities
 * the clip makes it piecewise, as the first derivative is.
 */
export function denseGradComposite(y: Tensor, x: Tensor, g: Tensor, a: DenseAttrs): Tensor {
  const ax = a.axis;
  const dtype = floatDType(x);
  const K = x.shape[ax]!;
  const ys = a.labelSmoothing !== 0 ? mulAdd(y, 1 - a.labelSmoothing, a.labelSmoothing / K, dtype) : y;
  const w = a.alpha === null ? ys : mul(ys, perClassConstant(a.alpha, dtype, x.ndim, ax));
  const gk = reshape(g, keepShape(x.shape, ax));
  const gammaU = uniformValue(a.gamma);
  const gammaT = a.gamma === null || gammaU !== null ? null : perClassConstant(a.gamma, dtype, x.ndim, ax);
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
    let bk = mul(wm, sub(mul(mul(p, ratio), gp), 1));
    // Poly-1's B_k = −ε y' (γ + 1) p (1 − p)^γ
    if (a.poly !== 0) bk = sub(bk, mul(mul(ys, mod === null ? p : mul(p, mod)), polyFactor(gp, a.poly)));
    const ak = mul(bk, omp);
    return mul(gk, sub(ak, mul(p, sub(sum(bk, ax, true), bk))));
  }
  const s = sum(x, ax, true);
  const inRange = logicalAnd(greaterEqual(div(x, s), EPSILON), lessEqual(div(x, s), 1 - EPSILON));
  // A row with every class in the clip zone has a constant loss (gradient and Hessian 0), but its
  // sum can be so small (a row [1e-45] in float32) that the derivative of x / s, which divides by
  // s², overflows and meets a zero: 0 · ∞. Such rows divide by 1 instead; only their (masked-out)
  // values change, never a result.
  const liveRow = greater(sum(inRange, ax, true), 0);
  const sSafe = where(liveRow, s, 1);
  const o = clip(div(x, sSafe), EPSILON, 1 - EPSILON);
  let ak: Tensor;
  if (a.gamma === null || gScalar === 0) ak = neg(div(w, o));
  else {
    const b = sub(1, o);
    const gp = gammaT !== null ? gammaT : gScalar!;
    const pg1 = gammaT !== null ? pow(b, sub(gammaT, 1)) : powScalar(b, gScalar! - 1);
    const pg = gammaT !== null ? pow(b, gammaT) : powScalar(b, gScalar!);
    ak = mul(w, sub(mul(mul(pg1, log(o)), gp), div(pg, o)));
  }
  if (a.poly !== 0) {
    // Poly-1's −ε y' (γ + 1)(1 − o)^γ
    const gp = gammaT !== null ? gammaT : gScalar!;
    const pg = gammaT !== null ? pow(sub(1, o), gammaT) : gScalar === 0 ? null : powScalar(sub(1, o), gScalar!);
    ak = sub(ak, mul(pg === null ? ys : mul(ys, pg), polyFactor(gp, a.poly)));
  }
  ak = mul(ak, inRange);
  const t = sum(mul(ak, o), ax, true);
  return mul(div(gk, sSafe), sub(ak, t));
}

/** PolyLoss's `ε (γ + 1)`, per class or one number. */
function polyFactor(gamma: Tensor | number, epsilon: number): Tensor | number {
  return typeof gamma === 'number' ? epsilon * (gamma + 1) : mul(add(gamma, 1), epsilon);
}

/** A constant 0/1 mask of x's shape marking each row's first arg-max along `axis`. */
function argmaxMask(x: Tensor, axis: number, dtype: 'float32' | 'float64'): Tensor {
  const [outer, K, inner] = splitAround(x.shape, axis);
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

