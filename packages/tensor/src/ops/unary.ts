/**
 * Elementwise unary ops: a typed-array loop and its VJP, side by side. Rules use the op's output
 * where that is the cheap form (exp, sigmoid, tanh): the output is a graph tensor, so second order
 * stays exact.
 */
import { type DType, type TypedArray, allocate, promote } from '../dtype.js';
import { binaryMap } from '../kernels/binary.js';
import { defineOp, type OpSpec } from '../op.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';

type Loop = (x: TypedArray, out: TypedArray, n: number) => void;

/** Float ops compute int32 input as float32; sign-preserving ops keep int32. */
function unarySpec<R extends OpSpec<void>['backward']>(name: string, loop: Loop, backward: R, keepInt = false): OpSpec<void> & { backward: R } {
  return {
    name,
    forward: ([x]) => {
      const dtype: DType = x!.dtype === 'int32' && !keepInt ? 'float32' : x!.dtype;
      const out = allocate(dtype, x!.size);
      loop(x!.data, out, x!.size);
      return new Tensor(out, x!.shape);
    },
    backward,
    nonDifferentiable: backward === undefined,
  };
}

export const unarySpecs = {
  neg: unarySpec(
    'neg',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = -x[i]!;
    },
    (g) => [neg(g)],
    true,
  ),
  exp: unarySpec(
    'exp',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!);
    },
    (g, { output }) => [mul(g, output)],
  ),
  log: unarySpec(
    'log',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.log(x[i]!);
    },
    (g, { inputs: [x] }) => [div(g, x!)],
  ),
  log1p: unarySpec(
    'log1p',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.log1p(x[i]!);
    },
    (g, { inputs: [x] }) => [div(g, add(x!, 1))],
  ),
  expm1: unarySpec(
    'expm1',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.expm1(x[i]!);
    },
    (g, { output }) => [mul(g, add(output, 1))],
  ),
  sqrt: unarySpec(
    'sqrt',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!);
    },
    (g, { output }) => [div(g, mul(output, 2))],
  ),
  abs: unarySpec(
    'abs',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]!);
    },
    (g, { inputs: [x] }) => [mul(g, sign(x!))],
    true,
  ),
  sign: unarySpec(
    'sign',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.sign(x[i]!);
    },
    undefined,
    true,
  ),
  square: unarySpec(
    'square',
    (x, o, n) => {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        o[i] = v * v;
      }
    },
    (g, { inputs: [x] }) => [mul(g, mul(x!, 2))],
    true,
  ),
  sigmoid: unarySpec(
    'sigmoid',
    (x, o, n) => {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        // Branch on the sign so exp never overflows.
        if (v >= 0) o[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          o[i] = e / (1 + e);
        }
      }
    },
    (g, { output }) => [mul(g, mul(output, sub(1, output)))],
  ),
  logSigmoid: unarySpec(
    'logSigmoid',
    (x, o, n) => {
      // log σ(x) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|)): finite for every finite x.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        o[i] = Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v)));
      }
    },
    (g, { inputs: [x] }) => [mul(g, sigmoid(neg(x!)))],
  ),
  softplus: unarySpec(
    'softplus',
    (x, o, n) => {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        o[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      }
    },
    (g, { inputs: [x] }) => [mul(g, sigmoid(x!))],
  ),
  tanh: unarySpec(
    'tanh',
    (x, o, n) => {
      for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]!);
    },
    (g, { output }) => [mul(g, sub(1, mul(output, output)))],
  ),
  relu: unarySpec(
    'relu',
    (x, o, n) => {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        // NaN propagates (as in PyTorch, JAX and TF.js) rather than silently becoming 0.
        o[i] = v > 0 || v !== v ? v : 0;
      }
    },
    // One fused pass, `x > 0 ? g : 0` (was where(greater(x, 0), g, 0): a mask, then a select).
    (g, { inputs: [x] }) => [reluGrad(g, x!)],
    true,
  ),
};

/**
 * @internal relu's VJP as one op: `x > 0 ? g : 0` (0 where x is NaN, as before). Linear in `g`, so
 * its own VJP is itself applied to the incoming gradient; relu'' = 0, so `x` gets none.
 * @example
 * ```ts
 * defineOp(reluGradSpec)([g, x]); // where(x > 0, g, 0)
 * ```
 */
export const reluGradSpec = {
  name: 'reluGrad',
  forward: ([g, x]) =>
    binaryMap(g!, x!, promote(g!.dtype, x!.dtype), 'reluGrad', (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) o[oo + k] = b[bo + k * bs]! > 0 ? a[ao + k * as]! : 0;
    }),
  backward: (gg, { inputs: [, x], needsInputGrad: [ng] }) => [ng ? reluGrad(gg, x!) : null, null],
} satisfies OpSpec<void>;

const reluGradOp = defineOp(reluGradSpec);

function reluGrad(g: Tensor, x: Tensor): Tensor {
  return reluGradOp([g, x]);
}

/** Attributes of {@link powScalar}'s op. */
export interface PowScalarAttrs {
  p: number;
}

export const powScalarSpec = {
  name: 'powScalar',
  forward: ([x], { p }) => {
    const n = x!.size;
    const xd = x!.data;
    const out = allocate(x!.dtype === 'int32' && !(Number.isInteger(p) && p >= 0) ? 'float32' : x!.dtype, n);
    if (p === 2) for (let i = 0; i < n; i++) out[i] = xd[i]! * xd[i]!;
    else if (p === 0.5) for (let i = 0; i < n; i++) out[i] = Math.sqrt(xd[i]!);
    else for (let i = 0; i < n; i++) out[i] = Math.pow(xd[i]!, p);
    return new Tensor(out, x!.shape);
  },
  // p·x^(p-1), with p = 0 and p = 1 handled exactly so no 0^(-1) ever forms.
  backward: (g, { inputs: [x], attrs: { p } }) => {
    if (p === 0) return [mul(g, 0)];
    if (p === 1) return [g];
    if (p === 2) return [mul(g, mul(x!, 2))];
    return [mul(g, mul(powScalar(x!, p - 1), p))];
  },
} satisfies OpSpec<PowScalarAttrs>;

const ops = {
  neg: defineOp(unarySpecs.neg),
  exp: defineOp(unarySpecs.exp),
  log: defineOp(unarySpecs.log),
  log1p: defineOp(unarySpecs.log1p),
  expm1: defineOp(unarySpecs.expm1),
  sqrt: defineOp(unarySpecs.sqrt),
  abs: defineOp(unarySpecs.abs),
  sign: defineOp(unarySpecs.sign),
  square: defineOp(unarySpecs.square),
  sigmoid: defineOp(unarySpecs.sigmoid),
  logSigmoid: defineOp(unarySpecs.logSigmoid),
  softplus: defineOp(unarySpecs.softplus),
  tanh: defineOp(unarySpecs.tanh),
  relu: defineOp(unarySpecs.relu),
  powScalar: defineOp(powScalarSpec),
};

/**
 * `-x` elementwise.
 * @param x - input.
 * @example
 * ```ts
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg(x: TensorLike): Tensor {
  return ops.neg([x]);
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
  return ops.exp([x]);
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
  return ops.log([x]);
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
  return ops.log1p([x]);
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
  return ops.expm1([x]);
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
  return ops.sqrt([x]);
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
  return ops.abs([x]);
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
  return ops.sign([x]);
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
  return ops.square([x]);
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
  return ops.sigmoid([x]);
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
  return ops.logSigmoid([x]);
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
  return ops.softplus([x]);
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
  return ops.tanh([x]);
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
  return ops.relu([x]);
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
  return ops.powScalar([x], { p });
}
