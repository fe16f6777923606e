/**
 * Broadcasting binary ops. Each definition holds its forward row kernel and its VJP; gradients of
 * broadcast inputs are summed back to the input's shape centrally by the autograd engine.
 */
import { type DType, promote } from '../dtype.js';
import { binaryMap, type BinaryRow } from '../kernels/binary.js';
import { defineOp, type OpSpec } from '../op.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { greater, equal, greaterEqual, logicalAnd, where } from './compare.js';
import { log, neg, powScalar } from './unary.js';

const floatOf = (a: DType, b: DType): DType => {
  const d = promote(a, b);
  return d === 'int32' ? 'float32' : d;
};

function binarySpec(name: string, row: BinaryRow, dtype: (a: DType, b: DType) => DType, backward: NonNullable<OpSpec<void>['backward']>): OpSpec<void> & { backward: NonNullable<OpSpec<void>['backward']> } {
  return {
    name,
    forward: ([a, b]) => binaryMap(a!, b!, dtype(a!.dtype, b!.dtype), name, row),
    backward,
  };
}

export const binarySpecs = {
  add: binarySpec(
    'add',
    (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! + b[bo + k * bs]!;
    },
    promote,
    (g) => [g, g],
  ),
  sub: binarySpec(
    'sub',
    (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! - b[bo + k * bs]!;
    },
    promote,
    (g) => [g, neg(g)],
  ),
  mul: binarySpec(
    'mul',
    (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! * b[bo + k * bs]!;
    },
    promote,
    (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => [na ? mul(g, b!) : null, nb ? mul(g, a!) : null],
  ),
  div: binarySpec(
    'div',
    (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! / b[bo + k * bs]!;
    },
    floatOf,
    // d(a/b)/db = -a/b^2, written with the inputs only so second order stays exact.
    (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => [
      na ? div(g, b!) : null,
      nb ? neg(div(mul(g, a!), mul(b!, b!))) : null,
    ],
  ),
  pow: binarySpec(
    'pow',
    (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) o[oo + k] = Math.pow(a[ao + k * as]!, b[bo + k * bs]!);
    },
    floatOf,
    (g, { inputs: [a, b], output, needsInputGrad: [na, nb] }) => [
      na ? mul(g, mul(b!, pow(a!, sub(b!, 1)))) : null,
      // PyTorch's convention: where a == 0 and b >= 0 the exponent's gradient is 0, not 0 * -inf.
      nb ? mul(g, where(logicalAnd(equal(a!, 0), greaterEqual(b!, 0)), 0, mul(output, log(a!)))) : null,
    ],
  ),
  maximum: binarySpec(
    'maximum',
    (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) {
        const x = a[ao + k * as]!;
        const y = b[bo + k * bs]!;
        o[oo + k] = x > y || Number.isNaN(x) ? x : y;
      }
    },
    promote,
    // Ties split the gradient evenly, as PyTorch does.
    (g, { inputs: [a, b] }) => {
      const half = mul(equal(a!, b!), 0.5);
      return [mul(g, add(greater(a!, b!), half)), mul(g, add(greater(b!, a!), half))];
    },
  ),
  minimum: binarySpec(
    'minimum',
    (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) {
        const x = a[ao + k * as]!;
        const y = b[bo + k * bs]!;
        o[oo + k] = x < y || Number.isNaN(x) ? x : y;
      }
    },
    promote,
    (g, { inputs: [a, b] }) => {
      const half = mul(equal(a!, b!), 0.5);
      return [mul(g, add(greater(b!, a!), half)), mul(g, add(greater(a!, b!), half))];
    },
  ),
};

const addOp = defineOp(binarySpecs.add);
const subOp = defineOp(binarySpecs.sub);
const mulOp = defineOp(binarySpecs.mul);
const divOp = defineOp(binarySpecs.div);
const powOp = defineOp(binarySpecs.pow);
const maximumOp = defineOp(binarySpecs.maximum);
const minimumOp = defineOp(binarySpecs.minimum);

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
  return addOp([a, b]);
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
  return subOp([a, b]);
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
  return mulOp([a, b]);
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
  return divOp([a, b]);
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
  if (typeof b === 'number') return powScalar(a, b);
  return powOp([a, b]);
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
  return maximumOp([a, b]);
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
  return minimumOp([a, b]);
}
