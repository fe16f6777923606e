/**
 * Test helpers for the categorical losses: one-line gradient checks (gradcheck + gradgradcheck in
 * float64), value-and-gradient finiteness, "matches the printed number" comparisons, seeded random
 * inputs, and plain-JS float64 reference implementations of each reference's formula, written
 * element by element from the reference sources (no code shared with the package).
 */
import { expect } from 'vitest';
import { Rng, Tensor, gradcheck, gradgradcheck, tensor, valueAndGrad, type GradcheckOptions } from '@focalgrad/tensor';

// ---------------------------------------------------------------------------------------------
// Gradient checks

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

// ---------------------------------------------------------------------------------------------
// Comparisons

/** Flattens a tensor, a number or nested arrays. */
export function flat(x: Tensor | number | readonly unknown[]): number[] {
  if (x instanceof Tensor) return Array.from(x.data);
  if (typeof x === 'number') return [x];
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v as number);
  };
  walk(x);
  return out;
}

/** |a − e| <= atol + rtol·|e| elementwise, with a message naming the worst entry. */
export function expectClose(actual: Tensor | number | readonly unknown[], expected: Tensor | number | readonly unknown[], atol = 1e-12, rtol = 1e-9, label = ''): void {
  const a = flat(actual);
  const e = flat(expected);
  expect(a.length, `${label}: length`).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!);
    expect(ok, `${label}: entry ${i}: ${a[i]} vs ${e[i]} (atol ${atol}, rtol ${rtol})`).toBe(true);
  }
}

/**
 * Half a unit in the last printed digit of a decimal string such as `'0.0513'`, `'3.20583090e-05'`
 * or `'0.040919524'`: a value "matches the printed number" when it is within this of it.
 */
