/**
 * Comparisons and logical ops (int32 masks, no gradient), `where` and `clip`. Their kernels are in
 * `kernels/js/` and their backward rules in the primitive table (`primitives.ts`).
 */
import type { Tensor, TensorLike } from '../tensor.js';
import { P, select } from './primitives.js';

/**
 * `a > b` as an int32 mask (1 where true), with broadcasting. No gradient.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * greater(tensor([1, 3]), 2).toArray(); // [0, 1]
 * ```
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return P.greater([a, b]);
}
/**
 * `a >= b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * greaterEqual(tensor([1, 2]), 2).toArray(); // [0, 1]
 * ```
 */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return P.greaterEqual([a, b]);
}
/**
 * `a < b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * less(tensor([1, 3]), 2).toArray(); // [1, 0]
 * ```
 */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return P.less([a, b]);
}
/**
 * `a <= b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * lessEqual(tensor([2, 3]), 2).toArray(); // [1, 0]
 * ```
 */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return P.lessEqual([a, b]);
}
/**
 * `a === b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * equal(tensor([1, 2]), 2).toArray(); // [0, 1]
 * ```
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return P.equal([a, b]);
}
/**
 * `a !== b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * notEqual(tensor([1, 2]), 2).toArray(); // [1, 0]
 * ```
 */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return P.notEqual([a, b]);
}
/**
 * Elementwise logical and of two masks (nonzero is true).
 * @param a - left mask.
 * @param b - right mask.
 * @example
 * ```ts
 * logicalAnd(tensor([1, 1, 0]), tensor([1, 0, 0])).toArray(); // [1, 0, 0]
 * ```
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return P.logicalAnd([a, b]);
}
/**
 * Elementwise logical or of two masks (nonzero is true).
 * @param a - left mask.
 * @param b - right mask.
 * @example
 * ```ts
 * logicalOr(tensor([1, 0, 0]), tensor([0, 0, 1])).toArray(); // [1, 0, 1]
 * ```
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return P.logicalOr([a, b]);
}
/**
 * Picks `a` where `condition` is nonzero and `b` elsewhere, broadcasting all three. Gradients flow
 * to `a` and `b` only where each was picked.
 * @param condition - mask (any dtype; nonzero is true).
 * @param a - values where true.
 * @param b - values where false.
 * @example
 * ```ts
 * where(tensor([1, 0]), tensor([1, 2]), 0).toArray(); // [1, 0]
 * ```
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  // Numbers take the dtype of the tensor branch, not of the (int32) condition.
  return select(condition, a, b);
}
/**
 * Limits values to `[min, max]`; the gradient passes where `min <= x <= max`.
 * @param x - input.
 * @param min - lower bound.
 * @param max - upper bound.
 * @example
 * ```ts
 * clip(tensor([-1, 0.5, 2]), 0, 1).toArray(); // [0, 0.5, 1]
 * ```
 */
export function clip(x: TensorLike, min: number, max: number): Tensor {
  return P.clip([x], { min, max });
}
