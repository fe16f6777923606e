/**
 * Keras 3 reduction semantics (`keras/src/losses/loss.py`): sample weights broadcast after a rank
 * fix-up, and `sum_over_batch_size` divides by the number of loss elements, zero weights included.
 */
import { checkSampleWeight } from './core/domain.js';
import { type Tensor, type TensorLike, ShapeError, ValueError, expandDims, mul, squeeze, sum, tensor, div, Tensor as T } from '@focalgrad/tensor';

/**
 * How a loss class reduces its per-sample values (Keras names):
 * - `'sum_over_batch_size'` (default) and `'mean'`: sum of weighted values ÷ number of values;
 * - `'sum'`: sum of weighted values;
 * - `'mean_with_sample_weight'`: sum of weighted values ÷ sum of the sample weights;
 * - `'none'` (or `null`): the weighted values themselves.
 *
 * As in Keras, a scalar per-sample loss (1-D inputs reduced over their only axis) is returned as is.
 *
 * An empty batch gives 0 for every reduction but `'none'` (which gives the empty per-sample
 * losses), with a zero gradient: the empty sum is 0 and the means divide with Keras's
 * `divide_no_nan`. Keras 3 returns the empty values themselves for a `(0,)` batch and PyTorch's
 * mean gives NaN; a reduction here is always a scalar, so a training step on an empty batch is a
 * no-op rather than an error or a NaN.
 *
 * @example
 * ```ts
 * new BinaryFocalCrossentropy({ reduction: 'sum' });
 * ```
 */
export type Reduction = 'sum_over_batch_size' | 'sum' | 'mean' | 'mean_with_sample_weight' | 'none' | null;

const REDUCTIONS = ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none', null] as const;

/** @internal Throws a ValueError naming the allowed reductions. */
export function checkReduction(r: unknown, op: string): Reduction {
  if (!(REDUCTIONS as readonly unknown[]).includes(r)) {
    throw new ValueError(op, 'reduction', `expected one of ${REDUCTIONS.map((x) => JSON.stringify(x)).join(', ')}, got ${JSON.stringify(r)}`);
  }
  return r as Reduction;
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when ranks differ by one and the larger tensor ends in
 * a 1, the rank-1 tensor is expanded (or else the larger one squeezed).
 *
 * @param x1 - first tensor.
 * @param x2 - second tensor.
 * @param expandRank1 - expand a rank-1 tensor rather than squeeze the other (Keras default true).
 * @returns the two tensors at the same rank where that rule applies.
 * @example
 * ```ts
 * const [a, b] = squeezeOrExpandToSameRank(zeros([4]), zeros([4, 1])); // both [4, 1]
 * ```
 */
export function squeezeOrExpandToSameRank(x1: Tensor, x2: Tensor, expandRank1 = true): [Tensor, Tensor] {
  const r1 = x1.ndim;
  const r2 = x2.ndim;
  if (r1 === r2) return [x1, x2];
  if (r1 === r2 + 1 && x1.shape[r1 - 1] === 1) {
    if (r2 === 1 && expandRank1) x2 = expandDims(x2, -1);
    else x1 = squeeze(x1, -1);
  }
  if (r2 === r1 + 1 && x2.shape[r2 - 1] === 1) {
    if (r1 === 1 && expandRank1) x1 = expandDims(x1, -1);
    else x2 = squeeze(x2, -1);
  }
  return [x1, x2];
}

/**
 * Applies a sample weight and a reduction to per-sample loss values, exactly as Keras 3's
 * `reduce_weighted_values` does.
 *
 * @param values - per-sample losses.
 * @param reduction - see {@link Reduction}.
 * @param sampleWeight - optional weights broadcastable to `values` after the rank fix-up.
 * @param op - the loss name, for error messages.
 * @returns the reduced loss (a scalar unless `reduction` is `'none'`).
 * @example
 * ```ts
 * reduceWeightedValues(tensor([1, 3]), 'sum_over_batch_size', [1, 0]).item(); // 0.5
 * ```
 */
export function reduceWeightedValues(values: Tensor, reduction: Reduction, sampleWeight?: TensorLike, op = 'reduce'): Tensor {
  checkReduction(reduction, op);
  let v = values;
  let sw: Tensor | undefined;
  if (sampleWeight !== undefined && sampleWeight !== null) {
    sw = sampleWeight instanceof T ? sampleWeight : tensor(sampleWeight as number, { dtype: values.dtype === 'int32' ? 'float32' : values.dtype });
    checkSampleWeight(sw, op);
    let w: Tensor;
    [v, w] = squeezeOrExpandToSameRank(v, sw);
    try {
      v = mul(v, w);
    } catch (e) {
      if (e instanceof ShapeError) {
        throw new ShapeError(op, 'sampleWeight', `of shape [${sw.shape.join(', ')}] cannot be broadcast to the per-sample losses of shape [${values.shape.join(', ')}]`);
      }
      throw e;
    }
  }
  if (reduction === null || reduction === 'none' || v.ndim === 0) return v;
  const total = sum(v);
  if (reduction === 'sum') return total;
  if (reduction === 'mean_with_sample_weight' && sw !== undefined) {
    const denom = sum(sw).item();
    return denom === 0 ? mul(total, 0) : div(total, denom);
  }
  return v.size === 0 ? mul(total, 0) : div(total, v.size);
}
