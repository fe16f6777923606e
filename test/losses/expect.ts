/**
 * Value expectations of the loss tests: closeness (NumPy's `allclose`), numbers printed by a
 * reference at their printed precision, float32 ulps, and finiteness.
 */
import { expect } from 'vitest';
import { Tensor, type NestedArray } from '@focalgrad/tensor';

/** Anything the value checks accept. */
export type Values = Tensor | number | ArrayLike<number> | NestedArray | readonly unknown[];

/** The values as a flat array of numbers (nested arrays depth-first). */
export function flatValues(x: Values): number[] {
  if (x instanceof Tensor) return Array.from(x.data);
  if (typeof x === 'number') return [x];
  if (ArrayBuffer.isView(x)) return Array.from(x as ArrayLike<number>);
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v as number);
  };
  walk(x);
  return out;
}

/**
 * Expects `|actual − expected| <= atol + rtol·|expected|` element by element (NumPy's
 * `allclose`; equal values, infinities included, always pass), naming the worst element on failure.
 */
export function expectClose(actual: Values, expected: Values, { atol = 1e-12, rtol = 1e-9 }: { atol?: number; rtol?: number } = {}, what = ''): void {
  const a = flatValues(actual);
  const e = flatValues(expected);
  expect(a.length, `${what} size`).toBe(e.length);
  let worst = -1;
  let worstScore = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - e[i]!);
    const score = a[i] === e[i] ? 0 : Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(e[i]!));
    if (score > worstScore) {
      worstScore = score;
      worst = i;
    }
  }
  if (worstScore > 1) {
    expect.fail(`${what} element ${worst}: actual ${a[worst]}, expected ${e[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}

/** The decimal places and exponent of a printed number such as `'0.0513'` or `'3.20583090e-05'`. */
function printedDigits(s: string): { decimals: number; exp: number } {
  const m = /^-?\d*\.?(\d*)(?:e([+-]?\d+))?$/i.exec(s.trim());
  if (m === null || Number.isNaN(Number(s))) throw new Error(`not a printed number: ${s}`);
  return { decimals: m[1]!.length, exp: m[2] === undefined ? 0 : Number(m[2]) };
}

/**
 * Expects values printed by a reference (a docstring, a doc page) to their printed precision:
 * `|actual − printed| < 10^−d` with `d` the printed decimals. One unit of the last digit admits
 * both rounded and truncated printouts (`0.8670` is 0.867077 truncated). Scientific notation
 * (`2.63401289e-04`) compares at its printed significant digits.
 */
export function expectPrinted(actual: Values, printed: string | readonly string[], what = ''): void {
  const list = typeof printed === 'string' ? [printed] : printed;
  const a = flatValues(actual);
  expect(a.length, `${what} size`).toBe(list.length);
  list.forEach((s, i) => {
    const { decimals, exp } = printedDigits(s);
    const unit = 10 ** (exp - decimals);
    const err = Math.abs(a[i]! - Number(s));
    expect(err < unit, `${what}[${i}]: actual ${a[i]} vs printed ${s} (tolerance ${unit})`).toBe(true);
  });
}

/**
 * Expects values to round to each printed number (NumPy prints rounded): within half a unit of
 * the last printed digit. Stricter than {@link expectPrinted}, for references known to round.
 */
export function expectRounded(actual: Values, printed: readonly string[] | string, what = ''): void {
  const a = flatValues(actual);
  const p = typeof printed === 'string' ? [printed] : printed;
  expect(a.length, `${what}: length`).toBe(p.length);
  p.forEach((s, i) => {
    const { decimals, exp } = printedDigits(s);
    const tol = 0.5 * 10 ** (exp - decimals) * (1 + 1e-9);
    expect(Math.abs(a[i]! - Number(s)) <= tol, `${what}: entry ${i}: ${a[i]} does not print as ${s} (±${tol})`).toBe(true);
  });
}

/** The spacing of float32 numbers at |x| (one unit in the last place). */
export function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (a === 0) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  return 2 ** (Math.max(e, -126) - 23);
}

/** Expects float32 `actual` within `n` float32 ulps of each printed float32 number. */
export function expectFloat32Ulps(actual: Values, printed: readonly string[] | string, n: number, what = ''): void {
  const a = flatValues(actual);
  const p = typeof printed === 'string' ? [printed] : printed;
  expect(a.length).toBe(p.length);
  p.forEach((s, i) => {
    const e = Number(s);
    const d = Math.abs(a[i]! - e) / ulp32(e);
    expect(d <= n, `${what}: entry ${i}: ${a[i]} is ${d.toFixed(2)} float32 ulps from ${s} (allowed ${n})`).toBe(true);
  });
}

/** Keras `TestCase.assertAlmostEqual(x, y, decimal)` (`np.testing.assert_almost_equal`): |x − y| < 1.5·10^-decimal. */
export function expectKerasAlmostEqual(actual: number, expected: number, decimal = 3): void {
  expect(Math.abs(actual - expected) < 1.5 * 10 ** -decimal, `${actual} vs ${expected} at decimal ${decimal}`).toBe(true);
}

/** Expects every value to be finite (no NaN, no ±Infinity). */
export function expectFinite(x: Values, what = ''): void {
  const a = flatValues(x);
  const bad = a.findIndex((v) => !Number.isFinite(v));
  expect(bad, `${what}: element ${bad} is ${a[bad]}`).toBe(-1);
}
