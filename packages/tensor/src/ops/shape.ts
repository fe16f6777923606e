/**
 * Shape ops: views (reshape, squeeze, expandDims share the data), copies (permute, broadcastTo,
 * concat, slice, pad), indexing (gather and its adjoint scatterAdd), one-hot encoding and casts.
 * Their kernels are in `kernels/js/layout.ts` and their backward rules in the primitive table
 * (`primitives.ts`).
 */
import { type DType, allocate } from '../dtype.js';
import { checkDType, castArray, tensor, toTensor } from '../convert.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { P } from './primitives.js';

/**
 * Returns `x` unchanged as a new graph node (gradient passes through). Functional transforms use
 * it to give an argument its own identity.
 * @param x - input.
 * @example
 * ```ts
 * identity(tensor([1, 2])).toArray(); // [1, 2]
 * ```
 */
export function identity(x: TensorLike): Tensor {
  return P.identity([x]);
}

/**
 * A view of `x` with a new shape of the same size (no copy). One dimension may be `-1`.
 * @param x - input.
 * @param shape - the new shape.
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x);
  const s = shape.slice();
  const infer = s.indexOf(-1);
  if (infer !== -1 && s.indexOf(-1, infer + 1) !== -1) {
    throw new ValueError('reshape', 'shape', `may contain at most one -1, got ${fmtShape(shape)}`);
  }
  for (const d of s) {
    if (!Number.isInteger(d) || d < -1) throw new ValueError('reshape', 'shape', `expected non-negative integers (or one -1), got ${fmtShape(shape)}`);
  }
  if (infer !== -1) {
    const rest = s.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (rest === 0 || t.size % rest !== 0) {
      throw new ShapeError('reshape', 'shape', `${fmtShape(shape)} cannot hold the ${t.size} elements of a tensor of shape ${fmtShape(t.shape)}`);
    }
    s[infer] = t.size / rest;
  }
  if (sizeOf(s) !== t.size) {
    throw new ShapeError('reshape', 'shape', `${fmtShape(shape)} has ${sizeOf(s)} elements, expected ${t.size} (the size of a tensor of shape ${fmtShape(t.shape)})`);
  }
  return P.reshape([t], { shape: s });
}

/**
 * Flattens `x` to one dimension (a view).
 * @param x - input.
 * @example
 * ```ts
 * flatten(zeros([2, 3])).shape; // [6]
 * ```
 */
export function flatten(x: TensorLike): Tensor {
  return reshape(x, [-1]);
}

/**
 * Broadcasts `x` to `shape` under NumPy rules (a copy); its gradient is summed back.
 * @param x - input.
 * @param shape - target shape.
 * @example
 * ```ts
 * broadcastTo(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  return P.broadcastTo([x], { shape: shape.slice() });
}

/**
 * Reorders the axes: axis `i` of the result is axis `perm[i]` of `x`.
 * @param x - input.
 * @param perm - a permutation of `0..ndim-1` (negative axes allowed).
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: TensorLike, perm: readonly number[]): Tensor {
  const t = toTensor(x);
  if (perm.length !== t.ndim) {
    throw new ShapeError('permute', 'perm', `expected ${t.ndim} axes for a tensor of shape ${fmtShape(t.shape)}, got ${JSON.stringify(perm)}`);
  }
  const p = perm.map((a) => normalizeAxis(a, t.ndim, 'permute', 'perm'));
  if (new Set(p).size !== p.length) throw new ValueError('permute', 'perm', `expected a permutation, got ${JSON.stringify(perm)}`);
  if (p.every((a, i) => a === i)) return t;
  return P.permute([t], { perm: p });
}

/**
 * Transposes `x`: reverses the axes, or applies `perm` if given (NumPy's `transpose`).
 * @param x - input.
 * @param perm - optional permutation.
 * @example
 * ```ts
 * transpose(tensor([[1, 2, 3]])).toArray(); // [[1], [2], [3]]
 * ```
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor(x);
  return permute(t, perm ?? t.shape.map((_, i) => t.ndim - 1 - i));
}

/**
 * Inserts a dimension of size 1 at `axis` (a view).
 * @param x - input.
 * @param axis - where the new axis goes (`-1` appends).
 * @example
 * ```ts
 * expandDims(tensor([1, 2]), 0).shape; // [1, 2]
 * ```
 */
export function expandDims(x: TensorLike, axis: number): Tensor {
  const t = toTensor(x);
  const a = normalizeAxis(axis, t.ndim + 1, 'expandDims');
  const s = t.shape.slice();
  s.splice(a, 0, 1);
  return P.reshape([t], { shape: s });
}

