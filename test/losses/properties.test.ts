/**
 * Property tests of the focal losses (fast-check, seeded, so every run is the same): for random
 * inputs over the whole range — logits up to ±1e4, probabilities including exactly 0 and 1, γ in
 * [0, 10] with the special values, α, label smoothing and per-class arrays, float32 and float64 —
 * the loss, its gradient and a Hessian-vector product are all finite. 10,000 cases per loss and
 * path, probability paths included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryFocalCrossentropy, binaryFocalLoss, categoricalFocalCrossentropy, sigmoidFocalLoss, sparseCategoricalFocalLoss,
} from '@focalgrad/losses';
import { grad, tensor, type Tensor } from '@focalgrad/tensor';

const RUNS = Number(process.env.FOCALGRAD_PROPERTY_RUNS ?? 10_000);
const SEED = 20261205;

/** Logits over the whole range, weighted toward the saturation thresholds where NaNs hide. */
const logit = fc.oneof(
  fc.double({ min: -1e4, max: 1e4, noNaN: true }),
  fc.double({ min: -30, max: 30, noNaN: true }),
  fc.constantFrom(0, 1e4, -1e4, 17, -17, 19, 52, -52, 88.8, 100, -100, 104, 373, -373, 745, -745, 1000, -1000),
);
/** Probabilities including the endpoints and the clip boundaries. */
const prob = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 1, 1e-45, 1e-7, 1 - 1e-7, 0.5, 5e-324, 1 - 2 ** -53),
);
const gamma = fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(0, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10));
const unit = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.25, 0.75));
const dtype = fc.constantFrom<'float32' | 'float64'>('float32', 'float64');

/** Throws unless the loss, gradient and HVP of `f` at `x` are finite. */
function checkFinite(f: (p: Tensor) => Tensor, x: Tensor): void {
  const value = f(x).item();
  if (!Number.isFinite(value)) throw new Error(`loss ${value}`);
  const g = grad(f)(x);
  for (const v of g.data) if (!Number.isFinite(v)) throw new Error(`gradient ${Array.from(g.data)}`);
  const h = grad((p: Tensor) => grad(f)(p).sum())(x);
  for (const v of h.data) if (!Number.isFinite(v)) throw new Error(`Hessian-vector product ${Array.from(h.data)}`);
}

/** `n` rows of `k` values. */
const rows = <T>(arb: fc.Arbitrary<T>, n: number, k: number) => fc.array(fc.array(arb, { minLength: k, maxLength: k }), { minLength: n, maxLength: n });

/** A gamma or alpha given as one number or one per class. */
const perClass = (arb: fc.Arbitrary<number>, k: number) => fc.oneof(arb, fc.array(arb, { minLength: k, maxLength: k }));

const binaryCase = fc.integer({ min: 1, max: 4 }).chain((k) =>
  fc.record({
    k: fc.constant(k),
    dtype,
    fromLogits: fc.boolean(),
    logits: rows(logit, 2, k),
    probs: rows(prob, 2, k),
    labels: rows(fc.oneof(fc.constantFrom(0, 1), unit), 2, k),
    gamma: perClass(gamma, k),
    alpha: perClass(unit, k),
    smoothing: unit,
    balance: fc.boolean(),
  }),
);

const property = (name: string, arb: fc.Arbitrary<any>, body: (c: any) => void) =>
  it(`${name}: ${RUNS} random cases`, () => {
    fc.assert(fc.property(arb, (c) => body(c)), { numRuns: RUNS, seed: SEED, endOnFailure: true });
  });

