/**
 * @internal The derivative of Keras's binary crossentropy (the kernels of `kernels/binary/bce.ts`)
 * with differentiable tensor ops: `σ(x) − y` from logits, `(p − y)/(p(1 − p))` inside the clip.
 */
import { type Tensor, clip, div, mul, sigmoid, sub } from '@focalgrad/tensor';
import type { BceKernelParams } from '../kernels/index.js';
import { clipMask, smoothLabels } from './terms.js';

/** `∂bce/∂yPred` per element. */
export function bceDerivative(yt: Tensor, x: Tensor, fromLogits: boolean, P: BceKernelParams): Tensor {
  const y = smoothLabels(yt, P.smoothA, P.smoothB);
  if (fromLogits) return sub(sigmoid(x), y);
  const pc = clip(x, P.lo, P.hi);
  return mul(clipMask(x, P.lo, P.hi), div(sub(pc, y), mul(pc, sub(1, pc))));
}
