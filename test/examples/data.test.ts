import { Rng } from '@focalgrad/tensor';
import { describe, expect, it } from 'vitest';
import {
  apportion,
  classCounts,
  longTailPriors,
  makeBinary,
  makeMulticlass,
  minibatches,
  trainTestSplit,
  type Dataset,
} from '../../examples/src/data.js';

function rowKey(d: Dataset, i: number): string {
  return `${d.y[i]}:${Array.from(d.x.subarray(i * d.dim, (i + 1) * d.dim)).join(',')}`;
}

describe('makeBinary', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = makeBinary({ n: 500, dim: 3, positiveRate: 0.05, seed: 7 });
    const b = makeBinary({ n: 500, dim: 3, positiveRate: 0.05, seed: 7 });
    const c = makeBinary({ n: 500, dim: 3, positiveRate: 0.05, seed: 8 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
  });

  it.each([
    [0.5, 5000],
    [0.1, 1000],
    [0.01, 100],
    [0.001, 10],
  ])('hits a positive rate of %f exactly (%i of 10000)', (rate, pos) => {
    for (const seed of [0, 1]) {
      const d = makeBinary({ n: 10000, positiveRate: rate, seed });
      expect(classCounts(d.y, 2)).toEqual([10000 - pos, pos]);
    }
  });

  it('rounds a fractional count and keeps at least one positive', () => {
    // round(1234 · 0.01) = round(12.34) = 12; round(50 · 0.001) = 0 → clamped to 1.
    expect(classCounts(makeBinary({ n: 1234, positiveRate: 0.01 }).y, 2)).toEqual([1222, 12]);
    expect(classCounts(makeBinary({ n: 50, positiveRate: 0.001 }).y, 2)).toEqual([49, 1]);
  });

  it('puts the class means `separation` apart', () => {
    const d = makeBinary({ n: 20000, dim: 4, positiveRate: 0.5, separation: 3, seed: 2 });
    const mean = [0, 1].map((c) => {
      const m = new Array(d.dim).fill(0);
      let k = 0;
      for (let i = 0; i < d.n; i++) {
        if (d.y[i] !== c) continue;
        k++;
        for (let j = 0; j < d.dim; j++) m[j] += d.x[i * d.dim + j]!;
      }
      return m.map((v) => v / k);
    });
    const dist = Math.hypot(...mean[0]!.map((v, j) => v - mean[1]![j]!));
    // Each mean has standard error 1/√10000 = 0.01 per coordinate; 0.1 is > 5 standard errors of the distance.
    expect(Math.abs(dist - 3)).toBeLessThan(0.1);
  });

  it('rejects bad options', () => {
    expect(() => makeBinary({ positiveRate: 0 })).toThrow(RangeError);
    expect(() => makeBinary({ positiveRate: 1 })).toThrow(RangeError);
    expect(() => makeBinary({ dim: 0 })).toThrow(RangeError);
  });
});

