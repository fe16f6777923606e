/**
 * Shared test harness for the losses (binary and categorical): one line per case checks the
 * forward value, the gradient with respect to the predictions (`gradcheck`) and the second
 * derivative (`gradgradcheck`), both in float64, or — for extreme inputs — that the value, the
 * gradient and optionally the second derivative are finite.
 *
 * ```ts
 * testLossCases([
 *   { name: 'logits γ=2', loss: (t, p) => bfce(t, p, { fromLogits: true }), yTrue, yPred },
 *   { name: 'saturated', loss, yTrue, yPred: [[1e4, -1e4]], check: 'finite' },
 * ]);
 * ```
 */
import { expect, it } from 'vitest';
import {
  Rng,
  Tensor,
  grad,
  gradcheck,
  gradgradcheck,
  mul,
  sum,
  tensor,
  vjp,
  type DType,
  type GradcheckOptions,
  type NestedArray,
  type TensorLike,
} from '@focalgrad/tensor';

// ---------------------------------------------------------------------------------------------
// Values

/** Anything the value checks accept. */
export type Values = Tensor | number | ArrayLike<number> | NestedArray;

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
 * `allclose`), naming the worst element on failure.
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

/**
 * Expects values printed by a reference (a docstring, a doc page) to their printed precision:
 * `|actual − printed| < 10^−d` with `d` the printed decimals. One unit of the last digit admits
 * both rounded and truncated printouts (focal-semantics §9.8: `0.8670` is 0.867077 truncated).
 * Scientific notation (`2.63401289e-04`) compares at its printed significant digits.
 */
export function expectPrinted(actual: Values, printed: string | readonly string[], what = ''): void {
  const list = typeof printed === 'string' ? [printed] : printed;
  const a = flatValues(actual);
  expect(a.length, `${what} size`).toBe(list.length);
  list.forEach((s, i) => {
    const v = Number(s);
    const m = /^-?\d*\.?(\d*)(?:e([+-]?\d+))?$/i.exec(s.trim());
    if (m === null || Number.isNaN(v)) throw new Error(`not a printed number: ${s}`);
    const unit = 10 ** (-(m[1]!.length) + (m[2] === undefined ? 0 : Number(m[2])));
    const err = Math.abs(a[i]! - v);
    expect(err < unit, `${what}[${i}]: actual ${a[i]} vs printed ${s} (tolerance ${unit})`).toBe(true);
  });
}

/** Expects every value to be finite (no NaN, no ±Infinity). */
export function expectFinite(x: Values, what = ''): void {
  const a = flatValues(x);
  const bad = a.findIndex((v) => !Number.isFinite(v));
  expect(bad, `${what}: element ${bad} is ${a[bad]}`).toBe(-1);
}

// ---------------------------------------------------------------------------------------------
// Cases

/**
 * One test case of a loss `loss(yTrue, yPred)`. By default it checks the forward value (when
 * `expected` is given) and runs `gradcheck` and `gradgradcheck` with respect to `yPred` in float64.
 */
export interface LossCase {
  /** The test's name. */
  name: string;
  /** The loss as a function of labels and predictions (any output shape). */
  loss: (yTrue: Tensor, yPred: Tensor) => Tensor;
  /** Labels (an int32 tensor stays int32; anything else becomes float64 for the gradient checks). */
  yTrue: TensorLike;
  /** Predictions. */
  yPred: TensorLike;
  /** The expected forward value (computed on the inputs in `dtype`). */
  expected?: Values;
  /** Tolerances of the forward check. */
  tol?: { atol?: number; rtol?: number };
  /** The dtype of the forward check (default float64). */
  dtype?: DType;
  /**
   * `'grad'` (default): gradcheck + gradgradcheck. `'finite'`: value, gradient and (unless
   * `second: false`) second derivative are finite — for extreme inputs. `'value'`: forward only.
   */
  check?: 'grad' | 'finite' | 'value';
  /** With `check: 'finite'`, also require a finite second derivative (default true). */
  second?: boolean;
  /** Options passed to gradcheck / gradgradcheck. */
  gradOptions?: GradcheckOptions;
}

