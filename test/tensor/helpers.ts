/**
 * The shared op-test harness, after teenygrad's `helper_test_op` (test/test_ops.py): one line per
 * op checks the forward value against a plain-JS reference, the gradient against finite
 * differences (`gradcheck`), the second derivative (`gradgradcheck`), that `.backward()` agrees with
 * the functional `vjp`, that float32 inputs give a float32 result of float32 accuracy, and,
 * optionally, that saturated inputs (±1e4) give finite values and finite gradients.
 */
import { expect, it } from 'vitest';
import {
  Rng,
  Tensor,
  gradcheck,
  gradgradcheck,
  tensor,
  vjp,
  type DType,
  type GradcheckOptions,
  type NestedArray,
} from '@focalgrad/tensor';
import * as R from './ref.js';

// ---------------------------------------------------------------------------------------------
// allClose

/** Anything the closeness checks accept. */
export type Numeric = Tensor | R.Arr | number | ArrayLike<number> | NestedArray | readonly unknown[];

/** Tolerances: |actual − expected| <= atol + rtol·|expected| (NumPy's `allclose`). */
export interface Tol {
  atol?: number;
  rtol?: number;
}

function flat(x: Numeric): { shape: number[] | null; data: number[] } {
  if (x instanceof Tensor) return { shape: x.shape.slice(), data: Array.from(x.data) };
  if (typeof x === 'number') return { shape: [], data: [x] };
  if (typeof x === 'object' && x !== null && 'shape' in x && 'data' in x && (x as R.Arr).data instanceof Float64Array) {
    return { shape: (x as R.Arr).shape.slice(), data: Array.from((x as R.Arr).data) };
  }
  if (ArrayBuffer.isView(x)) return { shape: [(x as unknown as ArrayLike<number>).length], data: Array.from(x as unknown as ArrayLike<number>) };
  // Nested arrays: infer the shape from the first elements, flatten depth-first.
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  const data: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else data.push(v as number);
  };
  walk(x);
  return { shape, data };
}

const same = (a: number, b: number, atol: number, rtol: number): boolean => {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
};

/**
 * Compares element by element; returns `null` when close, otherwise a message naming the shape
 * mismatch or the worst element (index, actual, expected, error, tolerance) and how many differ.
 */
export function allCloseReport(actual: Numeric, expected: Numeric, { atol = 1e-8, rtol = 1e-6 }: Tol = {}): string | null {
  const a = flat(actual);
  const e = flat(expected);
  if (a.shape !== null && e.shape !== null && (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape![i]))) {
    // A number compared with a one-element array is fine; anything else is a shape mismatch.
    if (!(a.data.length === e.data.length && (a.shape.length === 0 || e.shape.length === 0))) {
      return `shape mismatch: actual [${a.shape.join(', ')}], expected [${e.shape.join(', ')}]`;
    }
  }
  if (a.data.length !== e.data.length) return `size mismatch: actual ${a.data.length} elements, expected ${e.data.length}`;
  let bad = 0;
  let worst = -1;
  let worstScore = -1;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = e.data[i]!;
    if (same(x, y, atol, rtol)) continue;
    bad++;
    const score = Number.isFinite(x - y) ? Math.abs(x - y) / (atol + rtol * Math.abs(y)) : Infinity;
    if (score > worstScore) {
      worstScore = score;
      worst = i;
    }
  }
  if (bad === 0) return null;
  const shape = e.shape ?? a.shape ?? [e.data.length];
  const idx = shape.length ? R.unravel(worst, shape) : [];
  const x = a.data[worst]!;
  const y = e.data[worst]!;
  return (
    `${bad} of ${a.data.length} elements differ (atol ${atol}, rtol ${rtol}); worst at [${idx.join(', ')}]: ` +
    `actual ${x}, expected ${y}, |diff| ${Math.abs(x - y)}` +
    (a.data.length <= 12 ? `\n  actual:   [${a.data.join(', ')}]\n  expected: [${e.data.join(', ')}]` : '')
  );
}

/** Fails the test with an informative message unless `actual` is close to `expected`. */
export function expectAllClose(actual: Numeric, expected: Numeric, tol: Tol = {}, label = ''): void {
  const msg = allCloseReport(actual, expected, tol);
  if (msg !== null) expect.fail(`${label ? `${label}: ` : ''}${msg}`);
}

interface CustomMatchers<R = unknown> {
  /** NumPy-style allclose with an informative failure message. */
  toBeAllClose(expected: Numeric, tol?: Tol): R;
}
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends CustomMatchers<T> {}
}

expect.extend({
  toBeAllClose(received: Numeric, expected: Numeric, tol?: Tol) {
    const msg = allCloseReport(received, expected, tol);
    return {
      pass: msg === null,
      message: () => (msg === null ? 'expected values not to be all close' : msg),
    };
  },
});

