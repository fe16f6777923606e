import { ShapeError, ValueError, fmtShape } from './errors.js';

/**
 * A tensor's shape: the size of each dimension, outermost first. `[]` is a scalar.
 *
 * @example
 * ```ts
 * const s: Shape = zeros([2, 3]).shape; // [2, 3]
 * ```
 */
export type Shape = readonly number[];

/** @internal */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** @internal Row-major strides of a contiguous tensor. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** @internal */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal NumPy broadcasting of two shapes, naming the op and arguments on failure. */
export function broadcastShapes(a: Shape, b: Shape, op: string, argA = 'a', argB = 'b'): number[] {
  if (shapesEqual(a, b)) return a.slice();
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        argB,
        `of shape ${fmtShape(b)} cannot be broadcast with argument '${argA}' of shape ${fmtShape(a)} (dimension ${i}: ${db} vs ${da})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** @internal Checks that `from` broadcasts to exactly `to` (numpy broadcast_to rules). */
export function assertBroadcastableTo(from: Shape, to: Shape, op: string, arg: string): void {
  let ok = from.length <= to.length;
  for (let i = 0; ok && i < from.length; i++) {
    const f = from[from.length - 1 - i]!;
    const t = to[to.length - 1 - i]!;
    if (f !== t && f !== 1) ok = false;
  }
  if (!ok) throw new ShapeError(op, arg, `of shape ${fmtShape(from)} cannot be broadcast to shape ${fmtShape(to)}`);
}

/** @internal Turns a possibly negative axis into 0..ndim-1. */
export function normalizeAxis(axis: number, ndim: number, op: string, arg = 'axis'): number {
  if (!Number.isInteger(axis)) throw new ValueError(op, arg, `expected an integer axis, got ${axis}`);
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) {
    throw new ShapeError(op, arg, `expected an axis in [${-ndim}, ${ndim - 1}] for a tensor of rank ${ndim}, got ${axis}`);
  }
  return a;
}

/** @internal Normalised, sorted, de-duplicated axes; `undefined` means all axes. */
export function normalizeAxes(axes: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (axes === undefined) {
    // A plain loop: `Array.from({ length })` costs more than the rest of a small reduction.
    const all = new Array<number>(ndim);
    for (let i = 0; i < ndim; i++) all[i] = i;
    return all;
  }
  const list = typeof axes === 'number' ? [axes] : axes;
  const seen = new Set<number>();
  for (const ax of list) {
    const a = normalizeAxis(ax, ndim, op, 'axis');
    if (seen.has(a)) throw new ValueError(op, 'axis', `repeats axis ${ax} in ${JSON.stringify(list)}`);
    seen.add(a);
  }
  return [...seen].sort((x, y) => x - y);
}

/** @internal The shape after reducing `axes` (sorted), kept as 1s or dropped. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}

/** @internal */
export function assertShape(shape: readonly number[], op: string, arg = 'shape'): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(op, arg, `expected non-negative integer dimensions, got ${fmtShape(shape)}`);
    }
  }
}

/**
 * Splits `shape` around `axis` into `[outer, size, inner]`: the product of the dimensions before
 * the axis, its length, and the product of those after it. Element `(o, k, i)` of the axis-wise
 * view sits at flat index `(o·size + k)·inner + i`, so a kernel can walk any axis of a row-major
 * tensor without a permute.
 *
 * @param shape - the dimensions.
 * @param axis - an axis of `shape`, already in `[0, shape.length)`.
 * @returns `[outer, size, inner]`.
 * @example
 * ```ts
 * splitAround([2, 3, 4], 1); // [2, 3, 4]
 * splitAround([2, 3, 4], 2); // [6, 4, 1]
 * ```
 */
export function splitAround(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis]!, inner];
}
