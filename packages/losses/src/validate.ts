/** @internal Argument checks shared by the losses: every failure names the argument and the value. */
import { type Tensor, type TensorLike, DTypeError, ShapeError, ValueError, Tensor as T, tensor, astype } from '@focalgrad/tensor';

/** @internal Converts a loss input to a float tensor (int32 labels become float32, or `like`'s dtype). */
export function asFloat(x: TensorLike, op: string, arg: string, like?: Tensor): Tensor {
  let t: Tensor;
  try {
    t = x instanceof T ? x : tensor(x, { dtype: like && like.dtype !== 'int32' ? like.dtype : 'float32' });
  } catch (e) {
    if (e instanceof ValueError || e instanceof ShapeError) throw new ValueError(op, arg, e.message);
    throw e;
  }
  if (t.dtype === 'int32') return astype(t, like && like.dtype !== 'int32' ? like.dtype : 'float32');
  return t;
}

/** @internal */
export function checkSameShape(a: Tensor, b: Tensor, op: string, argA: string, argB: string): void {
  if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(op, argB, `expected shape [${a.shape.join(', ')}] (the shape of ${argA}), got [${b.shape.join(', ')}]`);
  }
}

/** @internal A finite number >= 0. */
export function checkNonNegative(v: unknown, op: string, arg: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(op, arg, `expected a finite number >= 0, got ${String(v)}`);
  return v;
}

/** @internal A number in [0, 1]. */
export function checkUnit(v: unknown, op: string, arg: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ValueError(op, arg, `expected a number in [0, 1], got ${String(v)}`);
  return v;
}

/** @internal A boolean. */
export function checkBool(v: unknown, op: string, arg: string): boolean {
  if (typeof v !== 'boolean') throw new ValueError(op, arg, `expected a boolean, got ${String(v)}`);
  return v;
}

/**
 * @internal A scalar or one value per class, as a Float64Array of length `k` (a scalar is
 * repeated). `check` validates each entry.
 */
export function perClass(v: number | readonly number[] | Tensor, k: number, op: string, arg: string, check: (x: number) => boolean, what: string): Float64Array {
  const out = new Float64Array(k);
  if (typeof v === 'number') {
    if (!check(v)) throw new ValueError(op, arg, `expected ${what}, got ${v}`);
    return out.fill(v);
  }
  const arr = v instanceof T ? Array.from(v.data) : v;
  if (!Array.isArray(arr) && !(v instanceof T)) throw new ValueError(op, arg, `expected a number or an array of ${k} numbers, got ${String(v)}`);
  if (v instanceof T && v.ndim > 1) throw new ShapeError(op, arg, `expected a scalar or a 1-D tensor of length ${k}, got shape [${v.shape.join(', ')}]`);
  if (arr.length !== k) throw new ShapeError(op, arg, `expected ${k} values (one per class), got ${arr.length}`);
  arr.forEach((x, i) => {
    if (typeof x !== 'number' || !check(x)) throw new ValueError(op, `${arg}[${i}]`, `expected ${what}, got ${String(x)}`);
  });
  out.set(arr);
  return out;
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
