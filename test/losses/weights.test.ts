/**
 * alphaFromCounts: Cui et al. 2019 ("Class-Balanced Loss Based on Effective Number of Samples",
 * arXiv 1901.05555) effective-number weights and inverse-frequency weights, against values worked
 * out by hand here, and its argument errors.
 */
import { describe, expect, it } from 'vitest';
import { ValueError } from '@focalgrad/tensor';
import { CategoricalFocalCrossentropy, alphaFromCounts } from '@focalgrad/losses';
import { expectClose } from './harness.js';

describe('alphaFromCounts', () => {
  it("'inverse': 1/n_c rescaled to sum to C — [100, 10, 1] → 3/1.11 · [0.01, 0.1, 1]", () => {
    // 1/100 + 1/10 + 1/1 = 1.11; × 3 / 1.11 = 2.7027027…
    expectClose(alphaFromCounts([100, 10, 1], { method: 'inverse' }), [0.027027027027027, 0.27027027027027, 2.7027027027027], { atol: 0, rtol: 1e-12 });
    expectClose(alphaFromCounts([100, 10, 1], { method: 'inverse', normalize: false }), [0.01, 0.1, 1], { atol: 0, rtol: 1e-15 });
    expectClose(alphaFromCounts([0.9, 0.1], { method: 'inverse' }), [0.2, 1.8], { atol: 0, rtol: 1e-14 }); // frequencies work too
  });

  it("'effective' (β = 0.9): (1 − β)/(1 − β^n) for n = 100, 10, 1, rescaled to sum to 3", () => {
    // 1 − 0.9^100 = 0.9999734386; 1 − 0.9^10 = 0.6513215599; 1 − 0.9 = 0.1
    const raw = [0.1 / (1 - 0.9 ** 100), 0.1 / 0.6513215599, 1];
    expectClose(alphaFromCounts([100, 10, 1], { beta: 0.9, normalize: false }), raw, { atol: 0, rtol: 1e-9 });
    const s = raw[0]! + raw[1]! + raw[2]!; // 0.1000026562 + 0.1535339933 + 1 = 1.2535366495
    expectClose(alphaFromCounts([100, 10, 1], { beta: 0.9 }), raw.map((v) => (3 * v) / s), { atol: 0, rtol: 1e-9 });
    expectClose(alphaFromCounts([100, 10, 1], { beta: 0.9 }), [0.2393292, 0.3674420, 2.3932288], { atol: 0, rtol: 1e-6 });
  });

  it('defaults: effective with β = 0.999; weights sum to the number of classes', () => {
    const w = alphaFromCounts([5000, 500, 50, 5]);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 12);
    const raw = [5000, 500, 50, 5].map((n) => 0.001 / (1 - 0.999 ** n));
    const s = raw.reduce((a, b) => a + b, 0);
    expectClose(w, raw.map((v) => (4 * v) / s), { atol: 0, rtol: 1e-10 });
  });

  it('β = 0 gives equal weights; β → 1 approaches inverse frequency', () => {
    expectClose(alphaFromCounts([1000, 10, 3], { beta: 0 }), [1, 1, 1], { atol: 0, rtol: 1e-15 });
    expectClose(alphaFromCounts([1000, 10, 3], { beta: 1 - 1e-9 }), alphaFromCounts([1000, 10, 3], { method: 'inverse' }), { atol: 0, rtol: 1e-5 });
  });

  it('plugs into a loss as alpha', () => {
    const loss = new CategoricalFocalCrossentropy({ alpha: alphaFromCounts([90, 9, 1]) });
    expect(loss.call([[0, 0, 1]], [[0.5, 0.3, 0.2]]).item()).toBeGreaterThan(0);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['zero count', () => alphaFromCounts([10, 0, 3]), /argument 'counts\[1\]' expected a finite number > 0.*got 0/],
    ['negative count', () => alphaFromCounts([10, -1], { method: 'inverse' }), /'counts\[1\]' expected a finite number > 0/],
    ['non-integer count for effective', () => alphaFromCounts([10, 2.5]), /'counts\[1\]' expected an integer number of samples for method 'effective', got 2.5/],
    ['empty counts', () => alphaFromCounts([]), /argument 'counts' expected a non-empty array/],
    ['beta = 1', () => alphaFromCounts([1, 2], { beta: 1 }), /argument 'beta' expected a number in \[0, 1\), got 1/],
    ['negative beta', () => alphaFromCounts([1, 2], { beta: -0.1 }), /argument 'beta'/],
    ['unknown method', () => alphaFromCounts([1, 2], { method: 'sqrt' as never }), /argument 'method' expected 'inverse' or 'effective', got "sqrt"/],
    ['normalize not boolean', () => alphaFromCounts([1, 2], { normalize: 'yes' as never }), /argument 'normalize' expected a boolean/],
  ];
  for (const [name, f, re] of bad) {
    it(`rejects ${name}`, () => {
      expect(f).toThrow(ValueError);
      expect(f).toThrow(re);
    });
  }
});
