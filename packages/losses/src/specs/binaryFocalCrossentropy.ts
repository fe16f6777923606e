/**
 * @internal Keras's binary focal crossentropy as a spec: its checks, its fused kernels (shared with
 * torchvision's sigmoid focal loss) and its composite.
 */
import { mul } from '@focalgrad/tensor';
import type { BinaryFocalCrossentropyOptions } from '../focal/binary.js';
import { checkBinaryDomain } from '../core/domain.js';
import { castPair } from '../core/inputs.js';
import { type LossAttrs, defineLossOp } from '../core/lossOp.js';
import { ALONG_LAST_AXIS, expandTo, lastAxisClasses, parsePerClass } from '../core/perClass.js';
import type { LossSpec } from '../core/runner.js';
import { checkBool, checkSameShape, checkUnit, isFiniteNonNegative, isUnit, normalizeAxis } from '../core/validate.js';
import { focalLogitsDerivative, focalProbsDerivative } from '../composite/binaryFocal.js';
import { binaryUpstream } from '../composite/terms.js';
import { type FocalKernelParams, clipBounds, focalParams, lossKernels, runBinaryKernel } from '../kernels/index.js';

interface BfceAttrs extends LossAttrs {
  readonly axis: number;
  readonly fromLogits: boolean;
  readonly P: FocalKernelParams;
}

const NAME = 'binaryFocalCrossentropy';

/** @internal */
export const binaryFocalCrossentropySpec: LossSpec<BinaryFocalCrossentropyOptions, BfceAttrs> = {
  name: NAME,
  options: ['applyClassBalancing', 'alpha', 'gamma', 'fromLogits', 'labelSmoothing', 'axis'],
  prepare(yTrue, yPred, options) {
    const { applyClassBalancing = false, alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
    checkBool(applyClassBalancing, NAME, 'applyClassBalancing');
    checkBool(fromLogits, NAME, 'fromLogits');
    checkUnit(labelSmoothing, NAME, 'labelSmoothing');
    const [yt, yp] = castPair(yTrue, yPred, NAME);
    checkSameShape(yp, yt, NAME, 'yPred', 'yTrue', 'binary');
    checkBinaryDomain(yt, yp, fromLogits, NAME);
    const ax = normalizeAxis(axis, yp.ndim, NAME, 'mean');
    const K = lastAxisClasses(yp.shape);
    const g = parsePerClass(gamma, K, NAME, 'gamma', isFiniteNonNegative, 'a finite number >= 0', ALONG_LAST_AXIS);
    // α outside [0, 1] makes 1 − α or α negative: a negative loss, never meant.
    const a = parsePerClass(alpha, K, NAME, 'alpha', isUnit, 'a number in [0, 1]', ALONG_LAST_AXIS);
    const C = (g.perClass || (applyClassBalancing && a.perClass)) && K > 1 ? K : 1;
    let wPos: Float64Array | null = null;
    let wNeg: Float64Array | null = null;
    if (applyClassBalancing) {
      wPos = expandTo(a.values, C);
      wNeg = wPos.map((v) => 1 - v);
    }
    const { lo, hi } = clipBounds(yp.dtype);
    const P = focalParams(expandTo(g.values, C), wPos, wNeg, labelSmoothing, lo, hi, C);
    return { inputs: [yt, yp], attrs: { axis: ax, reduceBy: null, fromLogits, P } };
  },
  op: defineLossOp<BfceAttrs>({
    name: NAME,
    forward: (yt, yp, a, d) => runBinaryKernel(a.fromLogits ? lossKernels.focalLogits : lossKernels.focalProbs, yt, yp, a.axis, a.reduceBy, a.P, d),
    composite: (yt, x, g, a) =>
      mul(a.fromLogits ? focalLogitsDerivative(yt, x, a.P) : focalProbsDerivative(yt, x, a.P), binaryUpstream(g, x, a.axis, a.reduceBy)),
  }),
};
