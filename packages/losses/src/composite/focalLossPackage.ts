/**
 * @internal The derivatives of the `focal-loss` package's binary focal loss (the kernels of
 * `kernels/binary/focalLossPackage.ts`) written with differentiable tensor ops: every power has a
 * base >= eps (probabilities) or is taken in log space (logits), so saturated inputs stay finite.
 */
import { type Tensor, add, div, exp, log, maximum, mul, neg, notEqual, pow, powScalar, sigmoid, softplus, sub, where } from '@focalgrad/tensor';
import type { FlKernelParams } from '../kernels/index.js';
import { uniformValue } from '../core/perClass.js';
import { lastAxisConstant } from './binaryFocal.js';
import { geMask, smoothLabels } from './terms.js';

function pw(x: Tensor, G: Float64Array): Tensor {
  const g = uniformValue(G);
  return g !== null ? powScalar(x, g) : pow(x, lastAxisConstant(G, x.dtype));
}

/** The probability-path derivative, with the clamped bases (>= eps) everywhere. */
export function flProbsDerivative(yt: Tensor, p: Tensor, P: FlKernelParams): Tensor {
  const dt = p.dtype;
  const q = sub(1, p);
  const pc = maximum(p, P.eps);
  const qc = maximum(q, P.eps);
  const dp = geMask(p, P.eps);
  const dq = neg(geMask(q, P.eps));
  const G = P.gamma;
  const Gt = lastAxisConstant(G, dt);
  const Gm1 = G.map((g) => g - 1);
  const PW = lastAxisConstant(P.posWeight, dt);
  // d/dp [-pw q^γ log p] and d/dp [-p^γ log q]
  const dpos = neg(mul(PW, add(mul(mul(mul(Gt, pw(qc, Gm1)), dq), log(pc)), div(mul(pw(qc, G), dp), pc))));
  const dneg = neg(add(mul(mul(mul(Gt, pw(pc, Gm1)), dp), log(qc)), div(mul(pw(pc, G), dq), qc)));
  if (!P.smooth) return where(notEqual(yt, 0), dpos, dneg);
  const ys = smoothLabels(yt, P.smoothA, P.smoothB);
  return add(mul(ys, dpos), mul(sub(1, ys), dneg));
}

/** The logit-path derivative; powers of σ(±x) in log space, `σ(−x)^γ = exp(−γ·softplus(x))`. */
export function flLogitsDerivative(yt: Tensor, x: Tensor, P: FlKernelParams): Tensor {
  const dt = x.dtype;
  const s = sigmoid(x);
  const sb = sigmoid(neg(x));
  const spp = softplus(x);
  const spn = softplus(neg(x));
  const Gt = lastAxisConstant(P.gamma, dt);
  const PW = lastAxisConstant(P.posWeight, dt);
  const mPos = exp(mul(neg(Gt), spp));
  const mNeg = exp(mul(neg(Gt), spn));
  if (!P.smooth) {
    const ym = sub(1, yt);
    const ce = add(mul(ym, spp), mul(mul(PW, yt), spn));
    const dce = sub(mul(ym, s), mul(mul(PW, yt), sb));
    const dPos = mul(mPos, sub(dce, mul(mul(Gt, s), ce)));
    const dNeg = mul(mNeg, add(dce, mul(mul(Gt, sb), ce)));
    return where(notEqual(yt, 0), dPos, dNeg);
  }
  const ys = smoothLabels(yt, P.smoothA, P.smoothB);
  const a = mul(mul(PW, ys), mPos);
  const b = mul(sub(1, ys), mNeg);
  return add(neg(mul(a, add(mul(mul(Gt, s), spn), sb))), mul(b, add(mul(mul(Gt, sb), spp), s)));
}

