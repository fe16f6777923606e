/**
 * The public NaN regression suite: every NaN or infinity report we found for focal losses (and the
 * crossentropies they reduce to) in other libraries' trackers, from `nan-reports.json` — each
 * entry cites its thread (or, where no thread exists, the file whose comment documents it). Every
 * case checks the loss, the gradient and a Hessian-vector product, not only the quantity the
 * report was about.
 *
 * With finite inputs all three must be finite. A few reports use infinite logits (−∞ as a class
 * mask, say): there the loss is its limit — +Infinity where the true value grows without bound,
 * the number otherwise — and the gradient and Hessian-vector product are their (finite) limits,
 * equal to their values at a saturated finite logit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as L from '@focalgrad/losses';
import { expectClose } from './expect.js';
import { ValueError, grad, tensor, type Tensor } from '@focalgrad/tensor';

interface Case {
  loss: string;
  dtype: 'float32' | 'float64';
  yTrue: unknown;
  yPred: unknown;
  options?: Record<string, unknown>;
  quantity: 'loss' | 'grad' | 'hessian';
}
interface Report {
  id: string;
  url: string | null;
  title: string;
  cases: Case[];
}

const reports = JSON.parse(readFileSync(new URL('./nan-reports.json', import.meta.url), 'utf8'), (_k, v) =>
  v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
) as Report[];

const SPARSE = new Set(['sparseCategoricalFocalLoss', 'sparseCategoricalCrossentropy']);

/** The loss as a scalar function of the predictions (labels fixed). */
function lossOf(c: Case): (yPred: Tensor) => Tensor {
  const yTrue = tensor(c.yTrue as number[], { dtype: SPARSE.has(c.loss) ? 'int32' : c.dtype });
  const fn = (L as unknown as Record<string, (a: unknown, b: unknown, o?: unknown) => Tensor>)[c.loss];
  if (typeof fn !== 'function') throw new Error(`no loss ${c.loss}`);
  // torchvision's argument order: (inputs, targets).
  return c.loss === 'sigmoidFocalLoss' ? (p) => fn(p, yTrue, c.options).sum() : (p) => fn(yTrue, p, c.options).sum();
}

/**
 * The limits of the infinite-logit cases, by hand: a binary loss at x → +∞ is
 * (1 − y)·x·(weights) + o(1) and at x → −∞ it is y·|x|·(weights) + o(1), so it is +∞ unless the
 * label is on the winning side, where every term is exponentially small (limit 0). A softmax row
 * with a −∞ logit is the softmax of its other logits, and a label there is +∞.
 */
const LIMITS: Record<string, number> = {
  'pytorch-135359-bce-logits-neg-inf#0': Infinity, // y = 0.9 at −∞ (the report: "gives inf")
  'pytorch-135359-bce-logits-neg-inf#1': 0, // y = 0 at −∞
  'pytorch-135359-bce-logits-neg-inf#3': 0,
  'tf-75256-sigmoid-ce-logits-pos-inf#0': Infinity, // y = 0.9 at +∞ (the report: "gives inf")
  'tf-75256-sigmoid-ce-logits-pos-inf#1': 0, // y = 1 at +∞ (the report: "0 for z = 1")
  'tf-75256-sigmoid-ce-logits-pos-inf#2': 0,
  'tf-75256-sigmoid-ce-logits-pos-inf#3': 0,
  'optax-896-softmax-ce-neg-inf-logit#0': 0, // optax after PR #898: −0.0
  'optax-896-softmax-ce-neg-inf-logit#1': 0,
  // From logits the categorical focal loss uses the exact log-softmax (not Keras's clip), so the
  // target's probability tends to 1 and the loss to 0.
  'optax-896-softmax-ce-neg-inf-logit#2': 0,
  'optax-896-softmax-ce-neg-inf-logit#3': 0,
  'optax-896-softmax-ce-neg-inf-logit#4': 0,
  'optax-896-softmax-ce-neg-inf-logit#5': Math.LN2, // the softmax of [0, 0]
};

