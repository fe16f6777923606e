/**
 * @internal The derivatives computed by the fused kernels of `kernels/binary/focal.ts`, written again with
 * differentiable tensor ops. They are used only to differentiate a fused gradient (second and
 * higher order), so they favour NaN-free forms over speed: powers of `u = 1 − p_t` are guarded
 * with the double-`where` pattern so that a saturated element contributes exact zeros instead of
 * `0 · ∞`.
 */
import {
  type DType,
  type Tensor,
  abs,
  add,
  equal,
  logSigmoid,
  logicalOr,
  clip,
  div,
  exp,
  greater,
  greaterEqual,
  detach,
  log,
  log1p,
  maximum,
  mul,
  neg,
  pow,
  powScalar,
  sigmoid,
  softplus,
  sub,
  where,
} from '@focalgrad/tensor';
import { perClassConstant, uniformValue } from '../core/perClass.js';
import type { FocalKernelParams } from '../kernels/index.js';
import { clipMask, smoothLabels } from './terms.js';

/** Whether every class shares one value (a per-class parameter that is effectively a scalar). */
const isUniform = (v: Float64Array): boolean => uniformValue(v) !== null;

/** Per-class values along the last axis, as a constant (a scalar when uniform, else shape `[C]`). */
export function lastAxisConstant(v: Float64Array, dtype: DType): Tensor {
  return perClassConstant(v, dtype, 1, 0);
}

function mapped(v: Float64Array, f: (x: number) => number, dtype: DType): Tensor {
  return lastAxisConstant(v.map(f), dtype);
}

/** The class weight `y·α + (1 − y)·(1 − α)` (or torchvision's disabled weight 1). */
function classWeight(y: Tensor, ym: Tensor, P: FocalKernelParams, dtype: DType): Tensor {
  return add(mul(y, lastAxisConstant(P.wPos!, dtype)), mul(ym, lastAxisConstant(P.wNeg, dtype)));
}

/**
 * `log u = log(y·σ(−x) + (1 − y)·σ(x))`, finite and smooth for every finite logit: a plain
 * mixture of log-sigmoids for hard labels, a log-sum-exp of the two terms for soft ones (each
 * branch evaluated at a harmless stand-in label where the other is selected).
 */
function logOneMinusPt(y: Tensor, ym: Tensor, x: Tensor): Tensor {
  const ls = logSigmoid(x);
  const lsb = logSigmoid(neg(x));
  const hard = logicalOr(equal(y, 0), equal(y, 1));
  const logHard = add(mul(y, lsb), mul(ym, ls));
  const ySoft = where(hard, 0.5, y);
  const a = add(log(ySoft), lsb);
  const b = add(log(sub(1, ySoft)), ls);
  const logSoft = add(maximum(a, b), log1p(exp(neg(abs(sub(a, b))))));
  return where(hard, logHard, logSoft);
}

/**
 * `b^e` (per class along the last axis) for a base `b >= 0`. An exponent below 1 has an infinite
 * derivative at `b = 0`: for those, the power is differentiated only where `live`, and elsewhere
 * it is the constant `frozen^e`. Both branches of the `where` are finite (the live one sees 1
 * where it is not selected), since the gradient flows into both.
 */
function powOutsideClip(live: Tensor, b: Tensor, frozen: Tensor, exps: Float64Array): Tensor {
  const dt = b.dtype;
  const u = uniformValue(exps);
  const e = u !== null ? u : lastAxisConstant(exps, dt);
  const power = (x: Tensor): Tensor => (typeof e === 'number' ? powScalar(x, e) : pow(x, e));
  if (exps.every((v) => v >= 1)) return power(b);
  const keep = u !== null ? live : logicalOr(live, greater(mapped(exps, (v) => (v >= 1 ? 1 : 0), dt), 0));
  return where(keep, power(where(keep, b, 1)), power(detach(frozen)));
}

