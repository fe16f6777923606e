// The logit-adjusted crossentropy beyond the value table of losses.test.ts: its identities, the
// labels' rank rule, ignoreClass, and its argument errors.
import { LogitAdjustedCrossentropy, SparseCategoricalCrossentropy, logitAdjustedCrossentropy, sparseCategoricalCrossentropy } from '@focalgrad/losses';
import { ShapeError, ValueError, grad, tensor } from '@focalgrad/tensor';
import { describe, expect, it } from 'vitest';

const Z = tensor([[2.0, 0.5, -1.0], [0.1, 0.3, 0.2], [-0.4, 1.2, 0.9]], { dtype: 'float64' });
const LABELS = [0, 2, 1];
const ONE_HOT = [[1, 0, 0], [0, 0, 1], [0, 1, 0]];
const PRIORS = [0.7, 0.2, 0.1];

const values = (t: { toArray(): unknown }) => t.toArray() as number[];

describe('logitAdjustedCrossentropy', () => {
  it('is the plain crossentropy at τ = 0, and with uniform priors', () => {
    const plain = values(sparseCategoricalCrossentropy(LABELS, Z, { fromLogits: true }));
    for (const o of [{ priors: PRIORS, tau: 0 }, { priors: [5, 5, 5] }]) {
      values(logitAdjustedCrossentropy(LABELS, Z, o)).forEach((v, i) => expect(v).toBeCloseTo(plain[i]!, 14));
    }
  });

  it('gives the same losses and gradients for integer and one-hot labels', () => {
    const a = values(logitAdjustedCrossentropy(LABELS, Z, { priors: PRIORS }));
    const b = values(logitAdjustedCrossentropy(ONE_HOT, Z, { priors: PRIORS }));
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 14));
    const ga = grad((z) => logitAdjustedCrossentropy(LABELS, z, { priors: PRIORS }).sum())(Z).data;
    const gb = grad((z) => logitAdjustedCrossentropy(ONE_HOT, z, { priors: PRIORS }).sum())(Z).data;
    ga.forEach((v, i) => expect(v).toBeCloseTo(gb[i]!, 14));
  });

  it('has the gradient softmax(z + τ log π) − y', () => {
    const g = grad((z) => logitAdjustedCrossentropy(LABELS, z, { priors: PRIORS, tau: 1.5 }).sum())(Z).data;
    const zs = Z.toArray() as number[][];
    zs.forEach((row, r) => {
      const s = row.map((v, k) => Math.exp(v + 1.5 * Math.log(PRIORS[k]!)));
      const total = s.reduce((a, b) => a + b, 0);
      row.forEach((_, k) => expect(g[r * 3 + k]).toBeCloseTo(s[k]! / total - (LABELS[r] === k ? 1 : 0), 14));
    });
  });

  it('masks ignoreClass out of the class reduction as the sparse crossentropy does', () => {
    const loss = new LogitAdjustedCrossentropy({ priors: [1, 1, 1], ignoreClass: 2 }).call(LABELS, Z).item();
    const want = new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 2 }).call(LABELS, Z).item();
    expect(loss).toBeCloseTo(want, 14);
  });

  it('round-trips its config', () => {
    const loss = new LogitAdjustedCrossentropy({ priors: [900, 90, 10], tau: 0.5, reduction: 'sum' });
    expect(LogitAdjustedCrossentropy.fromConfig(loss.getConfig()).getConfig()).toEqual(loss.getConfig());
  });

  it('raises typed errors that name the argument', () => {
    expect(() => logitAdjustedCrossentropy(LABELS, Z, {})).toThrow(ValueError);
    expect(() => logitAdjustedCrossentropy(LABELS, Z, {})).toThrow(/priors/);
    expect(() => logitAdjustedCrossentropy(LABELS, Z, { priors: [0.5, 0.5] })).toThrow(ShapeError);
    expect(() => logitAdjustedCrossentropy(LABELS, Z, { priors: [0.5, 0, 0.5] })).toThrow(/priors.*> 0/);
    expect(() => logitAdjustedCrossentropy(LABELS, Z, { priors: PRIORS, tau: -1 })).toThrow(/tau/);
    expect(() => logitAdjustedCrossentropy(LABELS, Z, { priors: PRIORS, labelSmoothing: 0.1 })).toThrow(/labelSmoothing.*one-hot/);
    expect(() => logitAdjustedCrossentropy(ONE_HOT, Z, { priors: PRIORS, ignoreClass: 1 })).toThrow(/ignoreClass.*integer labels/);
    expect(() => logitAdjustedCrossentropy([[[0]]], Z, { priors: PRIORS })).toThrow(ShapeError);
    expect(() => new LogitAdjustedCrossentropy({})).toThrow(/priors/);
    expect(() => new LogitAdjustedCrossentropy({ priors: [1, -1] })).toThrow(/priors/);
  });
});

describe('option keys', () => {
  it('rejects a misspelt option of the function and of the class', () => {
    expect(() => logitAdjustedCrossentropy(LABELS, Z, { priors: PRIORS, temperature: 2 } as never)).toThrow(/temperature/);
    expect(() => new LogitAdjustedCrossentropy({ priors: PRIORS, temperature: 2 } as never)).toThrow(/temperature/);
  });
});
