/**
 * @internal The gradient of the integer-label softmax losses written with differentiable tensor
 * ops, for second and higher derivatives.
 */
import {
  type Tensor,
  add,
  clip,
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
  sigmoid,
  softmax,
  splitAround,
  sub,
  sum,
  where,
} from '@focalgrad/tensor';
import { uniformValue } from '../core/perClass.js';
import { EPSILON, type SparseAttrs } from '../kernels/index.js';
import { constant, floatDType, keepShape } from './classAxis.js';

/** Label-derived constants for the composite formula, all in x's dtype. */
function sparseConstants(lab: Tensor, x: Tensor, a: SparseAttrs): { onehot: Tensor; valid: Tensor; gammaT: Tensor | null; gScalar: number; wT: Tensor | null } {
  const [outer, K, inner] = splitAround(x.shape, a.axis);
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
 * The sparse losses' gradient (the kernel of `kernels/softmax/sparse.ts`) with tensor ops,
 * differentiable in x and the upstream gradient: the second and higher derivatives.
 */
export function sparseGradComposite(lab: Tensor, x: Tensor, gu: Tensor, a: SparseAttrs): Tensor {
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
    const xt = sum(mul(x, onehot), ax, true);
    const mt = logicalAnd(greaterEqual(div(xt, s), EPSILON), lessEqual(div(xt, s), 1 - EPSILON));
    // A row whose target is clipped has no gradient, but its sum can be so small that the
    // derivative of a division by it, 1/s², overflows and meets that zero: it divides by 1.
    const sSafe = where(mt, s, 1);
    const ot = clip(div(xt, sSafe), EPSILON, 1 - EPSILON);
    return mul(div(mul(gk, mt), sSafe), sub(1, div(onehot, ot)));
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