/** Asserts every element is finite, naming the first that is not. */
export function expectFinite(t: Tensor, label = ''): void {
  const i = t.data.findIndex((v) => !Number.isFinite(v));
  if (i !== -1) {
    expect.fail(`${label ? `${label}: ` : ''}element ${i} of a tensor of shape [${t.shape.join(', ')}] is ${t.data[i]}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Input generators

/** Makes the values of one random input. */
export type Gen = (rng: Rng, shape: readonly number[]) => ArrayLike<number>;

const count = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Uniform in `[low, high)`. */
export const uniform = (low: number, high: number): Gen => (rng, shape) =>
  Float64Array.from({ length: count(shape) }, () => low + (high - low) * rng.uniform());

/** Uniform in `[low, high)`, redrawn until at least `margin` from every point in `kinks`. */
export const awayFrom = (kinks: readonly number[], margin: number, low: number, high: number): Gen => (rng, shape) =>
  Float64Array.from({ length: count(shape) }, () => {
    for (;;) {
      const v = low + (high - low) * rng.uniform();
      if (kinks.every((k) => Math.abs(v - k) >= margin)) return v;
    }
  });

/** Uniform magnitude in `[low, high)` with a random sign (for divisors: away from 0). */
export const signed = (low: number, high: number): Gen => (rng, shape) =>
  Float64Array.from({ length: count(shape) }, () => (rng.uniform() < 0.5 ? -1 : 1) * (low + (high - low) * rng.uniform()));

/**
 * Pairwise-distinct values `start + step·k` for a random permutation of k (no ties: the
 * maximum and minimum are unique by at least `step`, far beyond gradcheck's step of 1e-6).
 */
export const distinct = (start = -2, step = 0.1): Gen => (rng, shape) => {
  const perm = rng.permutation(count(shape));
  return Float64Array.from(perm, (k) => start + step * k);
};

/** Values on the grid `offset + step·k` (two inputs on offset grids can never tie). */
export const grid = (offset: number, step = 0.1, low = -2, high = 2): Gen => (rng, shape) => {
  const n = Math.floor((high - low) / step);
  return Float64Array.from({ length: count(shape) }, () => low + offset + step * Math.floor(rng.uniform() * n));
};

// ---------------------------------------------------------------------------------------------
// The op harness

/** One op test. */
export interface OpCase {
  /** The test's name. */
  name: string;
  /** The op under test; int32 inputs are passed through and not differentiated. */
  fn: (...xs: Tensor[]) => Tensor;
  /** Shapes of random float64 inputs (uniform in [low, high) unless `gen` says otherwise). */
  shapes?: (readonly number[])[];
  /** Explicit inputs instead of (or, by position, together with) random ones. */
  inputs?: (Tensor | NestedArray | number | undefined)[];
  /** A generator for all random inputs, or one per input. */
  gen?: Gen | (Gen | undefined)[];
  /** Range of the default uniform generator (default [-2, 2)). */
  low?: number;
  high?: number;
  /** The plain-JS reference, on float64 copies of the inputs. */
  reference: (...xs: R.Arr[]) => R.Arr;
  /** Forward tolerance in float64 (default atol 1e-12, rtol 1e-10: only summation order may differ). */
  tol?: Tol;
  /** The output dtype for float64 inputs (default float64). */
  outDtype?: DType;
  /** If set, also evaluate at inputs of ±saturate and require finite values and gradients. */
  saturate?: number;
  /** Skip gradgradcheck (for ops whose second derivative is zero or undefined almost everywhere, say why). */
  skipGradgrad?: boolean;
  /** Skip the float32 forward check. */
  skipFloat32?: boolean;
  /** Inputs to differentiate (default every float input). */
  wrt?: number[];
  /** Seed of the random inputs (default 0). */
  seed?: number;
  /** Extra gradcheck options (eps, seed). Tolerances stay at their defaults. */
  gradcheckOptions?: Pick<GradcheckOptions, 'eps' | 'seed' | 'fullJacobianLimit' | 'directions'>;
}

function makeInputs(c: OpCase): Tensor[] {
  const rng = new Rng(c.seed ?? 0);
  const n = Math.max(c.shapes?.length ?? 0, c.inputs?.length ?? 0);
  const out: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const given = c.inputs?.[i];
    if (given !== undefined) {
      out.push(given instanceof Tensor ? given : tensor(given, { dtype: 'float64' }));
      continue;
    }
    const shape = c.shapes?.[i];
    if (shape === undefined) throw new Error(`${c.name}: input ${i} has neither a shape nor a value`);
    const g = (Array.isArray(c.gen) ? c.gen[i] : c.gen) ?? uniform(c.low ?? -2, c.high ?? 2);
    out.push(tensor(Float64Array.from(g(rng, shape)), { dtype: 'float64' }, shape.slice()));
  }
  return out;
}

const isFloat = (t: Tensor): boolean => t.dtype !== 'int32';

/** Runs every check of the harness on one op (call inside an `it`). */
export function checkOp(c: OpCase): void {
  const xs = makeInputs(c);
  const wrt = c.wrt ?? xs.map((_, i) => i).filter((i) => isFloat(xs[i]!));
  const name = c.name;

  // 1. Forward against the reference, in float64.
  const out = c.fn(...xs);
  expect(out, `${name}: forward returns a Tensor`).toBeInstanceOf(Tensor);
  expect(out.dtype, `${name}: output dtype`).toBe(c.outDtype ?? 'float64');
  const ref = c.reference(...xs.map(R.fromTensor));
  expectAllClose(out, ref, c.tol ?? { atol: 1e-12, rtol: 1e-10 }, `${name}: forward vs reference`);

  // 2. First and second derivatives against finite differences.
  const opts: GradcheckOptions = { ...c.gradcheckOptions, wrt };
  const r1 = gradcheck(c.fn, xs, opts);
  expect(r1.ok, `${name}: gradcheck: ${r1.message}`).toBe(true);
  if (!c.skipGradgrad) {
    const r2 = gradgradcheck(c.fn, xs, opts);
    expect(r2.ok, `${name}: gradgradcheck: ${r2.message}`).toBe(true);
  }

  // 3. `.backward()` on a scalar loss accumulates the same gradients the functional vjp returns.
  //    Loss = mean((out + 1)^2), so dLoss/dout = 2 (out + 1) / N.
  const leaves = xs.map((x, i) => (wrt.includes(i) ? tensor(x, { requiresGrad: true }) : x));
  const y = c.fn(...leaves);
  y.add(1).square().mean().backward();
  const cot = tensor(Float64Array.from(y.data, (v) => (2 * (v + 1)) / y.size), { dtype: 'float64' }, y.shape.slice());
  const sub = (d: Tensor[]): Tensor[] => {
    const all = xs.slice();
    wrt.forEach((i, k) => (all[i] = d[k]!));
    return all;
  };
  const [, back] = vjp((...d: Tensor[]) => c.fn(...sub(d)), ...wrt.map((i) => xs[i]!));
  const expected = back(cot);
  wrt.forEach((i, k) => {
    const g = leaves[i]!.grad;
    expect(g, `${name}: .grad of input ${i} after backward()`).not.toBeNull();
    expect(g!.shape, `${name}: .grad shape of input ${i}`).toEqual(xs[i]!.shape);
    expect(g!.dtype, `${name}: .grad dtype of input ${i}`).toBe(xs[i]!.dtype);
    expectAllClose(g!, expected[k]!, { atol: 1e-12, rtol: 1e-10 }, `${name}: backward() vs vjp for input ${i}`);
  });

  // 4. float32 in, float32 out, with float32 accuracy against the reference on the rounded inputs.
  if (!c.skipFloat32) {
    const x32 = xs.map((x) => (isFloat(x) ? tensor(x, { dtype: 'float32' }) : x));
    const o32 = c.fn(...x32);
    expect(o32.dtype, `${name}: float32 output dtype`).toBe(c.outDtype === 'int32' ? 'int32' : 'float32');
    const ref32 = c.reference(...x32.map(R.fromTensor));
    // float32 has a 24-bit significand (unit roundoff 6e-8); 1e-5 leaves room for a few roundings.
    expectAllClose(o32, ref32, { atol: 1e-5, rtol: 1e-5 }, `${name}: float32 forward`);
  }

  // 5. Saturated inputs: finite values and finite gradients.
  if (c.saturate !== undefined) {
    const rng = new Rng((c.seed ?? 0) + 1);
    const sat = xs.map((x, i) =>
      wrt.includes(i) ? tensor(Float64Array.from(x.data, () => (rng.uniform() < 0.5 ? -1 : 1) * c.saturate!), { dtype: 'float64' }, x.shape.slice()) : x,
    );
    for (const dtype of ['float64', 'float32'] as const) {
      const s = sat.map((x, i) => (wrt.includes(i) ? tensor(x, { dtype }) : x));
      const [o, b] = vjp((...d: Tensor[]) => {
        const all = s.slice();
        wrt.forEach((i, k) => (all[i] = d[k]!));
        return c.fn(...all);
      }, ...wrt.map((i) => s[i]!));
      expectFinite(o, `${name}: ${dtype} value at ±${c.saturate}`);
      const ones = tensor(new Float64Array(o.size).fill(1), { dtype }, o.shape.slice());
      b(ones).forEach((g, k) => expectFinite(g, `${name}: ${dtype} gradient of input ${wrt[k]} at ±${c.saturate}`));
    }
  }
}

/** Registers one `it` per op case: the one-line form used in ops.test.ts. */
export function opTest(c: OpCase): void {
  it(c.name, () => checkOp(c));
}