describe('makeMulticlass', () => {
  it('is deterministic for a seed', () => {
    const a = makeMulticlass({ n: 600, seed: 3 });
    const b = makeMulticlass({ n: 600, seed: 3 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(makeMulticlass({ n: 600, seed: 4 }).x)).not.toEqual(Array.from(a.x));
  });

  it('has exact long-tailed counts with the requested head-to-tail ratio', () => {
    const priors = longTailPriors(6, 100);
    expect(priors[0]! / priors[5]!).toBeCloseTo(100, 10);
    expect(priors.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const d = makeMulticlass({ n: 6000, numClasses: 6, imbalance: 100, seed: 0 });
    const counts = classCounts(d.y, 6);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6000);
    counts.forEach((c, k) => expect(Math.abs(c - 6000 * priors[k]!)).toBeLessThan(1));
    // π_k ∝ 100^(−k/5) = 1, .39811, .15849, .06310, .02512, .01 (Σ = 1.65481), so the shares of 6000 are
    // 3625.79, 1443.45, 574.65, 228.77, 91.08, 36.26: floors sum to 5997, and the 3 leftover units go to
    // the largest remainders (.79, .77, .65) → 3626, 1443, 575, 229, 91, 36.
    expect(counts).toEqual([3626, 1443, 575, 229, 91, 36]);
    // Same counts for every seed.
    expect(classCounts(makeMulticlass({ n: 6000, seed: 9 }).y, 6)).toEqual(counts);
  });
});

describe('apportion', () => {
  it('sums to n by largest remainder', () => {
    // shares of 10 by [1, 1, 1]: 3.33 each → floors 3, 3, 3, the leftover unit to index 0.
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    // shares of 7 by [0.5, 0.3, 0.2]: 3.5, 2.1, 1.4 → 3, 2, 1 and the leftover to the 0.5 remainder.
    expect(apportion(7, [0.5, 0.3, 0.2])).toEqual([4, 2, 1]);
  });
  it('raises tiny shares to the minimum, taking from the largest', () => {
    // shares of 10 by [1000, 1]: 9.99, 0.00999 → 10, 0 → the second is raised to 1.
    expect(apportion(10, [1000, 1])).toEqual([9, 1]);
  });
});

describe('trainTestSplit', () => {
  it('is stratified, disjoint, complete and deterministic', () => {
    const d = makeBinary({ n: 2000, positiveRate: 0.01, seed: 1 });
    const { train, test } = trainTestSplit(d, 0.25, 5);
    // 20 positives → round(20 · 0.25) = 5 in test; 1980 negatives → 495.
    expect(classCounts(test.y, 2)).toEqual([495, 5]);
    expect(classCounts(train.y, 2)).toEqual([1485, 15]);
    const all = [...Array.from({ length: train.n }, (_, i) => rowKey(train, i)), ...Array.from({ length: test.n }, (_, i) => rowKey(test, i))];
    const orig = Array.from({ length: d.n }, (_, i) => rowKey(d, i));
    expect(all.slice().sort()).toEqual(orig.slice().sort());
    const again = trainTestSplit(d, 0.25, 5);
    expect(Array.from(again.test.x)).toEqual(Array.from(test.x));
  });

  it('keeps a class of two rows on both sides', () => {
    const d = makeBinary({ n: 200, positiveRate: 0.01, seed: 1 }); // 2 positives
    const { train, test } = trainTestSplit(d, 0.1);
    expect(classCounts(test.y, 2)[1]).toBe(1);
    expect(classCounts(train.y, 2)[1]).toBe(1);
  });
});

describe('minibatches', () => {
  it('covers every row once per epoch, in a seeded order', () => {
    const d = makeBinary({ n: 103, positiveRate: 0.1, seed: 0 });
    const epoch = (rng: Rng): number[][] => [...minibatches(d, 25, rng)].map((b) => b.idx);
    const r1 = new Rng(11);
    const r2 = new Rng(11);
    const e1 = epoch(r1);
    expect(e1.map((b) => b.length)).toEqual([25, 25, 25, 25, 3]);
    expect(e1.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(epoch(r2)).toEqual(e1);
    const e2 = epoch(r1);
    expect(e2.flat()).not.toEqual(e1.flat());
    expect(epoch(r2)).toEqual(e2);
  });

  it('yields tensors holding the selected rows', () => {
    const d = makeBinary({ n: 10, dim: 3, positiveRate: 0.2, seed: 0 });
    const [b] = [...minibatches(d, 4, new Rng(0))];
    expect(b!.x.shape).toEqual([4, 3]);
    expect(b!.y.dtype).toBe('int32');
    b!.idx.forEach((r, i) => {
      expect(b!.y.data[i]).toBe(d.y[r]);
      expect(Array.from(b!.x.data.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(d.x.subarray(r * 3, r * 3 + 3)));
    });
  });
});
