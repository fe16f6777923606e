/**
 * Reductions over any set of axes (`sum`, `mean`, `max`, `min`, `logSumExp`), the softmax family
 * along one axis and `argmax` / `argmin`. Their kernels are in `kernels/js/reduce.ts` and their
 * backward rules in the primitive table (`primitives.ts`).
 */
import { normalizeAxes, normalizeAxis } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { toTensor } from '../convert.js';
import type { ReduceAttrs } from '../kernels/index.js';
import { P } from './primitives.js';

/**
 * Axes to reduce: one axis, a list, or `undefined` for all. Negative axes count from the end.
 *
 * @example
 * ```ts
 * const ax: Axes = [0, -1];
 * ```
 */
export type Axes = number | readonly number[] | undefined;

function reduceAttrs(x: Tensor, axis: Axes, keepDims: boolean, op: string): ReduceAttrs {
  return { axes: normalizeAxes(axis, x.ndim, op), keepDims };
}

const asTensor = (x: TensorLike): Tensor => toTensor(x);

/**
 * Sum over `axis` (all axes by default).
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0).toArray(); // [4, 6]
 * sum(tensor([[1, 2], [3, 4]])).item();       // 10
 * ```
 */
export function sum(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  return P.sum([t], reduceAttrs(t, axis, keepDims, 'sum'));
}

/**
 * Mean over `axis` (all axes by default).
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 1).toArray(); // [1.5, 3.5]
 * ```
 */
export function mean(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  const attrs = reduceAttrs(t, axis, keepDims, 'mean');
  let count = 1;
  for (const a of attrs.axes) count *= t.shape[a]!;
  const s = P.sum([t.dtype === 'int32' ? toFloat(t) : t], attrs);
  return P.mul([s, 1 / count]);
}

/**
 * Maximum over `axis`; the gradient goes to the maximal elements, split evenly among ties.
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * max(tensor([[1, 5], [3, 4]]), 1).toArray(); // [5, 4]
 * ```
 */
export function max(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  return P.max([t], reduceAttrs(t, axis, keepDims, 'max'));
}

/**
 * Minimum over `axis`; the gradient goes to the minimal elements, split evenly among ties.
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * min(tensor([[1, 5], [3, 4]]), 1).toArray(); // [1, 3]
 * ```
 */
export function min(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  return P.min([t], reduceAttrs(t, axis, keepDims, 'min'));
}

/**
 * `log(sum(exp(x)))` over `axis`, computed stably (shifted by the maximum); finite for inputs of
 * ±1e4.
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * logSumExp(tensor([1e4, 1e4]), 0).item(); // 10000.693...
 * ```
 */
export function logSumExp(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  return P.logSumExp([t], reduceAttrs(t, axis, keepDims, 'logSumExp'));
}

/**
 * Softmax along `axis` (default last), shifted by the maximum so it never overflows.
 * @param x - logits.
 * @param axis - the class axis.
 * @example
 * ```ts
 * softmax(tensor([0, 0])).toArray(); // [0.5, 0.5]
 * ```
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x);
  return P.softmax([t], { axis: normalizeAxis(axis, t.ndim, 'softmax') });
}

/**
 * Log-softmax along `axis` (default last): `x - logSumExp(x)`, exact and finite for logits of ±1e4.
 * @param x - logits.
 * @param axis - the class axis.
 * @example
 * ```ts
 * logSoftmax(tensor([1e4, 0])).toArray(); // [0, -10000]
 * ```
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x);
  return P.logSoftmax([t], { axis: normalizeAxis(axis, t.ndim, 'logSoftmax') });
}

/**
 * Index of the maximum along `axis` (first one on ties), as int32. No gradient.
 * @param x - input.
 * @param axis - the axis to search (default last).
 * @param keepDims - keep the axis as size 1.
 * @example
 * ```ts
 * argmax(tensor([[1, 5], [7, 4]])).toArray(); // [1, 0]
 * ```
 */
export function argmax(x: TensorLike, axis = -1, keepDims = false): Tensor {
  const t = asTensor(x);
  return P.argmax([t], { axis: normalizeAxis(axis, t.ndim, 'argmax'), keepDims, max: true });
}

/**
 * Index of the minimum along `axis` (first one on ties), as int32. No gradient.
 * @param x - input.
 * @param axis - the axis to search (default last).
 * @param keepDims - keep the axis as size 1.
 * @example
 * ```ts
 * argmin(tensor([[1, 5], [7, 4]])).toArray(); // [0, 1]
 * ```
 */
export function argmin(x: TensorLike, axis = -1, keepDims = false): Tensor {
  const t = asTensor(x);
  return P.argmax([t], { axis: normalizeAxis(axis, t.ndim, 'argmin'), keepDims, max: false });
}

function toFloat(t: Tensor): Tensor {
  const d = new Float32Array(t.size);
  d.set(t.data);
  return new Tensor(d, t.shape);
}
