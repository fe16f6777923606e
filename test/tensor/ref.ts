/**
 * Plain-JS reference implementations for the op tests: a minimal n-d array (`Arr`, float64,
 * row-major) and naive, index-by-index versions of the ops. Deliberately written without any code
 * from `@focalgrad/tensor` (no shared broadcasting, strides or kernels), element by element through
 * explicit multi-indices, so that a bug in the library's kernels cannot hide in the reference.
 * Semantics follow NumPy (broadcasting, matmul, take) and TensorFlow (slice, pad) as documented.
 */
import type { Tensor } from '@focalgrad/tensor';

/** A reference n-d array. */
export interface Arr {
  shape: number[];
  data: Float64Array;
}

export function arr(shape: readonly number[], data: ArrayLike<number>): Arr {
  const n = shape.reduce((p, d) => p * d, 1);
  if (data.length !== n) throw new Error(`ref: ${data.length} values for shape [${shape.join(', ')}]`);
  return { shape: shape.slice(), data: Float64Array.from(data) };
}

export function fromTensor(t: Tensor): Arr {
  return arr(t.shape, t.data);
}

export function scalar(v: number): Arr {
  return arr([], [v]);
}

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** The multi-index of flat position `i` in `shape` (row-major). */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = i % n;
    i = Math.floor(i / n);
  }
  return idx;
}

/** The flat position of multi-index `idx` in `shape` (row-major). */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d]! + idx[d]!;
  return i;
}

/**
 * NumPy's broadcasting rule, written from the NumPy manual ("Broadcasting": align trailing
 * dimensions; two dimensions are compatible when they are equal or one of them is 1). Returns
 * `null` when the shapes are incompatible.
 */
export function broadcastShape(...shapes: (readonly number[])[]): number[] | null {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let k = 1; k <= n; k++) {
    let d = 1;
    for (const s of shapes) {
      const v = s.length - k >= 0 ? s[s.length - k]! : 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) return null;
      d = v;
    }
    out.unshift(d);
  }
  return out;
}

/** Reads `a` at a multi-index of a shape it broadcasts to. */
function readBroadcast(a: Arr, idx: readonly number[]): number {
  const off = idx.length - a.shape.length;
  const own = a.shape.map((d, i) => (d === 1 ? 0 : idx[i + off]!));
  return a.data[ravel(own, a.shape)]!;
}

export function broadcastTo(a: Arr, shape: readonly number[]): Arr {
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) out[i] = readBroadcast(a, unravel(i, shape));
  return arr(shape, out);
}

export function map(a: Arr, f: (x: number) => number): Arr {
  return arr(a.shape, a.data.map(f));
}

/** Elementwise f over the broadcast of any number of arrays. */
export function zip(arrays: readonly Arr[], f: (...xs: number[]) => number): Arr {
  const shape = broadcastShape(...arrays.map((a) => a.shape));
  if (shape === null) throw new Error('ref.zip: incompatible shapes');
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    out[i] = f(...arrays.map((a) => readBroadcast(a, idx)));
  }
  return arr(shape, out);
}

export const zip2 = (a: Arr, b: Arr, f: (x: number, y: number) => number): Arr => zip([a, b], f as (...xs: number[]) => number);

function normAxes(axes: number | readonly number[] | undefined, ndim: number): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  return list.map((a) => (a < 0 ? a + ndim : a));
}

/** Groups the elements by their position outside `axes` and folds each group with `f`. */
export function reduce(a: Arr, axes: number | readonly number[] | undefined, keepDims: boolean, f: (values: number[]) => number): Arr {
  const ax = normAxes(axes, a.shape.length);
  const keptShape = a.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: size(keptShape) }, () => []);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape).map((v, d) => (ax.includes(d) ? 0 : v));
    groups[ravel(idx, keptShape)]!.push(a.data[i]!);
  }
  const outShape = keepDims ? keptShape : a.shape.filter((_, i) => !ax.includes(i));
  return arr(outShape, groups.map(f));
}

