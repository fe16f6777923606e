import { type DType, type TypedArray, allocate, dtypeOfArray, isDType } from './dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors.js';
import { type Shape, assertShape, sizeOf } from './shape.js';
import { Tensor, type NestedArray, type TensorLike } from './tensor.js';
import { checkOptions } from './options.js';

/**
 * Options accepted by tensor constructors.
 *
 * @example
 * ```ts
 * const opts: TensorOptions = { dtype: 'float64', requiresGrad: true };
 * tensor([1, 2], opts);
 * ```
 */
export interface TensorOptions {
  /** The element type; `float32` unless the values are a `Float64Array` or `Int32Array`. */
  dtype?: DType;
  /** Whether gradients should flow to the new tensor (float dtypes only). */
  requiresGrad?: boolean;
}

/** @internal Throws a DTypeError unless `d` is a known dtype. */
export function checkDType(d: unknown, op: string): DType {
  if (!isDType(d)) throw new DTypeError(op, 'dtype', `expected 'float32', 'float64' or 'int32', got ${JSON.stringify(d)}`);
  return d;
}

function inferShape(values: NestedArray | number, op: string): number[] {
  const shape: number[] = [];
  let cur: unknown = values;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

/** Throws unless int32 can hold `v` (truncated toward zero): NaN, ±Infinity and |v| ≥ 2^31 would wrap or become 0. */
function checkInt32(v: number, op: string, index: number): void {
  if (!(v > -2147483649 && v < 2147483648)) {
    throw new ValueError(op, 'values', `element ${index} is ${v}, which int32 cannot hold: expected a finite number in [-2147483648, 2147483647]`);
  }
}

function fill(values: unknown, shape: Shape, dim: number, out: TypedArray, pos: { i: number }, op: string): void {
  if (dim === shape.length) {
    if (Array.isArray(values)) {
      // A ragged array, like [[1, 2], [3]]: an array where the first elements put a number.
      throw new ShapeError(op, 'values', `is ragged: expected a number at depth ${dim} (inferred shape ${fmtShape(shape)}), got an array of ${values.length} elements`);
    }
    if (typeof values !== 'number' && typeof values !== 'boolean') {
      throw new ValueError(op, 'values', `expected numbers, got ${values === null ? 'null' : typeof values}`);
    }
    const v = Number(values);
    if (out instanceof Int32Array) checkInt32(v, op, pos.i);
    out[pos.i++] = v;
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new ShapeError(
      op,
      'values',
      `is ragged: expected ${shape[dim]} elements at depth ${dim} (inferred shape ${fmtShape(shape)}), got ${Array.isArray(values) ? values.length : 'a number'}`,
    );
  }
  for (const v of values) fill(v, shape, dim + 1, out, pos, op);
}

/** @internal The keys of {@link TensorOptions}. */
export const TENSOR_OPTIONS = ['dtype', 'requiresGrad'] as const;

/**
 * Creates a tensor from a number, a nested array or a typed array (which is used without copying).
 *
 * @param values - the elements; nested arrays must be rectangular.
 * @param options - dtype (default `float32`, or the typed array's own) and requiresGrad.
 * @param shape - for typed arrays: the shape (default: 1-D).
 * @returns the new tensor.
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]]);                       // float32, shape [2, 2]
 * const b = tensor(3.5, { dtype: 'float64' });              // a scalar
 * const c = tensor(new Int32Array([0, 2, 1]));              // int32 labels
 * const w = tensor([0.1, 0.2], { requiresGrad: true });
 * ```
 */
export function tensor(values: TensorLike | TypedArray, options: TensorOptions = {}, shape?: Shape): Tensor {
  const op = 'tensor';
  checkOptions(op, options, TENSOR_OPTIONS);
  let t: Tensor;
  if (values instanceof Tensor) {
    const dtype = options.dtype === undefined ? values.dtype : checkDType(options.dtype, op);
    t = new Tensor(castArray(values.data, dtype, true, op), values.shape.slice());
  } else if (ArrayBuffer.isView(values)) {
    const arr = values as TypedArray;
    if (!(arr instanceof Float32Array || arr instanceof Float64Array || arr instanceof Int32Array)) {
      throw new DTypeError(op, 'values', `expected a Float32Array, Float64Array or Int32Array, got ${(values as object).constructor.name}`);
    }
    const dtype = options.dtype === undefined ? dtypeOfArray(arr) : checkDType(options.dtype, op);
    const s = shape ?? [arr.length];
    assertShape(s, op);
    t = new Tensor(castArray(arr, dtype, false, op), s.slice());
  } else {
    const dtype = checkDType(options.dtype ?? 'float32', op);
    if (typeof values === 'number') {
      const d = allocate(dtype, 1);
      if (dtype === 'int32') checkInt32(values, op, 0);
      d[0] = values;
      t = new Tensor(d, []);
    } else if (Array.isArray(values)) {
      const s = inferShape(values, op);
      const d = allocate(dtype, sizeOf(s));
      fill(values, s, 0, d, { i: 0 }, op);
      t = new Tensor(d, s);
    } else {
      throw new ValueError(op, 'values', `expected a number, nested array, typed array or Tensor, got ${typeof values}`);
    }
  }
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** @internal Casts a typed array to a dtype; copies only when needed (or always if `copy`). */
export function castArray(a: TypedArray, dtype: DType, copy: boolean, op = 'astype'): TypedArray {
  if (dtypeOfArray(a) === dtype) return copy ? a.slice() : a;
  const out = allocate(dtype, a.length);
  if (dtype === 'int32') {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!(v > -2147483649 && v < 2147483648)) checkInt32(v, op, i);
      out[i] = Math.trunc(v);
    }
  } else out.set(a);
  return out;
}

/**
 * @internal Converts an op argument to a tensor. A bare number adopts the dtype of `like` (the op's
 * other tensor), so `x.mul(2)` keeps float64 as float64; a fractional number meeting an int32
 * tensor becomes float32.
 */
export function toTensor(v: TensorLike, like?: Tensor): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number') {
    let dtype: DType = like?.dtype ?? 'float32';
    if (dtype === 'int32' && !Number.isInteger(v)) dtype = 'float32';
    const d = allocate(dtype, 1);
    d[0] = v;
    return new Tensor(d, []);
  }
  return tensor(v, { dtype: like !== undefined && like.dtype !== 'int32' ? like.dtype : 'float32' });
}
