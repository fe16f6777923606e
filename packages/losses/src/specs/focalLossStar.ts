/** @internal FL* (Lin et al. 2017, appendix A) as a spec: its checks, its fused kernel and its composite. */
import { type Tensor, ValueError, add, mul, neg, sigmoid, sub } from '@focalgrad/tensor';
import type { FocalLossStarOptions } from '../focal/star.js';
import { checkBinaryDomain } from '../core/domain.js';
import { castPair } from '../core/inputs.js';
import { type LossAttrs, defineLossOp } from '../core/lossOp.js';
import type { LossSpec } from '../core/runner.js';
import { checkSameShape, normalizeAxis } from '../core/validate.js';
import { binaryUpstream } from '../composite/terms.js';
import { type FocalStarKernelParams, lossKernels, runBinaryKernel } from '../kernels/index.js';

interface FocalStarAttrs extends LossAttrs {
  readonly axis: number;
  readonly P: FocalStarKernelParams;
}

const NAME = 'focalLossStar';

/** The derivative of FL* in x, `−y σ(−(γx + β)) + (1 − y) σ(−(−γx + β))` with tensor ops (σ is stable and differentiable). */
function focalStarDerivative(yt: Tensor, x: Tensor, P: FocalStarKernelParams): Tensor {
  const gx = mul(x, P.gamma);
  const pos = sigmoid(neg(add(gx, P.beta)));
  const negTerm = sigmoid(sub(gx, P.beta));
  return sub(mul(sub(1, yt), negTerm), mul(yt, pos));
}

/** @internal */
export const focalLossStarSpec: LossSpec<FocalLossStarOptions, FocalStarAttrs> = {
  name: NAME,
  options: ['gamma', 'beta', 'axis'],
  prepare(yTrue, yPred, options) {
    const { gamma = 2, beta = 1, axis = -1 } = options;
    if (typeof gamma !== 'number' || !Number.isFinite(gamma) || !(gamma > 0)) throw new ValueError(NAME, 'gamma', `expected a finite number > 0, got ${String(gamma)}`);
    if (typeof beta !== 'number' || !Number.isFinite(beta)) throw new ValueError(NAME, 'beta', `expected a finite number, got ${String(beta)}`);
    const [yt, x] = castPair(yTrue, yPred, NAME);
    checkSameShape(x, yt, NAME, 'yPred', 'yTrue', 'binary');
    checkBinaryDomain(yt, x, true, NAME);
    const ax = normalizeAxis(axis, x.ndim, NAME, 'mean');
    return { inputs: [yt, x], attrs: { axis: ax, reduceBy: null, P: { gamma, beta, C: 1 } } };
  },
  op: defineLossOp<FocalStarAttrs>({
    name: NAME,
    forward: (yt, x, a, d) => runBinaryKernel(lossKernels.focalStarLogits, yt, x, a.axis, a.reduceBy, a.P, d),
    composite: (yt, x, g, a) => mul(focalStarDerivative(yt, x, a.P), binaryUpstream(g, x, a.axis, a.reduceBy)),
  }),
};
