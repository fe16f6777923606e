/**
 * The loss-test harness. One {@link lossTest} call per loss and configuration checks its reference
 * values, `gradcheck` and `gradgradcheck` with respect to the predictions in float64, and saturated
 * inputs (logits ±1e4, probabilities exactly 0 and 1): finite value, gradient and second
 * derivative. {@link testLossCases} runs finer-grained one-line cases; the expectations, seeded
 * inputs and plain references the loss tests share are re-exported from here.
 *
 * ```ts
 * lossTest({
 *   name: 'binaryCrossentropy, logits',
 *   loss: (t, p) => binaryCrossentropy(t, p, { fromLogits: true }),
 *   yTrue: [[0, 1], [0, 0]], yPred: [[-1.2, 0.5], [2.1, -0.7]],  // the gradient checks' point
 *   references: [{ yPred: [[-18.6, 0.51], [2.94, -12.8]], printed: ['0.3677', '1.3631'] }], // cite the source
 *   saturated: saturatedLogits([2, 2]),
 * });
 * ```
 */
import { describe, expect, it } from 'vitest';
import {
  Rng,
  Tensor,
  grad,
  gradcheck,
  gradgradcheck,
  mul,
  sum,
  tensor,
  valueAndGrad,
  vjp,
  type DType,
  type GradcheckOptions,
  type NestedArray,
  type TensorLike,
} from '@focalgrad/tensor';
import { expectClose, expectFinite, expectPrinted, type Values } from './expect.js';

export * from './expect.js';
export * from './inputs.js';
export * from './references.js';

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

// ---------------------------------------------------------------------------------------------
// One call per loss and configuration

/** Reference values of a loss at one input, for {@link lossTest}. */
export interface LossReference {
  /** Labels (default: the test's `yTrue`). */
  yTrue?: TensorLike;
  /** Predictions (default: the test's `yPred`). */
  yPred?: TensorLike;
  /** The dtype the inputs are computed in (default float64). */
  dtype?: DType;
  /** Expected values, compared with `tol`. */
  expected?: Values;
  /** Tolerances of `expected` (default atol 1e-12, rtol 1e-9; 1e-6 and 1e-5 in float32). */
  tol?: { atol?: number; rtol?: number };
  /** The reference's printout of the values (compared to its printed digits). */
  printed?: readonly string[];
}

/** A loss and one configuration of it, for {@link lossTest}. */
export interface LossTest {
  /** The name of the describe block. */
  name: string;
  /** The loss as a function of labels and predictions (any output shape). */
  loss: (yTrue: Tensor, yPred: Tensor) => Tensor;
  /** Labels at a regular point (int32 tensors stay int32; anything else becomes float64). */
  yTrue: TensorLike;
  /** Predictions at a regular point (away from clips and kinks): the gradient checks run here, in float64. */
  yPred: TensorLike;
  /** Reference values, each cited to its source where it is written. */
  references?: readonly LossReference[];
  /** Saturated predictions (with the test's labels, unless given): finite value, gradient and second derivative. */
  saturated: TensorLike | { yTrue: TensorLike; yPred: TensorLike };
  /** Options for gradcheck / gradgradcheck. */
  gradOptions?: GradcheckOptions;
}

/** Registers the checks of one loss configuration as a describe block of tests. */
export function lossTest(t: LossTest): void {
  describe(t.name, () => {
    (t.references ?? []).forEach((r, i) => {
      it(`reference values ${i + 1}`, () => {
        const dtype = r.dtype ?? 'float64';
        const v = t.loss(asTensor(r.yTrue ?? t.yTrue, dtype), asTensor(r.yPred ?? t.yPred, dtype));
        if (r.expected !== undefined) expectClose(v, r.expected, r.tol ?? (dtype === 'float32' ? { atol: 1e-6, rtol: 1e-5 } : { atol: 1e-12, rtol: 1e-9 }), 'value');
        if (r.printed !== undefined) expectPrinted(v, r.printed, 'value');
      });
    });
    it('gradcheck and gradgradcheck (float64)', () => runLossCase({ name: t.name, loss: t.loss, yTrue: t.yTrue, yPred: t.yPred, gradOptions: t.gradOptions }));
    it('saturated inputs: finite value, gradient and second derivative', () => {
      const s = t.saturated;
      const sat = typeof s === 'object' && s !== null && !(s instanceof Tensor) && !Array.isArray(s) ? (s as { yTrue: TensorLike; yPred: TensorLike }) : { yTrue: t.yTrue, yPred: s };
      runLossCase({ name: `${t.name} (saturated)`, loss: t.loss, yTrue: sat.yTrue, yPred: sat.yPred, check: 'finite' });
    });
  });
}

/** Logits of ±1e4, alternating, of `shape` (as a nested array). */
export function saturatedLogits(shape: readonly number[]): NestedArray {
  return pattern(shape, (i) => (i % 2 === 0 ? 1e4 : -1e4));
}

/** Probabilities of exactly 1 and 0, alternating, of `shape`. */
export function saturatedProbabilities(shape: readonly number[]): NestedArray {
  return pattern(shape, (i) => (i % 2 === 0 ? 1 : 0));
}

/** Rows of probabilities that are exactly one-hot along the last axis (row `r` hot at `r mod K`). */
export function oneHotProbabilities(rows: number, k: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: k }, (_, j) => (j === r % k ? 1 : 0)));
}

function pattern(shape: readonly number[], f: (flatIndex: number) => number): NestedArray {
  let i = 0;
  const build = (d: number): NestedArray =>
    d === shape.length - 1 ? Array.from({ length: shape[d]! }, () => f(i++)) : (Array.from({ length: shape[d]! }, () => build(d + 1)) as NestedArray);
  return shape.length === 0 ? [] : build(0);
}

// ---------------------------------------------------------------------------------------------
// Gradient checks on several inputs

/** Runs gradcheck and gradgradcheck (float64, full Jacobian for small cases) and expects both to pass. */
export function checkGrads(label: string, f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], wrt: readonly number[], opts: GradcheckOptions = {}): void {
  const r1 = gradcheck(f, inputs, { wrt, ...opts });
  expect(r1.ok, `${label}: gradcheck ${r1.message}`).toBe(true);
  const r2 = gradgradcheck(f, inputs, { wrt, ...opts });
  expect(r2.ok, `${label}: gradgradcheck ${r2.message}`).toBe(true);
}

/** The value of `f(x).sum()` and its gradient in x, both expected finite. */
export function expectFiniteValueAndGrad(label: string, f: (x: Tensor) => Tensor, x: Tensor): { value: Tensor; grad: Tensor } {
  const [v, g] = valueAndGrad((z: Tensor) => f(z).sum())(x);
  const value = f(x);
  for (const d of value.data) expect(Number.isFinite(d), `${label}: value ${Array.from(value.data)}`).toBe(true);
  expect(Number.isFinite(v.item()), `${label}: summed value ${v.item()}`).toBe(true);
  for (const d of g.data) expect(Number.isFinite(d), `${label}: gradient ${Array.from(g.data)}`).toBe(true);
  return { value, grad: g };
}