/** `d/dx [w · u^γ · bce]` from logits (see `focalLogits`). */
export function focalLogitsDerivative(yt: Tensor, x: Tensor, P: FocalKernelParams): Tensor {
  const dt = x.dtype;
  const y = smoothLabels(yt, P.smoothA, P.smoothB);
  const ym = sub(1, y);
  const s = sigmoid(x);
  const sb = sigmoid(neg(x));
  const ds = sub(mul(ym, s), mul(y, sb));
  const G = P.gamma;
  const uniform = isUniform(G);
  let d: Tensor;
  if (uniform && G[0] === 0) {
    d = ds;
  } else {
    const bce = add(mul(y, softplus(neg(x))), mul(ym, softplus(x)));
    const u = add(mul(y, sb), mul(ym, s));
    const ss = mul(s, sb);
    const oneM2y = sub(1, mul(y, 2));
    if (uniform && G[0] === 2) {
      d = mul(u, add(mul(u, ds), mul(mul(mul(ss, oneM2y), bce), 2)));
    } else {
      const Gt = lastAxisConstant(G, dt);
      // Everything in log space: u = 1 − p_t underflows at saturation (|x| > 745 in float64, 104
      // in float32), and any quotient by u — or its derivative's 1/u² — then gives 0/0.
      const logU = logOneMinusPt(y, ym, x);
      const f = exp(mul(Gt, logU)); // u^γ, 0^0 = 1 included
      const ratio = exp(sub(add(logSigmoid(x), logSigmoid(neg(x))), logU)); // σ(x)σ(−x)/u ∈ [0, 1]
      d = add(mul(f, ds), mul(mul(mul(mul(Gt, f), ratio), oneM2y), bce));
    }
  }
  return P.wPos === null ? d : mul(d, classWeight(y, ym, P, dt));
}

/** `d/dp [w · u^γ · bce(clip(p))]` from probabilities (see `focalProbs`). */
export function focalProbsDerivative(yt: Tensor, p: Tensor, P: FocalKernelParams): Tensor {
  const dt = p.dtype;
  const y = smoothLabels(yt, P.smoothA, P.smoothB);
  const ym = sub(1, y);
  const pc = clip(p, P.lo, P.hi);
  const dbce = mul(clipMask(p, P.lo, P.hi), div(sub(pc, y), mul(pc, sub(1, pc))));
  const G = P.gamma;
  const uniform = isUniform(G);
  let d: Tensor;
  if (uniform && G[0] === 0) {
    d = dbce;
  } else {
    const bce = neg(add(mul(y, log(pc)), mul(ym, log1p(neg(pc)))));
    const u = add(mul(y, sub(1, p)), mul(ym, p));
    const oneM2y = sub(1, mul(y, 2));
    // Inside the clip zone (u = 1 − p_t < eps, hard labels only) the BCE's gradient is 0 and the
    // fused gradient freezes the focal term's base at eps for γ < 1. A power of u with an exponent
    // below 1 (u^γ for γ < 1, u^(γ−1) for γ < 2) is frozen there too — its value kept, its
    // derivative 0 — since that derivative is infinite at u = 0 (p_t ∈ {0, 1} exactly).
    const live = greaterEqual(u, P.lo);
    if (uniform) {
      const g = G[0]!;
      if (g === 2) {
        d = mul(u, add(mul(u, dbce), mul(mul(oneM2y, bce), 2)));
      } else {
        const f = powOutsideClip(live, u, u, Float64Array.of(g));
        const df = powOutsideClip(live, u, g < 1 ? maximum(u, P.lo) : u, Float64Array.of(g - 1));
        d = add(mul(f, dbce), mul(mul(df, g), mul(oneM2y, bce)));
      }
    } else {
      const isZero = greater(mapped(G, (g) => (g === 0 ? 1 : 0), dt), 0);
      const f = where(isZero, 1, powOutsideClip(live, u, u, G.map((g) => (g === 0 ? 1 : g))));
      const ub = maximum(u, mapped(G, (g) => (g > 0 && g < 1 ? P.lo : -Infinity), dt));
      const df = where(isZero, 0, powOutsideClip(live, u, ub, G.map((g) => (g === 0 ? 1 : g - 1))));
      d = add(mul(f, dbce), mul(mul(mul(lastAxisConstant(G, dt), df), oneM2y), bce));
    }
  }
  return P.wPos === null ? d : mul(d, classWeight(y, ym, P, dt));
}
