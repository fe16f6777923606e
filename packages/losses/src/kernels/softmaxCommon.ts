/**
 * @internal Shared pieces of the fused softmax-family loss kernels: the row layout around a class
 * axis, argument checks for that axis, a fast power for the modulating factor, and per-class
 * constants shaped to broadcast along the class axis in the composite (second-order) formulas.
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

/**
 * @internal `b^g` for the modulating factor, with the common exponents done by multiplication
 * (`g = 0` gives exactly 1, including `0^0`).
 */
export function powg(b: number, g: number): number {
  if (g === 2) return b * b;
  if (g === 0) return 1;
  if (g === 1) return b;
  if (g === 3) return b * b * b;
  if (g === 4) {
    const b2 = b * b;
    return b2 * b2;
  }
  return Math.pow(b, g);
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

/**
 * @internal Where a fused loss op's forward leaves the gradient for an upstream gradient of 1 when
 * the op is being recorded, so that the first-order gradient op is a single multiply pass instead
 * of recomputing every exponential. It is a pure function of the op's inputs (ops never mutate a
 * tensor's values) and is used only if the gradient op sees the very same `yPred` data; the
 * gradient op's own backward (second order) never reads it — it recomputes from the inputs through
 * the composite formula — so higher-order gradients are unaffected.
 */
export interface GradCache {
  /** ∂(per-sample loss)/∂yPred for a unit upstream gradient, in yPred's dtype. */
  grad: Float32Array | Float64Array | null;
  /** The yPred data the cache was computed from. */
  x: unknown;
  /** Set when `grad` holds unscaled per-class terms completed row by row (see {@link DeferredRows}). */
  rows?: DeferredRows | null;
}

/**
 * @internal Per-row factors of a deferred gradient: `grad[r, j] · scale[r]` for the non-target
 * classes and `target[r]` at the label's class (unit upstream), applied with the upstream
 * gradient in the gradient op's single pass.
 */
export interface DeferredRows {
  scale: Float64Array;
  target: Float64Array;
  labels: ArrayLike<number>;
}

/** @internal A fresh cache when the op is going to be recorded for autograd, else `null`. */
export function cacheFor(recorded: boolean): GradCache | null {
  return recorded ? { grad: null, x: null } : null;
}

/**
 * @internal Takes the cached unit-upstream gradient if it was computed from `x`'s data, handing
 * the buffer over (the cache is emptied, so a second backward through a retained graph recomputes
 * it with the kernel instead of reading a buffer that has since been scaled).
 */
export function takeCache(c: GradCache | null, x: Tensor): Float32Array | Float64Array | null {
  if (c === null || c.grad === null || c.x !== x.data) return null;
  const g = c.grad;
  c.grad = null;
  c.x = null;
  c.rows = null;
  return g;
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

// e^x by Tang's table method: x = (256·e + j)·ln2/256 + r with |r| ≤ ln2/512, e^r by a degree-4
// polynomial (truncation error < 4e-17), so e^x = p(r)·2^(j/256)·2^e. Measured error ≤ 2 ulp
// against Math.exp over [−745, 0], and 1.4–2.4× faster than it in V8, which matters when
// exponentials dominate a kernel (the softmax losses take one per class per row).
const EXP_TABLE = 256;
const EXP_T = new Float64Array(EXP_TABLE);
for (let j = 0; j < EXP_TABLE; j++) EXP_T[j] = Math.pow(2, j / EXP_TABLE);
const EXP_P2_OFFSET = 1099;
const EXP_P2 = new Float64Array(EXP_P2_OFFSET + 1024);
for (let i = 0; i < EXP_P2.length; i++) EXP_P2[i] = Math.pow(2, i - EXP_P2_OFFSET);
const EXP_S = EXP_TABLE * Math.LOG2E;
const EXP_HI = 6.93147180369123816490e-1 / EXP_TABLE; // fdlibm ln2_hi: k·EXP_HI is exact for |k| < 2^21
const EXP_LO = 1.90821492927058770002e-10 / EXP_TABLE;
const EXP_BIAS = 524288; // 2^19 > |x|·EXP_S for |x| ≤ 745: (v + bias + 0.5) | 0 is floor(v + bias + 0.5)

/** @internal e^x, accurate to 2 ulp, for x ≤ 700 (`Math.exp` above); 0 below −745, NaN for NaN. */
export function expFast(x: number): number {
  if (!(x > -745)) return x === x ? 0 : x;
  if (x > 700) return Math.exp(x);
  const k = ((x * EXP_S + (EXP_BIAS + 0.5)) | 0) - EXP_BIAS; // round to nearest
  const r = x - k * EXP_HI - k * EXP_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))));
  return p * EXP_T[k & (EXP_TABLE - 1)]! * EXP_P2[(k >> 8) + EXP_P2_OFFSET]!;
}
