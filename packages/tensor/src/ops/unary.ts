/**
 * Elementwise unary ops. Their kernels are in `kernels/js/elementwise.ts` and their backward rules
 * in the primitive table (`primitives.ts`).
 */
import type { Tensor, TensorLike } from '../tensor.js';
import { P } from './primitives.js';

/**
 * `-x` elementwise.
 * @param x - input.
 * @example
 * ```ts
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg(x: TensorLike): Tensor {
  return P.neg([x]);
}
/**
 * `e^x` elementwise.
 * @param x - input.
 * @example
 * ```ts
 * exp(tensor([0])).item(); // 1
 * ```
 */
export function exp(x: TensorLike): Tensor {
  return P.exp([x]);
}
/**
 * Natural logarithm elementwise.
 * @param x - input.
 * @example
 * ```ts
 * log(tensor([1])).item(); // 0
 * ```
 */
export function log(x: TensorLike): Tensor {
  return P.log([x]);
}
/**
 * `log(1 + x)`, accurate for small `x`.
 * @param x - input.
 * @example
 * ```ts
 * log1p(tensor([1e-10], { dtype: 'float64' })).item(); // 9.999999999500001e-11 (log(1 + 1e-10) gives 1.000000082690371e-10)
 * ```
 */
export function log1p(x: TensorLike): Tensor {
  return P.log1p([x]);
}
/**
 * `e^x - 1`, accurate for small `x`.
 * @param x - input.
 * @example
 * ```ts
 * expm1(tensor([1e-10], { dtype: 'float64' })).item(); // 1.00000000005e-10 (exp(1e-10) - 1 gives 1.000000082740371e-10)
 * ```
 */
export function expm1(x: TensorLike): Tensor {
  return P.expm1([x]);
}
/**
 * Square root elementwise.
 * @param x - input.
 * @example
 * ```ts
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 * ```
 */
export function sqrt(x: TensorLike): Tensor {
  return P.sqrt([x]);
}
/**
 * Absolute value; its gradient at 0 is 0.
 * @param x - input.
 * @example
 * ```ts
 * abs(tensor([-2, 3])).toArray(); // [2, 3]
 * ```
 */
export function abs(x: TensorLike): Tensor {
  return P.abs([x]);
}
/**
 * `-1`, `0` or `1` by sign (no gradient).
 * @param x - input.
 * @example
 * ```ts
 * sign(tensor([-2, 0, 3])).toArray(); // [-1, 0, 1]
 * ```
 */
export function sign(x: TensorLike): Tensor {
  return P.sign([x]);
}
/**
 * `x * x` elementwise.
 * @param x - input.
 * @example
 * ```ts
 * square(tensor([3])).item(); // 9
 * ```
 */
export function square(x: TensorLike): Tensor {
  return P.square([x]);
}
/**
 * The logistic sigmoid `1 / (1 + e^-x)`, computed without overflow for any finite `x`.
 * @param x - logits.
 * @example
 * ```ts
 * sigmoid(tensor([0])).item(); // 0.5
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  return P.sigmoid([x]);
}
/**
 * `log(sigmoid(x))` in the stable form `min(x, 0) - log1p(e^-|x|)`: finite for logits of ±1e4.
 * @param x - logits.
 * @example
 * ```ts
 * logSigmoid(tensor([-1e4])).item(); // -10000
 * ```
 */
export function logSigmoid(x: TensorLike): Tensor {
  return P.logSigmoid([x]);
}
/**
 * `log(1 + e^x)` in the stable form `max(x, 0) + log1p(e^-|x|)`.
 * @param x - input.
 * @example
 * ```ts
 * softplus(tensor([1e4])).item(); // 10000
 * ```
 */
export function softplus(x: TensorLike): Tensor {
  return P.softplus([x]);
}
/**
 * Hyperbolic tangent.
 * @param x - input.
 * @example
 * ```ts
 * tanh(tensor([0])).item(); // 0
 * ```
 */
export function tanh(x: TensorLike): Tensor {
  return P.tanh([x]);
}
/**
 * `max(x, 0)`; its gradient at 0 is 0.
 * @param x - input.
 * @example
 * ```ts
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export function relu(x: TensorLike): Tensor {
  return P.relu([x]);
}
/**
 * `x ** p` for a number `p`. The VJP handles `p = 0` (zero gradient) and `p = 1` exactly, so no
 * `0 ** -1` NaN appears — the failure behind optax#1267. {@link pow} calls this for a number
 * exponent.
 * @param x - base.
 * @param p - exponent.
 * @example
 * ```ts
 * powScalar(tensor([2, 3]), 3).toArray(); // [8, 27]
 * ```
 */
export function powScalar(x: TensorLike, p: number): Tensor {
  return P.powScalar([x], { p });
}
