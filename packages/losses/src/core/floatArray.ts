/** @internal The float arrays losses compute into: their values and their derivatives. */

/** A float array in a tensor's float dtype. */
export type FloatArray = Float32Array | Float64Array;

/** A zeroed float array of `n` entries in the float dtype `dtype` (int32 never reaches a kernel). */
export function allocFloatArray(dtype: string, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}
