/**
 * @internal Constants for the softmax composites, shaped around the class axis: a tensor of shape
 * `S` with class axis `a` is read as `outer × K × inner`, and a per-sample value of row `(o, i)`
 * sits at `o·inner + i` — the row-major position in `S` with axis `a` kept as 1.
 */
import { type Tensor, Tensor as T } from '@focalgrad/tensor';

/** The shape with the class axis kept as 1 (per-sample values that broadcast over classes). */
export function keepShape(shape: readonly number[], axis: number): number[] {
  return shape.map((n, d) => (d === axis ? 1 : n));
}

/** A constant float tensor from raw values. */
export function constant(values: ArrayLike<number>, shape: readonly number[], dtype: 'float32' | 'float64'): Tensor {
  const d = dtype === 'float64' ? new Float64Array(values.length) : new Float32Array(values.length);
  d.set(values);
  return new T(d, shape.slice());
}

/** The float dtype of a tensor (int32 never reaches the kernels). */
export function floatDType(x: Tensor): 'float32' | 'float64' {
  return x.dtype === 'float64' ? 'float64' : 'float32';
}