/**
 * Removes dimensions of size 1: the given axis (which must have size 1), or all of them.
 * @param x - input.
 * @param axis - an axis or axes of size 1; all size-1 axes if omitted.
 * @example
 * ```ts
 * squeeze(zeros([2, 1, 3])).shape; // [2, 3]
 * ```
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = toTensor(x);
  let axes: number[];
  if (axis === undefined) axes = t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    axes = (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis(a, t.ndim, 'squeeze'));
    for (const a of axes) {
      if (t.shape[a] !== 1) throw new ShapeError('squeeze', 'axis', `expected axis ${a} to have size 1, got ${t.shape[a]} (shape ${fmtShape(t.shape)})`);
    }
  }
  return P.reshape([t], { shape: t.shape.filter((_, i) => !axes.includes(i)) });
}

/**
 * Joins tensors along an existing axis. Shapes must agree on every other axis.
 * @param xs - the tensors.
 * @param axis - the axis to join along.
 * @example
 * ```ts
 * concat([tensor([[1]]), tensor([[2]])], 1).toArray(); // [[1, 2]]
 * ```
 */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new ValueError('concat', 'xs', 'expected at least one tensor, got none');
  const ts = xs.map((x) => toTensor(x));
  const first = ts[0]!;
  const a = normalizeAxis(axis, first.ndim, 'concat');
  ts.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new ShapeError('concat', `xs[${i}]`, `of shape ${fmtShape(t.shape)} does not match xs[0] of shape ${fmtShape(first.shape)} outside axis ${a}`);
    }
  });
  if (ts.length === 1) return first;
  return P.concat(ts, { axis: a });
}

/**
 * Stacks same-shaped tensors along a new axis.
 * @param xs - the tensors.
 * @param axis - where the new axis goes.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]).shape; // [2, 2]
 * ```
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new ValueError('stack', 'xs', 'expected at least one tensor, got none');
  const ts = xs.map((x) => toTensor(x));
  ts.forEach((t, i) => {
    if (t.ndim !== ts[0]!.ndim || t.shape.some((d, j) => d !== ts[0]!.shape[j])) {
      throw new ShapeError('stack', `xs[${i}]`, `of shape ${fmtShape(t.shape)} does not match xs[0] of shape ${fmtShape(ts[0]!.shape)}`);
    }
  });
  const a = normalizeAxis(axis, ts[0]!.ndim + 1, 'stack');
  return P.concat(ts.map((t) => expandDims(t, a)), { axis: a });
}

/**
 * A contiguous block of `x` (TensorFlow's `slice`): `size[d]` elements from `begin[d]` along each
 * axis. A size of `-1` takes the rest; negative begins count from the end.
 * @param x - input.
 * @param begin - start index per axis (missing trailing axes start at 0).
 * @param size - length per axis (missing or `-1` means to the end).
 * @example
 * ```ts
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).toArray(); // [[2, 3], [5, 6]]
 * ```
 */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = toTensor(x);
  if (begin.length > t.ndim) throw new ShapeError('slice', 'begin', `has ${begin.length} entries for a tensor of rank ${t.ndim}`);
  const b = t.shape.map((d, i) => {
    const v = begin[i] ?? 0;
    const r = v < 0 ? v + d : v;
    if (!Number.isInteger(v) || r < 0 || r > d) throw new ShapeError('slice', 'begin', `index ${v} is out of range for axis ${i} of size ${d}`);
    return r;
  });
  const s = t.shape.map((d, i) => {
    const v = size?.[i] ?? -1;
    const r = v === -1 ? d - b[i]! : v;
    if (!Number.isInteger(r) || r < 0 || b[i]! + r > d) {
      throw new ShapeError('slice', 'size', `${v} from ${b[i]} overruns axis ${i} of size ${d}`);
    }
    return r;
  });
  if (s.every((v, i) => v === t.shape[i])) return t;
  return P.slice([t], { begin: b, size: s });
}

/**
 * Pads `x` with a constant: `paddings[d] = [before, after]` for each axis.
 * @param x - input.
 * @param paddings - amounts per axis.
 * @param value - the fill value (default 0).
 * @example
 * ```ts
 * pad(tensor([1, 2]), [[1, 0]]).toArray(); // [0, 1, 2]
 * ```
 */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const t = toTensor(x);
  if (paddings.length !== t.ndim) throw new ShapeError('pad', 'paddings', `expected ${t.ndim} [before, after] pairs, got ${paddings.length}`);
  for (const p of paddings) {
    if (!(Number.isInteger(p[0]) && Number.isInteger(p[1]) && p[0] >= 0 && p[1] >= 0)) {
      throw new ValueError('pad', 'paddings', `expected non-negative integers, got ${JSON.stringify(paddings)}`);
    }
  }
  return P.pad([t], { paddings: paddings.map((p) => [p[0], p[1]] as [number, number]), value });
}