describe('focal losses are finite to second order over the whole input range', () => {
  property('binaryFocalCrossentropy from logits', binaryCase, (c) => {
    const y = tensor(c.labels, { dtype: c.dtype });
    const x = tensor(c.logits, { dtype: c.dtype });
    checkFinite((p) => binaryFocalCrossentropy(y, p, { fromLogits: true, gamma: c.gamma, alpha: c.alpha, applyClassBalancing: c.balance, labelSmoothing: c.smoothing }).sum(), x);
  });

  property('sigmoidFocalLoss', binaryCase, (c) => {
    const y = tensor(c.labels, { dtype: c.dtype });
    checkFinite((p) => sigmoidFocalLoss(p, y, { gamma: c.gamma, alpha: c.balance ? c.alpha : -1, reduction: 'sum' }), tensor(c.logits, { dtype: c.dtype }));
  });

  property('binaryFocalLoss', binaryCase, (c) => {
    const y = tensor(c.labels, { dtype: c.dtype });
    const x = tensor(c.fromLogits ? c.logits : c.probs, { dtype: c.dtype });
    checkFinite((p) => binaryFocalLoss(y, p, { gamma: c.gamma, posWeight: c.balance ? c.alpha : null, fromLogits: c.fromLogits, labelSmoothing: c.smoothing }).sum(), x);
  });

  const softmaxCase = fc.integer({ min: 1, max: 5 }).chain((k) =>
    fc.record({
      k: fc.constant(k),
      dtype,
      fromLogits: fc.boolean(),
      logits: rows(logit, 2, k),
      probs: rows(prob, 2, k),
      target: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: 2, maxLength: 2 }),
      gamma: perClass(gamma, k),
      alpha: perClass(unit, k),
      smoothing: unit,
    }),
  );

  property('binaryFocalCrossentropy from probabilities', binaryCase, (c) => {
    const y = tensor(c.labels, { dtype: c.dtype });
    const x = tensor(c.probs, { dtype: c.dtype });
    checkFinite((p) => binaryFocalCrossentropy(y, p, { gamma: c.gamma, alpha: c.alpha, applyClassBalancing: c.balance, labelSmoothing: c.smoothing }).sum(), x);
  });

  property('categoricalFocalCrossentropy from probabilities', softmaxCase, (c) => {
    const y = tensor(c.target.map((t: number) => Array.from({ length: c.k }, (_, j) => (j === t ? 1 : 0))), { dtype: c.dtype });
    // A row of zeros has no distribution to renormalise (a ValueError). The loss depends on a row
    // only through x / Σx, so its exact Hessian scales as 1/(Σx)²: beyond the dtype's range for a
    // row summing to less than 1e-19 (float32) or 1e-154 (float64) unless every class is in the
    // clip zone, where it is 0. Such rows are drawn normalised (same proportions); fully clipped
    // tiny rows, like the one-class row [1e-45], stay as drawn.
    const tiny = c.dtype === 'float32' ? 1e-19 : 1e-154;
    const probs = c.probs.map((drawn: number[]) => {
      const r = c.dtype === 'float32' ? drawn.map(Math.fround) : drawn;
      const s = r.reduce((a: number, b: number) => a + b, 0);
      if (s === 0) return r.map((_, j) => (j === 0 ? 1 : 0));
      const clipped = r.every((v) => v / s < 1e-7 || v / s > 1 - 1e-7);
      return s >= tiny || clipped ? r : r.map((v) => v / s);
    });
    checkFinite((p) => categoricalFocalCrossentropy(y, p, { gamma: c.gamma, alpha: c.alpha, labelSmoothing: c.smoothing }).sum(), tensor(probs, { dtype: c.dtype }));
  });

  property('categoricalFocalCrossentropy from logits', softmaxCase, (c) => {
    const y = tensor(c.target.map((t: number) => Array.from({ length: c.k }, (_, j) => (j === t ? 1 : 0))), { dtype: c.dtype });
    const x = tensor(c.logits, { dtype: c.dtype });
    checkFinite((p) => categoricalFocalCrossentropy(y, p, { fromLogits: true, gamma: c.gamma, alpha: c.alpha, labelSmoothing: c.smoothing }).sum(), x);
  });

  property('sparseCategoricalFocalLoss', softmaxCase, (c) => {
    const y = tensor(c.target, { dtype: 'int32' });
    const x = tensor(c.fromLogits ? c.logits : c.probs, { dtype: c.dtype });
    const classWeight = Array.isArray(c.alpha) ? c.alpha : null;
    checkFinite((p) => sparseCategoricalFocalLoss(y, p, { fromLogits: c.fromLogits, gamma: c.gamma, classWeight }).sum(), x);
  });
});
