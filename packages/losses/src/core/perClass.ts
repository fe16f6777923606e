/**
 * @internal Per-class options (γ, α, class weights): one number for every class, or one value per
 * class along the class axis. Parsed and validated by one set of functions for every family.
 */
import { ShapeError, type DType, type Tensor, Tensor as T, ValueError, tensor } from '@focalgrad/tensor';

/** A parsed per-class option. */
export interface PerClass {
  /** One value (given as a number) or one per class. */
  values: Float64Array;
  /** Whether the option was given per class. */
  perClass: boolean;
}

/** The values of an array, typed array or tensor option; `null` for anything else. */
function listOf(v: unknown): ArrayLike<unknown> | null {
  if (Array.isArray(v)) return v;
  if (v instanceof T) return v.data;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as unknown as ArrayLike<number>;
  return null;
}

/** Throws a ValueError naming the first entry that fails `check`. */
function checkEntries(list: ArrayLike<unknown>, op: string, arg: string, check: (x: number) => boolean, what: string): void {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x !== 'number' || !check(x)) throw new ValueError(op, `${arg}[${i}]`, `expected ${what}, got ${String(x)}`);
  }
}

/**
 * Parses a per-class option for `classes` classes; `check` validates each value (`what` describes
 * a valid one). `along` completes the length error, e.g. `' along the last axis'`.
 */
export function parsePerClass(v: unknown, classes: number, op: string, arg: string, check: (x: number) => boolean, what: string, along = ''): PerClass {
  if (typeof v === 'number') {
    if (!check(v)) throw new ValueError(op, arg, `expected ${what}, got ${v}`);
    return { values: Float64Array.of(v), perClass: false };
  }
  if (v instanceof T && v.ndim !== 1) {
    throw new ShapeError(op, arg, `expected a number or a 1-D tensor of ${classes} values (one per class), got shape [${v.shape.join(', ')}]`);
  }
  const list = listOf(v);
  if (list === null) throw new ValueError(op, arg, `expected a number or an array of ${classes} numbers (one per class), got ${v === null ? 'null' : typeof v}`);
  if (list.length !== classes) throw new ShapeError(op, arg, `expected ${classes} values (one per class${along}), got ${list.length}`);
  checkEntries(list, op, arg, check, what);
  return { values: Float64Array.from(list as ArrayLike<number>), perClass: true };
}

/** Checks a per-class option before the number of classes is known (loss class constructors). */
export function checkPerClassValues(v: unknown, op: string, arg: string, check: (x: number) => boolean, what: string): void {
  if (typeof v === 'number') {
    if (!check(v)) throw new ValueError(op, arg, `expected ${what}, got ${v}`);
    return;
  }
  const list = listOf(v);
  if (list === null) throw new ValueError(op, arg, `expected a number or an array of numbers (one per class), got ${v === null ? 'null' : typeof v}`);
  checkEntries(list, op, arg, check, what);
}

/** `C` values: a one-value option repeated, a per-class one as is. */
export function expandTo(v: Float64Array, C: number): Float64Array {
  return v.length === C ? v : new Float64Array(C).fill(v[0]!);
}

/** The one value every entry shares, or `null` when they differ (or there are none). */
export function uniformValue(v: Float64Array | null): number | null {
  if (v === null || v.length === 0) return null;
  const first = v[0]!;
  for (let i = 1; i < v.length; i++) if (v[i] !== first) return null;
  return first;
}

/**
 * Per-class values as a constant for a composite formula on inputs of rank `ndim` with the class
 * axis `axis`: a scalar when every class shares one value, else shape `[K, 1, …, 1]`, which
 * broadcasts along that axis.
 */
export function perClassConstant(v: Float64Array, dtype: DType, ndim: number, axis: number): Tensor {
  const u = uniformValue(v);
  if (u !== null) return tensor(u, { dtype });
  return tensor(Float64Array.from(v), { dtype }, [v.length, ...new Array<number>(ndim - axis - 1).fill(1)]);
}

/** A copy of an option for a loss's config (arrays, typed arrays and tensors become plain arrays). */
export function configValue(v: number | readonly number[] | Tensor | null | undefined): number | number[] | null | undefined {
  const list = listOf(v);
  return list === null ? (v as number | null | undefined) : Array.from(list as ArrayLike<number>);
}

/** How the binary family's length errors say where per-class values run (see {@link parsePerClass}). */
export const ALONG_LAST_AXIS = ' along the last axis';

/** The binary family's per-class options run along the last axis: its length (1 for a scalar). */
export function lastAxisClasses(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}

/**
 * A softmax loss's class factor (a finite number ≥ 0, or one per class) as `k` values, or `null`
 * when every value is `neutral`: the kernel then skips the factor.
 */
export function classFactor(v: unknown, k: number, op: string, arg: string, neutral: number): Float64Array | null {
  const values = expandTo(parsePerClass(v, k, op, arg, (x) => Number.isFinite(x) && x >= 0, 'a finite number >= 0').values, k);
  return values.every((x) => x === neutral) ? null : values;
}
