/**
 * @internal Argument checks shared by every loss family: each failure is a typed error naming the
 * op, the argument, and the expected and actual value. Where the two families word a message
 * differently, the wording is kept per family (callers match on these messages).
 */
import { DTypeError, ShapeError, type Tensor, type TensorLike, Tensor as T, ValueError, tensor } from '@focalgrad/tensor';

/** @internal A boolean. */
export function checkBool(v: unknown, op: string, arg: string): boolean {
  if (typeof v !== 'boolean') throw new ValueError(op, arg, `expected a boolean, got ${String(v)}`);
  return v;
}

/** @internal A number in [0, 1]. */
export function checkUnit(v: unknown, op: string, arg: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ValueError(op, arg, `expected a number in [0, 1], got ${String(v)}`);
  return v;
}

/** @internal A finite number >= `min`. */
export function checkAtLeast(v: unknown, min: number, op: string, arg: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new ValueError(op, arg, `expected a finite number >= ${min}, got ${String(v)}`);
  return v;
}

/** @internal Whether a value is a finite number. */
export const isFiniteNumber = (x: number): boolean => Number.isFinite(x);
/** @internal Whether a value is a number in [0, 1]. */
export const isUnit = (x: number): boolean => x >= 0 && x <= 1;
/** @internal Whether a value is a finite number >= 0. */
export const isFiniteNonNegative = (x: number): boolean => Number.isFinite(x) && x >= 0;

/**
 * How a family words a shape mismatch between labels and predictions: the binary losses name the
 * expected shape after the argument, the softmax losses before it.
 */
export type ShapeWording = 'binary' | 'softmax';

/** @internal Throws a ShapeError (on `argB`) unless `a` and `b` have the same shape. */
export function checkSameShape(a: Tensor, b: Tensor, op: string, argA: string, argB: string, wording: ShapeWording): void {
  if (a.ndim === b.ndim && a.shape.every((d, i) => d === b.shape[i])) return;
  const want = `[${a.shape.join(', ')}]`;
  const got = `[${b.shape.join(', ')}]`;
  throw new ShapeError(op, argB, wording === 'binary' ? `expected the shape of ${argA}, ${want}, got ${got}` : `expected shape ${want} (the shape of ${argA}), got ${got}`);
}

/**
 * What a loss does along its axis: `'mean'` averages an elementwise loss over it (the binary
 * family), `'class'` reads it as the class axis (the softmax family). It picks the wording of the
 * errors only.
 */
export type AxisRole = 'mean' | 'class';

/** @internal An integer axis option, checked before the rank is known (loss class constructors). */
export function checkAxisOption(axis: unknown, op: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new ValueError(op, 'axis', `expected an integer, got ${String(axis)}`);
  return axis;
}

/** @internal Validates an axis for inputs of rank `ndim` and returns it normalised to `[0, ndim)`. */
export function normalizeAxis(axis: unknown, ndim: number, op: string, role: AxisRole): number {
  if (role === 'class' && typeof axis === 'string') throw new ValueError(op, 'axis', `expected an integer, got ${JSON.stringify(axis)}`);
  const a = checkAxisOption(axis, op);
  if (ndim === 0) {
    throw new ShapeError(op, 'yPred', role === 'mean' ? `expected a tensor of rank >= 1 to average over axis ${a}, got a scalar` : 'expected a tensor of rank >= 1 with a class axis, got a scalar');
  }
  if (a < -ndim || a >= ndim) {
    throw new ShapeError(op, 'axis', `expected an axis in [${-ndim}, ${ndim - 1}] for ${role === 'mean' ? 'inputs' : 'yPred'} of rank ${ndim}, got ${a}`);
  }
  return a < 0 ? a + ndim : a;
}

/** @internal An optional integer `ignoreClass`. */
export function checkIgnoreClass(v: unknown, op: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(op, 'ignoreClass', `expected an integer or null, got ${String(v)}`);
  return v;
}

/** The index of the first label outside `[0, k)` (other than `ignoreClass`), or −1. */
function firstOutOfRange(d: Int32Array, k: number, ignoreClass: number | undefined): number {
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if ((v < 0 || v >= k) && v !== ignoreClass) return i;
  }
  return -1;
}

/** @internal Integer class labels in [0, k) as an Int32Array; floats must be integral. */
export function checkLabels(y: TensorLike, k: number, op: string, arg = 'yTrue', ignoreClass?: number): { labels: Tensor; data: Int32Array } {
  const t = y instanceof T ? y : tensor(y as number[], { dtype: 'float64' });
  const src = t.data;
  if (src instanceof Int32Array) {
    // Already integers: a range check, and the data can be shared (tensors are immutable).
    const i = firstOutOfRange(src, k, ignoreClass);
    if (i >= 0) throw new ValueError(op, arg, `label ${src[i]} at flat index ${i} is out of range for ${k} classes`);
    return { labels: t, data: src };
  }
  const data = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i]!;
    if (!Number.isInteger(v)) throw new DTypeError(op, arg, `expected integer class labels, got ${v} at flat index ${i}`);
    if (ignoreClass !== undefined && v === ignoreClass) {
      data[i] = v;
      continue;
    }
    if (v < 0 || v >= k) throw new ValueError(op, arg, `label ${v} at flat index ${i} is out of range for ${k} classes`);
    data[i] = v;
  }
  return { labels: new T(data, t.shape), data };
}