/** The predictions with ±∞ replaced by ±1e4, where every loss here has saturated. */
const saturated = (v: unknown): number[] => (Array.isArray(v) ? v.map(saturated) : v === Infinity ? 1e4 : v === -Infinity ? -1e4 : v) as number[];

/** Probabilities outside [0, 1]: out of every probability loss's domain, so a typed error. */
const outsideDomain = (c: Case): boolean =>
  c.options?.fromLogits !== true && c.loss !== 'sigmoidFocalLoss' && (c.yPred as number[]).flat(3).some((v) => !(v >= 0 && v <= 1));

const finiteInputs = (c: Case): boolean => (JSON.stringify(c.yPred) + JSON.stringify(c.yTrue)).match(/null|Infinity/) === null && (c.yPred as number[]).flat(3).every((v) => Number.isFinite(v));

describe('NaN reports from other libraries', () => {
  for (const r of reports) {
    describe(`${r.id} — ${r.url ?? 'no thread'}`, () => {
      r.cases.forEach((c, i) => {
        const title = `case ${i}: ${c.loss}(${JSON.stringify(c.yTrue)}, ${JSON.stringify(c.yPred)}, ${JSON.stringify(c.options ?? {})}) ${c.dtype}`;
        if (outsideDomain(c)) {
          // One ulp above 1 in float32 (the reports' "float leakage"): NaN in the references, a
          // ValueError naming the value here.
          it(`${title} is outside [0, 1]: a typed error`, () => {
            expect(() => lossOf(c)(tensor(c.yPred as number[], { dtype: c.dtype }))).toThrow(ValueError);
            expect(() => lossOf(c)(tensor(c.yPred as number[], { dtype: c.dtype }))).toThrow(/argument 'yPred' expected probabilities \(fromLogits is false\) in \[0, 1\], got 1\.0000001/);
          });
          return;
        }
        if (!finiteInputs(c)) {
          const expected = LIMITS[`${r.id}#${i}`];
          it(`${title}: the limits (loss ${expected})`, () => {
            if (expected === undefined) throw new Error(`no expected limit for ${r.id}#${i}`);
            const f = lossOf(c);
            const x = tensor(c.yPred as number[], { dtype: c.dtype });
            const xs = tensor(saturated(c.yPred), { dtype: c.dtype });
            const value = f(x).item();
            if (expected === Infinity) expect(value).toBe(Infinity);
            else expectClose(value, expected, { atol: 1e-30, rtol: 1e-7 });
            const g = grad(f)(x);
            const hvp = grad((p: Tensor) => grad(f)(p).sum())(x);
            for (const v of [...g.data, ...hvp.data]) expect(Number.isFinite(v), `gradient ${Array.from(g.data)}, HVP ${Array.from(hvp.data)}`).toBe(true);
            // The limits of the derivatives are their values once the logit has saturated.
            expectClose(g, grad(f)(xs), { atol: 1e-30, rtol: 1e-12 }, 'gradient');
            expectClose(hvp, grad((p: Tensor) => grad(f)(p).sum())(xs), { atol: 1e-30, rtol: 1e-12 }, 'HVP');
          });
          return;
        }
        it(`case ${i}: ${c.loss}(${JSON.stringify(c.yTrue)}, ${JSON.stringify(c.yPred)}, ${JSON.stringify(c.options ?? {})}) ${c.dtype}`, () => {
          const f = lossOf(c);
          const x = tensor(c.yPred as number[], { dtype: c.dtype });
          const value = f(x).item();
          const g = grad(f)(x);
          const hvp = grad((p: Tensor) => grad(f)(p).sum())(x);
          expect(Number.isFinite(value), `loss ${value}`).toBe(true);
          for (const v of g.data) expect(Number.isFinite(v), `gradient ${Array.from(g.data)}`).toBe(true);
          for (const v of hvp.data) expect(Number.isFinite(v), `Hessian-vector product ${Array.from(hvp.data)}`).toBe(true);
        });
      });
    });
  }
});
