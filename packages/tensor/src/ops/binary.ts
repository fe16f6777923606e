/**
 * Broadcasting binary ops: `add`, `sub`, `mul`, `div`, `pow`, `maximum`, `minimum` with NumPy
 * broadcasting. Their kernels are in `kernels/js/broadcast.ts` and their backward rules in the
 * primitive table (`primitives.ts`); gradients of broadcast inputs are summed back to each input's
 * shape by the autograd engine.
 */
import type { Tensor, TensorLike } from '../tensor.js';
import { P } from './primitives.js';

/**
 * Elementwise `a + b` with NumPy broadcasting.
 * @param a - first operand.
 * @param b - second operand.
 * @example
 * ```ts
 * add(tensor([[1], [2]]), tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return P.add([a, b]);
}

/**
 * Elementwise `a - b` with broadcasting.
 * @param a - first operand.
 * @param b - second operand.
 * @example
 * ```ts
 * sub(tensor([5, 7]), 2).toArray(); // [3, 5]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return P.sub([a, b]);
}

/**
 * Elementwise `a * b` with broadcasting.
 * @param a - first operand.
 * @param b - second operand.
 * @example
 * ```ts
 * mul(tensor([1, 2, 3]), 2).toArray(); // [2, 4, 6]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return P.mul([a, b]);
}

/**
 * Elementwise `a / b` with broadcasting (always a float result).
 * @param a - dividend.
 * @param b - divisor.
 * @example
 * ```ts
 * div(tensor([1, 2]), 4).toArray(); // [0.25, 0.5]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return P.div([a, b]);
}

/**
 * Elementwise `a ** b`. A number exponent takes a fast, NaN-free path (`x ** 0` has zero gradient,
 * `x ** 2` is a square); a tensor exponent is differentiable too.
 * @param a - base.
 * @param b - exponent: a number or a tensor.
 * @example
 * ```ts
 * pow(tensor([2, 3]), 2).toArray(); // [4, 9]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return P.powScalar([a], { p: b });
  return P.pow([a, b]);
}

/**
 * Elementwise maximum with broadcasting; ties split the gradient evenly.
 * @param a - first operand.
 * @param b - second operand.
 * @example
 * ```ts
 * maximum(tensor([1, 5]), 3).toArray(); // [3, 5]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return P.maximum([a, b]);
}

/**
 * Elementwise minimum with broadcasting; ties split the gradient evenly.
 * @param a - first operand.
 * @param b - second operand.
 * @example
 * ```ts
 * minimum(tensor([1, 5]), 3).toArray(); // [1, 3]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return P.minimum([a, b]);
}