export const sumOf = (v: number[]): number => v.reduce((s, x) => s + x, 0);
export const meanOf = (v: number[]): number => sumOf(v) / v.length;
export const maxOf = (v: number[]): number => v.reduce((m, x) => (x > m ? x : m), -Infinity);
export const minOf = (v: number[]): number => v.reduce((m, x) => (x < m ? x : m), Infinity);
/** log Σ exp, shifted by the maximum (the textbook stable form). */
export const logSumExpOf = (v: number[]): number => {
  const m = maxOf(v);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(sumOf(v.map((x) => Math.exp(x - m))));
};

/** Applies a vector-to-vector function to every 1-D fibre along `axis`. */
export function alongAxis(a: Arr, axis: number, f: (v: number[]) => number[]): Arr {
  const ax = axis < 0 ? axis + a.shape.length : axis;
  const out = new Float64Array(a.data.length);
  const n = a.shape[ax]!;
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape);
    if (idx[ax] !== 0) continue;
    const positions = Array.from({ length: n }, (_, k) => {
      const j = idx.slice();
      j[ax] = k;
      return ravel(j, a.shape);
    });
    const res = f(positions.map((p) => a.data[p]!));
    positions.forEach((p, k) => (out[p] = res[k]!));
  }
  return arr(a.shape, out);
}

export const softmaxVec = (v: number[]): number[] => {
  const m = maxOf(v);
  const e = v.map((x) => Math.exp(x - m));
  const s = sumOf(e);
  return e.map((x) => x / s);
};
export const logSoftmaxVec = (v: number[]): number[] => {
  const l = logSumExpOf(v);
  return v.map((x) => x - l);
};

/** NumPy `matmul`: 1-D operands become a row (left) or column (right) and are squeezed after. */
export function matmul(a: Arr, b: Arr): Arr {
  const A = a.shape.length === 1 ? arr([1, a.shape[0]!], a.data) : a;
  const B = b.shape.length === 1 ? arr([b.shape[0]!, 1], b.data) : b;
  const m = A.shape[A.shape.length - 2]!;
  const k = A.shape[A.shape.length - 1]!;
  const n = B.shape[B.shape.length - 1]!;
  if (B.shape[B.shape.length - 2] !== k) throw new Error('ref.matmul: inner dimensions');
  const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
  if (batch === null) throw new Error('ref.matmul: batch dimensions');
  const shape = [...batch, m, n];
  const out = new Float64Array(size(shape));
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, shape);
    const bi = idx.slice(0, -2);
    const i = idx[idx.length - 2]!;
    const j = idx[idx.length - 1]!;
    let s = 0;
    for (let p = 0; p < k; p++) s += readBroadcast(A, [...bi, i, p]) * readBroadcast(B, [...bi, p, j]);
    out[o] = s;
  }
  let finalShape = shape;
  if (a.shape.length === 1) finalShape = finalShape.filter((_, d) => d !== finalShape.length - 2);
  if (b.shape.length === 1) finalShape = finalShape.slice(0, -1);
  return arr(finalShape, out);
}

export function permute(a: Arr, perm: readonly number[]): Arr {
  const shape = perm.map((p) => a.shape[p]!);
  const out = new Float64Array(a.data.length);
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, shape);
    const src = new Array<number>(a.shape.length);
    perm.forEach((p, i) => (src[p] = idx[i]!));
    out[o] = a.data[ravel(src, a.shape)]!;
  }
  return arr(shape, out);
}

export const reshape = (a: Arr, shape: readonly number[]): Arr => arr(shape, a.data);

export function concat(list: readonly Arr[], axis: number): Arr {
  const first = list[0]!;
  const ax = axis < 0 ? axis + first.shape.length : axis;
  const shape = first.shape.slice();
  shape[ax] = list.reduce((s, x) => s + x.shape[ax]!, 0);
  const out = new Float64Array(size(shape));
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, shape);
    let k = idx[ax]!;
    let which = 0;
    while (k >= list[which]!.shape[ax]!) k -= list[which++]!.shape[ax]!;
    const src = idx.slice();
    src[ax] = k;
    out[o] = list[which]!.data[ravel(src, list[which]!.shape)]!;
  }
  return arr(shape, out);
}

