import { ValueError } from './errors.js';
/**
 * Element types a {@link Tensor} can hold.
 *
 * `float32` is the default, `float64` is for gradient checks and careful numerics, and `int32`
 * holds labels, indices and masks (it never requires grad).
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], { dtype: 'float64' });
 * x.dtype; // 'float64'
 * ```
 */
export type DType = 'float32' | 'float64' | 'int32';

/**
 * The typed array that stores a tensor's elements, one per {@link DType}.
 *
 * @example
 * ```ts
 * const data: TypedArray = tensor([1, 2]).data; // a Float32Array
 * ```
 */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** @internal */
export function allocate(dtype: DType, n: number): TypedArray {
  // Typed arrays stop at 2^32 elements (less on some engines); say so instead of a raw RangeError.
  if (n > 4294967295) throw new ValueError('allocate', 'size', `a ${dtype} tensor of ${n} elements is larger than a typed array can hold (at most 2^32 − 1)`);
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
  }
}

/** @internal */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'float32';
}

/** @internal */
export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/**
 * The dtype two operands are computed in: the wider float wins, and int32 only stays int32 when
 * both sides are int32.
 * @internal
 */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/** @internal */
export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'float64' || x === 'int32';
}
