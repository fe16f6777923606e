/**
 * @internal Keras's `ignore_class` in `Loss.__call__`: the loss carries a mask of the valid
 * positions, which `apply_mask` merges into the sample weight before the reduction.
 */
import { ShapeError, type Tensor, type TensorLike, Tensor as T, mul, tensor } from '@focalgrad/tensor';
import type { Loss } from '../loss.js';
import { checkSampleWeight } from './domain.js';
import { type Reduction, squeezeOrExpandToSameRank } from '../reduction.js';

/**
 * The sample weight with the ignore mask merged in. For `'sum_over_batch_size'` and `'mean'` the
 * valid entries get weight `total / valid` (0 if none is valid), so the mean is over the valid
 * positions only; for `'sum'`, `'none'` and `'mean_with_sample_weight'` the mask is 0/1 (the
 * latter then divides by the sum of the masked sample weights).
 */
export function ignoreMaskWeight(
  labels: Tensor,
  predNdim: number,
  ignoreClass: number,
  reduction: Reduction,
  sampleWeight: TensorLike | undefined,
  dtype: 'float32' | 'float64',
  name: string,
): Tensor {
  const shape = labels.ndim === predNdim && labels.ndim > 0 && labels.shape[labels.ndim - 1] === 1 ? labels.shape.slice(0, -1) : labels.shape.slice();
  const ld = labels.data;
  const m = dtype === 'float64' ? new Float64Array(ld.length) : new Float32Array(ld.length);
  let valid = 0;
  for (let i = 0; i < ld.length; i++) {
    if (ld[i] !== ignoreClass) {
      m[i] = 1;
      valid++;
    }
  }
  if (reduction === 'sum_over_batch_size' || reduction === 'mean') {
    const scale = valid === 0 ? 0 : ld.length / valid;
    for (let i = 0; i < m.length; i++) m[i] = m[i]! * scale;
  }
  const mask = new T(m, shape);
  if (sampleWeight === undefined) return mask;
  const sw = sampleWeight instanceof T ? sampleWeight : tensor(sampleWeight, { dtype });
  checkSampleWeight(sw, name);
  const [mm, ss] = squeezeOrExpandToSameRank(mask, sw);
  try {
    return mul(ss, mm);
  } catch (e) {
    if (e instanceof ShapeError) {
      throw new ShapeError(name, 'sampleWeight', `of shape [${sw.shape.join(', ')}] cannot be broadcast to the per-sample losses of shape [${shape.join(', ')}]`);
    }
    throw e;
  }
}

/** `Loss.call` (as `superCall`) with the `ignoreClass` mask merged into the sample weight. */
export function callWithIgnoreMask(
  loss: Loss,
  superCall: (yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike) => Tensor,
  ignoreClass: number | null,
  yTrue: TensorLike,
  yPred: TensorLike,
  sampleWeight: TensorLike | undefined,
): Tensor {
  if (ignoreClass === null) return superCall(yTrue, yPred, sampleWeight);
  const p = yPred instanceof T ? yPred : tensor(yPred, { dtype: loss.dtype ?? 'float32' });
  const t = yTrue instanceof T ? yTrue : tensor(yTrue, { dtype: 'float64' });
  const dtype = loss.dtype ?? (p.dtype === 'float64' ? 'float64' : 'float32');
  const w = ignoreMaskWeight(t, p.ndim, ignoreClass, loss.reduction, sampleWeight, dtype, loss.name);
  return superCall(t, p, w);
}