export function stack(list: readonly Arr[], axis: number): Arr {
  const nd = list[0]!.shape.length + 1;
  const ax = axis < 0 ? axis + nd : axis;
  return concat(
    list.map((x) => {
      const s = x.shape.slice();
      s.splice(ax, 0, 1);
      return reshape(x, s);
    }),
    ax,
  );
}

/** TensorFlow's `tf.slice(x, begin, size)`. */
export function slice(a: Arr, begin: readonly number[], sz: readonly number[]): Arr {
  const out = new Float64Array(size(sz));
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, sz).map((v, d) => v + begin[d]!);
    out[o] = a.data[ravel(idx, a.shape)]!;
  }
  return arr(sz, out);
}

/** TensorFlow's `tf.pad(x, paddings, value)`. */
export function pad(a: Arr, paddings: readonly (readonly [number, number])[], value: number): Arr {
  const shape = a.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const out = new Float64Array(size(shape));
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, shape).map((v, d) => v - paddings[d]![0]);
    out[o] = idx.every((v, d) => v >= 0 && v < a.shape[d]!) ? a.data[ravel(idx, a.shape)]! : value;
  }
  return arr(shape, out);
}

/** NumPy's `np.take(a, indices, axis)` (negative indices count from the end). */
export function take(a: Arr, indices: Arr, axis: number): Arr {
  const ax = axis < 0 ? axis + a.shape.length : axis;
  const shape = [...a.shape.slice(0, ax), ...indices.shape, ...a.shape.slice(ax + 1)];
  const out = new Float64Array(size(shape));
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, shape);
    const iIdx = idx.slice(ax, ax + indices.shape.length);
    let k = indices.data[ravel(iIdx, indices.shape)]!;
    if (k < 0) k += a.shape[ax]!;
    const src = [...idx.slice(0, ax), k, ...idx.slice(ax + indices.shape.length)];
    out[o] = a.data[ravel(src, a.shape)]!;
  }
  return arr(shape, out);
}

/** The adjoint of `take`: NumPy's `np.add.at` into zeros whose `axis` has size `dimSize`. */
export function scatterAdd(src: Arr, indices: Arr, axis: number, dimSize: number): Arr {
  const ax = axis < 0 ? axis + src.shape.length - indices.shape.length + 1 : axis;
  const shape = [...src.shape.slice(0, ax), dimSize, ...src.shape.slice(ax + indices.shape.length)];
  const out = new Float64Array(size(shape));
  for (let s = 0; s < src.data.length; s++) {
    const idx = unravel(s, src.shape);
    let k = indices.data[ravel(idx.slice(ax, ax + indices.shape.length), indices.shape)]!;
    if (k < 0) k += dimSize;
    const dst = [...idx.slice(0, ax), k, ...idx.slice(ax + indices.shape.length)];
    const p = ravel(dst, shape);
    out[p] = out[p]! + src.data[s]!;
  }
  return arr(shape, out);
}

/** Nested arrays of an `Arr` (a number for a scalar). */
export function toNested(a: Arr): unknown {
  if (a.shape.length === 0) return a.data[0];
  const build = (dim: number, off: number): unknown[] => {
    const n = a.shape[dim]!;
    const stride = size(a.shape.slice(dim + 1));
    return Array.from({ length: n }, (_, i) => (dim === a.shape.length - 1 ? a.data[off + i] : build(dim + 1, off + i * stride)));
  };
  return build(0, 0);
}

// Scalar references, from their textbook definitions (computed in float64).
export const sigmoidRef = (x: number): number => 1 / (1 + Math.exp(-x));
export const softplusRef = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
export const logSigmoidRef = (x: number): number => -softplusRef(-x);
