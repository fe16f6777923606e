/**
 * @internal torchvision's sigmoid focal loss as a spec: its checks, the binary focal kernels from
 * logits with its own reduction fused in, and their composite.
 */
import { ValueError, mul } from '@focalgrad/tensor';
import type { SigmoidFocalLossOptions } from '../focal/sigmoid.js';
import { checkUnitInterval } from '../core/domain.js';
import { castPair } from '../core/inputs.js';
import { type LossAttrs, defineLossOp } from '../core/lossOp.js';
import { ALONG_LAST_AXIS, expandTo, lastAxisClasses, parsePerClass } from '../core/perClass.js';
import type { LossSpec } from '../core/runner.js';
import { checkSameShape, isFiniteNonNegative } from '../core/validate.js';
import { focalLogitsDerivative } from '../composite/binaryFocal.js';
import { binaryUpstream } from '../composite/terms.js';
import { type FocalKernelParams, focalParams, lossKernels, runBinaryKernel } from '../kernels/index.js';

interface SflAttrs extends LossAttrs {
  readonly axis: null;
  readonly P: FocalKernelParams;
}

const NAME = 'sigmoidFocalLoss';
const REDUCTIONS: readonly unknown[] = ['none', 'mean', 'sum'];

/** @internal Labels first, as every spec: the public function swaps torchvision's `(inputs, targets)`. */
export const sigmoidFocalLossSpec: LossSpec<SigmoidFocalLossOptions, SflAttrs> = {
  name: NAME,
  options: ['alpha', 'gamma', 'reduction'],
  prepare(targets, inputs, options) {
    const { alpha = 0.25, gamma = 2, reduction = 'none' } = options;
    if (!REDUCTIONS.includes(reduction)) {
      throw new ValueError(NAME, 'reduction', `expected one of 'none', 'mean', 'sum', got ${JSON.stringify(reduction)}`);
    }
    const [yt, x] = castPair(targets, inputs, NAME, 'targets', 'inputs');
    checkSameShape(x, yt, NAME, 'inputs', 'targets', 'binary');
    checkUnitInterval(yt, NAME, 'targets', 'targets');
    const K = lastAxisClasses(x.shape);
    const g = parsePerClass(gamma, K, NAME, 'gamma', isFiniteNonNegative, 'a finite number >= 0', ALONG_LAST_AXIS);
    // torchvision: a negative α disables the weighting (its documented −1), and α > 1 raises
    // ValueError (pytorch/vision PR #8882): 1 − α would weight the negatives below zero.
    const a = parsePerClass(alpha, K, NAME, 'alpha', (v) => v <= 1 && v > -Infinity, 'a number <= 1 (negative to disable the weighting)', ALONG_LAST_AXIS);
    const C = (g.perClass || a.perClass) && K > 1 ? K : 1;
    const A = expandTo(a.values, C);
    let wPos: Float64Array | null = null;
    let wNeg: Float64Array | null = null;
    // torchvision's `alpha < 0` disables the weighting; per class, such a class gets weight 1.
    if (A.some((v) => v >= 0)) {
      wPos = A.map((v) => (v >= 0 ? v : 1));
      wNeg = A.map((v) => (v >= 0 ? 1 - v : 1));
    }
    const P = focalParams(expandTo(g.values, C), wPos, wNeg, 0, 0, 1, C);
    // The mean over no elements is 0 (torchvision's `loss.mean()` gives NaN there).
    const reduceBy = reduction === 'none' ? null : reduction === 'sum' ? 1 : Math.max(x.size, 1);
    return { inputs: [yt, x], attrs: { axis: null, reduceBy, P } };
  },
  op: defineLossOp<SflAttrs>({
    name: NAME,
    predArg: 'inputs',
    forward: (yt, x, a, d) => runBinaryKernel(lossKernels.focalLogits, yt, x, a.axis, a.reduceBy, a.P, d),
    composite: (yt, x, g, a) => mul(focalLogitsDerivative(yt, x, a.P), binaryUpstream(g, x, a.axis, a.reduceBy)),
  }),
};
