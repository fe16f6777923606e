/** @internal Keras 3's binary crossentropy as a spec: its checks, its fused kernels and its composite. */
import { mul } from '@focalgrad/tensor';
import type { BinaryCrossentropyOptions } from '../crossentropy/binary.js';
import { checkBinaryDomain } from '../core/domain.js';
import { castPair } from '../core/inputs.js';
import { type LossAttrs, defineLossOp } from '../core/lossOp.js';
import type { LossSpec } from '../core/runner.js';
import { checkBool, checkSameShape, checkUnit, normalizeAxis } from '../core/validate.js';
import { bceDerivative } from '../composite/bce.js';
import { binaryUpstream } from '../composite/terms.js';
import { type BceKernelParams, clipBounds, lossKernels, runBinaryKernel } from '../kernels/index.js';

interface BceAttrs extends LossAttrs {
  readonly axis: number;
  readonly fromLogits: boolean;
  readonly P: BceKernelParams;
}

const NAME = 'binaryCrossentropy';

/** @internal */
export const binaryCrossentropySpec: LossSpec<BinaryCrossentropyOptions, BceAttrs> = {
  name: NAME,
  options: ['fromLogits', 'labelSmoothing', 'axis'],
  prepare(yTrue, yPred, options) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
    checkBool(fromLogits, NAME, 'fromLogits');
    checkUnit(labelSmoothing, NAME, 'labelSmoothing');
    const [yt, yp] = castPair(yTrue, yPred, NAME);
    checkSameShape(yp, yt, NAME, 'yPred', 'yTrue', 'binary');
    checkBinaryDomain(yt, yp, fromLogits, NAME);
    const ax = normalizeAxis(axis, yp.ndim, NAME, 'mean');
    const { lo, hi } = clipBounds(yp.dtype);
    const P: BceKernelParams = { smoothA: 1 - labelSmoothing, smoothB: 0.5 * labelSmoothing, lo, hi, C: 1 };
    return { inputs: [yt, yp], attrs: { axis: ax, reduceBy: null, fromLogits, P } };
  },
  op: defineLossOp<BceAttrs>({
    name: NAME,
    forward: (yt, yp, a, d) => runBinaryKernel(a.fromLogits ? lossKernels.bceLogits : lossKernels.bceProbs, yt, yp, a.axis, a.reduceBy, a.P, d),
    composite: (yt, x, g, a) => mul(bceDerivative(yt, x, a.fromLogits, a.P), binaryUpstream(g, x, a.axis, a.reduceBy)),
  }),
};