export function halfUlpOfPrinted(s: string): number {
  const m = /^-?(\d*)\.?(\d*)(?:e([-+]?\d+))?$/i.exec(s.trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  const decimals = m[2]!.length;
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  return 0.5 * 10 ** (exp - decimals);
}

/** Expects `actual` to round to each printed number (NumPy-printed strings). */
export function expectPrinted(actual: Tensor | number | readonly number[], printed: readonly string[] | string, label = ''): void {
  const a = flat(actual as Tensor | number | readonly unknown[]);
  const p = typeof printed === 'string' ? [printed] : printed;
  expect(a.length, `${label}: length`).toBe(p.length);
  p.forEach((s, i) => {
    const tol = halfUlpOfPrinted(s) * (1 + 1e-9);
    expect(Math.abs(a[i]! - Number(s)) <= tol, `${label}: entry ${i}: ${a[i]} does not print as ${s} (±${tol})`).toBe(true);
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
export function expectFloat32Ulps(actual: Tensor | number | readonly number[], printed: readonly string[] | string, n: number, label = ''): void {
  const a = flat(actual as Tensor | number | readonly unknown[]);
  const p = typeof printed === 'string' ? [printed] : printed;
  expect(a.length).toBe(p.length);
  p.forEach((s, i) => {
    const e = Number(s);
    const d = Math.abs(a[i]! - e) / ulp32(e);
    expect(d <= n, `${label}: entry ${i}: ${a[i]} is ${d.toFixed(2)} float32 ulps from ${s} (allowed ${n})`).toBe(true);
  });
}

/** Keras `TestCase.assertAlmostEqual(x, y, decimal)` (`np.testing.assert_almost_equal`): |x − y| < 1.5·10^-decimal. */
export function expectKerasAlmostEqual(actual: number, expected: number, decimal = 3): void {
  expect(Math.abs(actual - expected) < 1.5 * 10 ** -decimal, `${actual} vs ${expected} at decimal ${decimal}`).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// Random inputs

/** Seeded float64 normal logits times `scale`. */
export function randLogits(rng: Rng, shape: readonly number[], scale = 2): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.normal() * scale;
  return tensor(d, {}, shape.slice());
}

/** Seeded positive float64 values in [lo, hi) (un-normalised "probabilities"). */
export function randPositive(rng: Rng, shape: readonly number[], lo = 0.05, hi = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = lo + (hi - lo) * rng.uniform();
  return tensor(d, {}, shape.slice());
}

/** Rows normalised to sum 1 along `axis` (a copy). */
export function normalizeAlong(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? axis + x.ndim : axis;
  const K = x.shape[ax]!;
  const inner = x.shape.slice(ax + 1).reduce((p, d) => p * d, 1);
  const outer = x.shape.slice(0, ax).reduce((p, d) => p * d, 1);
  const d = Float64Array.from(x.data);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += d[o * K * inner + k * inner + i]!;
      for (let k = 0; k < K; k++) d[o * K * inner + k * inner + i]! /= s;
    }
  }
  return tensor(d, {}, x.shape.slice());
}

/** Seeded integer labels in [0, k) as an int32 tensor. */
export function randLabels(rng: Rng, shape: readonly number[], k: number): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const d = new Int32Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.min(k - 1, Math.floor(rng.uniform() * k));
  return tensor(d, {}, shape.slice());
}

/** Seeded soft labels (rows summing to 1 along `axis`). */
export function randSoftLabels(rng: Rng, shape: readonly number[], axis: number): Tensor {
  return normalizeAlong(randPositive(rng, shape, 0, 1), axis);
}

/** One-hot rows along the last axis for integer labels. */
export function oneHotRows(labels: readonly number[], k: number): number[][] {
  return labels.map((t) => Array.from({ length: k }, (_, j) => (j === t ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------
// Plain float64 references (rows along the last axis), from the reference sources

const EPS = 1e-7;
const clip = (v: number): number => Math.min(1 - EPS, Math.max(EPS, v));
const softmaxRow = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const logSoftmaxRow = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
};
const perClassArr = (v: number | readonly number[], k: number): number[] => (typeof v === 'number' ? new Array<number>(k).fill(v) : v.slice());

/** Options of {@link refCfce}. */
export interface RefCfceOptions {
  alpha?: number | readonly number[];
  gamma?: number | readonly number[];
  fromLogits?: boolean;
  labelSmoothing?: number;
  /** Follow Keras exactly from logits too (softmax, then the clipped probability path). */
  kerasLogits?: boolean;
}

/**
 * Keras 3 `categorical_focal_crossentropy` per row (losses.py: smooth labels by ls/K, softmax if
 * from logits, renormalise, clip to [eps, 1 − eps], `alpha·(1 − o)^γ·(−y log o)`, sum). With
 * `fromLogits` and not `kerasLogits`: the exact log-softmax form this package uses.
 */
export function refCfce(yTrue: readonly (readonly number[])[], yPred: readonly (readonly number[])[], o: RefCfceOptions = {}): number[] {
  return yPred.map((row, r) => {
    const k = row.length;
    const alpha = perClassArr(o.alpha ?? 0.25, k);
    const gamma = perClassArr(o.gamma ?? 2, k);
    const ls = o.labelSmoothing ?? 0;
    const y = yTrue[r]!.map((v) => v * (1 - ls) + ls / k);
    let loss = 0;
    if (o.fromLogits && !o.kerasLogits) {
      const lp = logSoftmaxRow(row);
      for (let j = 0; j < k; j++) loss += alpha[j]! * (1 - Math.exp(lp[j]!)) ** gamma[j]! * -y[j]! * lp[j]!;
      return loss;
    }
    const p = o.fromLogits ? softmaxRow(row) : row.slice();
    const s = p.reduce((a, b) => a + b, 0);
    for (let j = 0; j < k; j++) {
      const oj = clip(p[j]! / s);
      loss += alpha[j]! * (1 - oj) ** gamma[j]! * -y[j]! * Math.log(oj);
    }
    return loss;
  });
}

/** Keras 3 `categorical_crossentropy` per row (= {@link refCfce} with alpha 1, gamma 0). */
export function refCce(yTrue: readonly (readonly number[])[], yPred: readonly (readonly number[])[], fromLogits = false, labelSmoothing = 0): number[] {
  return refCfce(yTrue, yPred, { alpha: 1, gamma: 0, fromLogits, labelSmoothing });
}

/** Keras 3 `sparse_categorical_crossentropy` per row (backend: renormalise, clip, −log o_t; or −logSoftmax_t). */
export function refScce(labels: readonly number[], yPred: readonly (readonly number[])[], fromLogits = false): number[] {
  return yPred.map((row, r) => {
    const t = labels[r]!;
    if (fromLogits) return -logSoftmaxRow(row)[t]!;
    const s = row.reduce((a, b) => a + b, 0);
    return -Math.log(clip(row[t]! / s));
  });
}

/** Options of {@link refSparseFocal}. */
export interface RefSparseFocalOptions {
  gamma: number | readonly number[];
  classWeight?: readonly number[];
  fromLogits?: boolean;
}

/**
 * focal-loss `sparse_categorical_focal_loss` per row (_categorical_focal_loss.py): logits =
 * y_pred or log(clip(y_pred)); xent = sparse softmax CE of logits; probs = softmax(y_pred) or the
 * raw y_pred; loss = (1 − probs[y])^gamma[y] · xent · class_weight[y].
 */
export function refSparseFocal(labels: readonly number[], yPred: readonly (readonly number[])[], o: RefSparseFocalOptions): number[] {
  return yPred.map((row, r) => {
    const t = labels[r]!;
    const k = row.length;
    const gamma = perClassArr(o.gamma, k);
    const logits = o.fromLogits ? row.slice() : row.map((v) => Math.log(clip(v)));
    const probs = o.fromLogits ? softmaxRow(row) : row.slice();
    const xent = -logSoftmaxRow(logits)[t]!;
    let loss = (1 - probs[t]!) ** gamma[t]! * xent;
    if (o.classWeight) loss *= o.classWeight[t]!;
    return loss;
  });
}

/** Moves `axis` of a float64 tensor to the end (a copy), for "any axis equals permute + last axis". */
export function moveAxisLast(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? axis + x.ndim : axis;
  const perm = [...x.shape.keys()].filter((d) => d !== ax).concat([ax]);
  return x.permute(perm);
}
