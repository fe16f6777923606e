/**
 * @internal Shared pieces of the fused softmax-family loss kernels: the row layout around a class
 * axis, argument checks for that axis, the in-place scaling of a kept gradient by the upstream
 * gradient, and per-class constants shaped to broadcast along the class axis in the composite
 * (second-order) formulas.
 *
 * A tensor of shape `S` with class axis `a` is read as `outer × K × inner` (`outer` = product of
 * the dims before `a`, `K = S[a]`, `inner` = product of the dims after it). Row `(o, i)` holds its
 * K class values at `o·K·inner + i + k·inner`, and its per-sample result goes to flat index
 * `o·inner + i`, which is exactly the row-major position in `S` with axis `a` removed. So any class
 * axis is handled by strided indexing, without a permute.
 */
import { type Tensor, Tensor as T, ShapeError, ValueError } from '@focalgrad/tensor';

/** @internal Keras's `backend.epsilon()` (also the `focal-loss` package's `_EPSILON`). */
export const EPSILON = 1e-7;

/** @internal The `outer × K × inner` view of a shape around its class axis. */
export interface Layout {
  outer: number;
  k: number;
  inner: number;
}

/** @internal */
export function layout(shape: readonly number[], axis: number): Layout {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return { outer, k: shape[axis]!, inner };
}

/** @internal The shape with the class axis removed (the per-sample loss shape). */
export function rowShape(shape: readonly number[], axis: number): number[] {
  return shape.filter((_, d) => d !== axis);
}

/** @internal The shape with the class axis kept as 1 (per-sample values that broadcast over classes). */
export function keepShape(shape: readonly number[], axis: number): number[] {
  return shape.map((n, d) => (d === axis ? 1 : n));
}

/**
 * @internal Validates a class axis (an integer in `[-ndim, ndim)`, as in Keras where a bool axis
 * raises) and returns it normalised to `[0, ndim)`.
 */
export function normalizeClassAxis(axis: unknown, ndim: number, op: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new ValueError(op, 'axis', `expected an integer, got ${typeof axis === 'number' ? axis : typeof axis === 'string' ? JSON.stringify(axis) : String(axis)}`);
  }
  if (ndim === 0) throw new ShapeError(op, 'yPred', 'expected a tensor of rank >= 1 with a class axis, got a scalar');
  if (axis < -ndim || axis >= ndim) throw new ShapeError(op, 'axis', `expected an axis in [${-ndim}, ${ndim - 1}] for yPred of rank ${ndim}, got ${axis}`);
  return axis < 0 ? axis + ndim : axis;
}

/** @internal A zeroed float array of `x`'s dtype (float32 or float64). */
export function allocLike(x: Tensor, n: number): Float32Array | Float64Array {
  return x.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** @internal A constant float tensor from raw values. */
export function constant(values: ArrayLike<number>, shape: readonly number[], dtype: 'float32' | 'float64'): Tensor {
  const d = dtype === 'float64' ? new Float64Array(values.length) : new Float32Array(values.length);
  d.set(values as ArrayLike<number>);
  return new T(d, shape.slice());
}

/**
 * @internal One value per class as a constant tensor of shape `[K, 1, …, 1]`, which broadcasts
 * along the class axis `axis` of a tensor of rank `ndim`.
 */
export function perClassTensor(v: Float64Array, ndim: number, axis: number, dtype: 'float32' | 'float64'): Tensor {
  const shape = [v.length, ...new Array<number>(ndim - axis - 1).fill(1)];
  return constant(v, shape, dtype);
}

/** @internal The float dtype of a tensor (int32 never reaches the kernels). */
export function floatDType(x: Tensor): 'float32' | 'float64' {
  return x.dtype === 'float64' ? 'float64' : 'float32';
}

/** @internal True if every entry equals the first (a per-class option given as one value). */
export function uniformValue(v: Float64Array | null): number | null {
  if (v === null || v.length === 0) return null;
  const first = v[0]!;
  for (let i = 1; i < v.length; i++) if (v[i] !== first) return null;
  return first;
}

/** @internal unit[row, k] *= g[row] over an `outer × K × inner` layout (in place); returns `unit`. */
export function scaleRowsInPlace(unit: Float32Array | Float64Array, g: ArrayLike<number>, l: Layout): Float32Array | Float64Array {
  const { outer, k: K, inner } = l;
  if (inner === 1) {
    for (let o = 0, idx = 0; o < outer; o++) {
      const gr = g[o]!;
      if (gr === 1) {
        idx += K;
        continue;
      }
      for (let k = 0; k < K; k++, idx++) unit[idx] = gr * unit[idx]!;
    }
    return unit;
  }
  for (let o = 0, idx = 0; o < outer; o++) {
    const go = o * inner;
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < inner; i++, idx++) unit[idx] = g[go + i]! * unit[idx]!;
    }
  }
  return unit;
}

/** @internal `d[i] ·= s` over the whole array, in place (a no-op for `s = 1`); returns `d`. */
export function scaleAll(d: Float32Array | Float64Array, s: number): Float32Array | Float64Array {
  if (s !== 1) for (let i = 0; i < d.length; i++) d[i] = d[i]! * s;
  return d;
}