/** @internal Validates integer indices against a dimension and returns them as int32. */
export function toIndices(indices: TensorLike, dim: number, op: string, arg = 'indices'): Tensor {
  // Plain numbers and arrays are read in float64: in float32, 2.00000001 would round to 2 and pass
  // the integer check.
  const t = indices instanceof Tensor ? indices : tensor(indices, { dtype: 'float64' });
  let it = t;
  if (t.dtype !== 'int32') {
    for (const v of t.data) {
      if (!Number.isInteger(v)) throw new DTypeError(op, arg, `expected integer indices, got ${v}`);
    }
    it = new Tensor(castArray(t.data, 'int32', true), t.shape);
  }
  const d = it.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < -dim || v >= dim) throw new ShapeError(op, arg, `index ${v} is out of range for an axis of size ${dim}`);
    if (v < 0) {
      if (it === t) it = new Tensor(d.slice(), t.shape);
      it.data[i] = v + dim;
    }
  }
  return it;
}

/**
 * Picks slices of `x` along `axis` by integer index (like `tf.gather` / `np.take`). The result has
 * shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`; the gradient scatters back (adding
 * over repeated indices).
 * @param x - input.
 * @param indices - integer indices (int32, or floats with integer values; negative count from the end).
 * @param axis - the axis to index.
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]).toArray(); // [[5, 6], [1, 2]]
 * ```
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor(x);
  const a = normalizeAxis(axis, t.ndim, 'gather');
  return P.gather([t, toIndices(indices, t.shape[a]!, 'gather')], { axis: a });
}

/**
 * Alias of {@link gather}, under NumPy's name.
 * @param x - input.
 * @param indices - integer indices.
 * @param axis - the axis to index.
 * @example
 * ```ts
 * take(tensor([10, 20, 30]), [2, 1]).toArray(); // [30, 20]
 * ```
 */
export function take(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  return gather(x, indices, axis);
}

/**
 * The adjoint of {@link gather}: adds slices of `src` into a zero tensor whose `axis` has size
 * `dimSize`, at the given indices (repeated indices accumulate).
 * @param src - values, shaped like a gather result.
 * @param indices - integer indices.
 * @param axis - the indexed axis.
 * @param dimSize - the size of `axis` in the result.
 * @example
 * ```ts
 * scatterAdd(tensor([1, 2, 3]), [0, 2, 0], 0, 3).toArray(); // [4, 0, 2]
 * ```
 */
export function scatterAdd(src: TensorLike, indices: TensorLike, axis: number, dimSize: number): Tensor {
  const s = toTensor(src);
  const idx = toIndices(indices, dimSize, 'scatterAdd');
  const a = normalizeAxis(axis, s.ndim - idx.ndim + 1, 'scatterAdd');
  const expect = s.shape.slice(a, a + idx.ndim);
  if (expect.length !== idx.ndim || expect.some((d, i) => d !== idx.shape[i])) {
    throw new ShapeError('scatterAdd', 'indices', `of shape ${fmtShape(idx.shape)} does not match src of shape ${fmtShape(s.shape)} at axis ${a}`);
  }
  return P.scatterAdd([s, idx], { axis: a, dimSize });
}

/**
 * One-hot encodes integer labels: a new last axis of size `depth` (no gradient).
 * @param indices - integer labels in `[0, depth)`.
 * @param depth - the number of classes.
 * @param dtype - the result's dtype (default float32).
 * @example
 * ```ts
 * oneHot([0, 2], 3).toArray(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indices: TensorLike, depth: number, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(depth) || depth < 1) throw new ValueError('oneHot', 'depth', `expected a positive integer, got ${depth}`);
  const idx = toIndices(indices, depth, 'oneHot');
  const id = idx.data;
  const out = allocate(checkDType(dtype, 'oneHot'), id.length * depth);
  for (let i = 0; i < id.length; i++) out[i * depth + id[i]!] = 1;
  return new Tensor(out, [...idx.shape, depth]);
}

/**
 * Converts to another dtype; differentiable between float dtypes (the gradient is cast back).
 * @param x - input.
 * @param dtype - target dtype.
 * @example
 * ```ts
 * astype(tensor([1.7, -1.7]), 'int32').toArray(); // [1, -1]
 * ```
 */
export function astype(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x);
  const d = checkDType(dtype, 'astype');
  if (t.dtype === d) return t;
  if (d === 'int32') return new Tensor(castArray(t.data, d, true), t.shape);
  return P.astype([t], { dtype: d });
}

/**
 * A tensor sharing `x`'s data but cut off from the graph (no gradient flows through it).
 * @param x - input.
 * @example
 * ```ts
 * detach(w.mul(2)).requiresGrad; // false
 * ```
 */
export function detach(x: TensorLike): Tensor {
  const t = toTensor(x);
  return new Tensor(t.data, t.shape);
}

/**
 * A copy of `x` with its own data; gradient flows through it.
 * @param x - input.
 * @example
 * ```ts
 * const c = clone(x); // c.data !== x.data
 * ```
 */
export function clone(x: TensorLike): Tensor {
  return P.clone([x]);
}
