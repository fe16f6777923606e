/**
 * @internal The `focal-loss` package's binary focal loss as a spec: its checks, its fused kernels
 * and its composite. Elementwise. Labels and predictions must have one shape: the reference
 * broadcasts them, so labels `[N]` against predictions `[N, 1]` silently give an `[N, N]` loss.
 */
import { ValueError, astype, mul } from '@focalgrad/tensor';
import type { BinaryFocalLossOptions } from '../focal/binaryFocalLoss.js';
import { checkBinaryDomain } from '../core/domain.js';
import { castPair } from '../core/inputs.js';
import { type LossAttrs, defineLossOp } from '../core/lossOp.js';
import { ALONG_LAST_AXIS, expandTo, lastAxisClasses, parsePerClass } from '../core/perClass.js';
import type { LossSpec } from '../core/runner.js';
import { checkBool, checkSameShape, checkUnit, isFiniteNonNegative } from '../core/validate.js';
import { flLogitsDerivative, flProbsDerivative } from '../composite/focalLossPackage.js';
import { binaryUpstream } from '../composite/terms.js';
import { type FlKernelParams, epsilonIn, flParams, lossKernels, runBinaryKernel } from '../kernels/index.js';

interface FlAttrs extends LossAttrs {
  readonly axis: null;
  readonly fromLogits: boolean;
  readonly P: FlKernelParams;
}

const NAME = 'binaryFocalLoss';

/** @internal */
export const binaryFocalLossSpec: LossSpec<BinaryFocalLossOptions, FlAttrs> = {
  name: NAME,
  options: ['gamma', 'posWeight', 'fromLogits', 'labelSmoothing'],
  prepare(yTrue, yPred, options) {
    const { gamma, posWeight = null, fromLogits = false, labelSmoothing = null } = options ?? ({} as BinaryFocalLossOptions);
    if (gamma === undefined) throw new ValueError(NAME, 'gamma', 'is required (a number >= 0, or one per class), got undefined');
    checkBool(fromLogits, NAME, 'fromLogits');
    if (labelSmoothing !== null && labelSmoothing !== undefined) checkUnit(labelSmoothing, NAME, 'labelSmoothing');
    const [yt, yp] = castPair(yTrue, yPred, NAME);
    checkSameShape(yt, yp, NAME, 'yTrue', 'yPred', 'binary');
    checkBinaryDomain(yt, yp, fromLogits, NAME);
    const K = lastAxisClasses(yp.shape);
    const g = parsePerClass(gamma, K, NAME, 'gamma', isFiniteNonNegative, 'a finite number >= 0', ALONG_LAST_AXIS);
    const w =
      posWeight === null || posWeight === undefined
        ? { values: Float64Array.of(1), perClass: false }
        : parsePerClass(posWeight, K, NAME, 'posWeight', isFiniteNonNegative, 'a finite number >= 0', ALONG_LAST_AXIS);
    const C = (g.perClass || w.perClass) && K > 1 ? K : 1;
    const P = flParams(expandTo(g.values, C), expandTo(w.values, C), labelSmoothing ?? null, epsilonIn(yp.dtype), C);
    return { inputs: [yt.dtype === yp.dtype ? yt : astype(yt, yp.dtype), yp], attrs: { axis: null, reduceBy: null, fromLogits, P } };
  },
  op: defineLossOp<FlAttrs>({
    name: NAME,
    forward: (yt, yp, a, d) => runBinaryKernel(a.fromLogits ? lossKernels.flLogits : lossKernels.flProbs, yt, yp, a.axis, a.reduceBy, a.P, d),
    composite: (yt, x, g, a) => mul(a.fromLogits ? flLogitsDerivative(yt, x, a.P) : flProbsDerivative(yt, x, a.P), binaryUpstream(g, x, a.axis, a.reduceBy)),
  }),
};
