import { type DType, allocate } from './dtype.js';
import { checkDType, type TensorOptions } from './convert.js';
import { ValueError } from './errors.js';
import { type Shape, assertShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';
import { TENSOR_OPTIONS } from './convert.js';
import { checkOptions } from './options.js';

function make(shape: Shape, value: number, options: TensorOptions, op: string): Tensor {
  checkOptions(op, options, TENSOR_OPTIONS);
  assertShape(shape, op);
  const dtype = checkDType(options.dtype ?? 'float32', op);
  const d = allocate(dtype, sizeOf(shape));
  if (value !== 0) d.fill(value);
  const t = new Tensor(d, shape.slice());
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * A tensor of zeros.
 * @param shape - the dimensions.
 * @param options - dtype and requiresGrad.
 * @example
 * ```ts
 * zeros([2, 3]).toArray(); // [[0, 0, 0], [0, 0, 0]]
 * ```
 */
export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return make(shape, 0, options, 'zeros');
}

/**
 * A tensor of ones.
 * @param shape - the dimensions.
 * @param options - dtype and requiresGrad.
 * @example
 * ```ts
 * ones([2], { dtype: 'float64' }).toArray(); // [1, 1]
 * ```
 */
export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return make(shape, 1, options, 'ones');
}

/**
 * A tensor filled with `value`.
 * @param shape - the dimensions.
 * @param value - the fill value.
 * @param options - dtype and requiresGrad.
 * @example
 * ```ts
 * full([2], 7).toArray(); // [7, 7]
 * ```
 */
export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  return make(shape, value, options, 'full');
}

/**
 * Zeros with the shape and dtype of `x`.
 * @param x - the template.
 * @param options - overrides.
 * @example
 * ```ts
 * zerosLike(tensor([1, 2], { dtype: 'float64' })).dtype; // 'float64'
 * ```
 */
export function zerosLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return make(x.shape, 0, { dtype: x.dtype, ...options }, 'zerosLike');
}

/**
 * Ones with the shape and dtype of `x`.
 * @param x - the template.
 * @param options - overrides.
 * @example
 * ```ts
 * onesLike(zeros([2, 2])).toArray(); // [[1, 1], [1, 1]]
 * ```
 */
export function onesLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return make(x.shape, 1, { dtype: x.dtype, ...options }, 'onesLike');
}

/**
 * `value` with the shape and dtype of `x`.
 * @param x - the template.
 * @param value - the fill value.
 * @param options - overrides.
 * @example
 * ```ts
 * fullLike(zeros([2]), 3).toArray(); // [3, 3]
 * ```
 */
export function fullLike(x: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return make(x.shape, value, { dtype: x.dtype, ...options }, 'fullLike');
}

/**
 * Evenly spaced values in `[start, stop)` (NumPy's `arange`); with one argument, `[0, stop)`.
 * @param start - first value, or the end if `stop` is omitted.
 * @param stop - end (exclusive).
 * @param step - spacing (nonzero).
 * @param options - dtype (default float32) and requiresGrad.
 * @example
 * ```ts
 * arange(4).toArray();        // [0, 1, 2, 3]
 * arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, stop?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new ValueError('arange', 'step', `expected a finite nonzero step, got ${step}`);
  if (!Number.isFinite(start)) throw new ValueError('arange', 'start', `expected a finite number, got ${start}`);
  if (!Number.isFinite(stop)) throw new ValueError('arange', 'stop', `expected a finite number, got ${stop}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const t = make([n], 0, options, 'arange');
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return t;
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive.
 * @param start - first value.
 * @param stop - last value.
 * @param num - how many values (default 50).
 * @param options - dtype and requiresGrad.
 * @example
 * ```ts
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num = 50, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new ValueError('linspace', 'num', `expected a non-negative integer, got ${num}`);
  const t = make([num], 0, options, 'linspace');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) t.data[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return t;
}

/**
 * The identity matrix (or an `n × m` matrix with ones on the diagonal).
 * @param n - rows.
 * @param m - columns (default `n`).
 * @param options - dtype and requiresGrad.
 * @example
 * ```ts
 * eye(2).toArray(); // [[1, 0], [0, 1]]
 * ```
 */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError('eye', 'n', `expected a non-negative integer, got ${n}`);
  if (!Number.isInteger(m) || m < 0) throw new ValueError('eye', 'm', `expected a non-negative integer, got ${m}`);
  const t = make([n, m], 0, options, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** @internal */
export type { DType };