function asTensor(x: TensorLike, dtype: DType): Tensor {
  if (x instanceof Tensor) return x.dtype === 'int32' || x.dtype === dtype ? x : tensor(x, { dtype });
  return tensor(x, { dtype });
}

/** Runs one {@link LossCase} (call inside a test). */
export function runLossCase(c: LossCase): void {
  const check = c.check ?? 'grad';
  if (c.expected !== undefined) {
    const dtype = c.dtype ?? 'float64';
    const v = c.loss(asTensor(c.yTrue, dtype), asTensor(c.yPred, dtype));
    expectClose(v, c.expected, c.tol ?? (dtype === 'float32' ? { atol: 1e-6, rtol: 1e-5 } : { atol: 1e-12, rtol: 1e-9 }), `${c.name} value`);
  }
  const yt = asTensor(c.yTrue, 'float64');
  const yp = asTensor(c.yPred, 'float64');
  if (check === 'grad') {
    const opts = { wrt: [1], ...c.gradOptions };
    const r1 = gradcheck(c.loss, [yt, yp], opts);
    expect(r1.ok, `${c.name} gradcheck: ${r1.message}`).toBe(true);
    const r2 = gradgradcheck(c.loss, [yt, yp], opts);
    expect(r2.ok, `${c.name} gradgradcheck: ${r2.message}`).toBe(true);
  } else if (check === 'finite') {
    const value = c.loss(yt, yp);
    expectFinite(value, `${c.name} value`);
    const total = (p: Tensor): Tensor => sum(c.loss(yt, p));
    const g1 = grad(total)(yp);
    expectFinite(g1, `${c.name} gradient`);
    if (c.second ?? true) {
      const rng = new Rng(17);
      const v = new Tensor(new Float64Array(yp.size).map(() => rng.normal()), yp.shape);
      const g2 = grad((p: Tensor) => sum(mul(grad(total)(p), v)))(yp);
      expectFinite(g2, `${c.name} second derivative`);
    }
  }
}

/** Registers one vitest test per case. */
export function testLossCases(cases: readonly LossCase[]): void {
  for (const c of cases) it(c.name, () => runLossCase(c));
}

/**
 * The gradient of `sum(loss(yTrue, yPred) · cotangent)` with respect to `yPred` (via `vjp`), as a
 * flat array — for comparing the gradients of two losses.
 */
export function lossGrad(loss: (yTrue: Tensor, yPred: Tensor) => Tensor, yTrue: TensorLike, yPred: TensorLike, dtype: DType = 'float64'): number[] {
  const yt = asTensor(yTrue, dtype);
  const [out, back] = vjp((p: Tensor) => loss(yt, p), asTensor(yPred, dtype));
  const ct = new Tensor(dtype === 'float32' ? new Float32Array(out.size).fill(1) : new Float64Array(out.size).fill(1), out.shape);
  return Array.from(back(ct)[0]!.data);
}

/** Seeded uniform numbers in `[lo, hi)`, as a nested array of `shape` (for one-line cases). */
export function uniform(shape: readonly number[], lo: number, hi: number, seed: number): NestedArray {
  const rng = new Rng(seed);
  const build = (d: number): NestedArray =>
    d === shape.length - 1
      ? Array.from({ length: shape[d]! }, () => lo + (hi - lo) * rng.uniform())
      : (Array.from({ length: shape[d]! }, () => build(d + 1)) as NestedArray);
  return shape.length === 0 ? [] : build(0);
}

/** Seeded 0/1 labels of `shape` (probability `pos` of a 1). */
export function bernoulli(shape: readonly number[], pos: number, seed: number): NestedArray {
  const rng = new Rng(seed);
  const build = (d: number): NestedArray =>
    d === shape.length - 1 ? Array.from({ length: shape[d]! }, () => (rng.uniform() < pos ? 1 : 0)) : (Array.from({ length: shape[d]! }, () => build(d + 1)) as NestedArray);
  return shape.length === 0 ? [] : build(0);
}
