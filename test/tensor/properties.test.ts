/**
 * Property-based tests (fast-check): random shapes, broadcasts, axis sets and permutations, checked
 * against the independent plain-JS reference in ref.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Rng, ShapeError, type Tensor, add, exp, grad, logSoftmax, logSumExp, max, mean, min, mul, permute, reshape, sum, tensor,
  transpose, zeros,
} from '@focalgrad/tensor';
import { expectAllClose } from './helpers.js';
import * as R from './ref.js';

const RUNS = 60;

const dim = fc.integer({ min: 1, max: 4 });
const shapeArb = (maxRank = 4) => fc.array(dim, { minLength: 0, maxLength: maxRank });

/** A target shape and two shapes that broadcast to it (trailing-aligned, some dims set to 1). */
const broadcastPair = shapeArb(4).chain((out) =>
  fc.tuple(
    fc.constant(out),
    fc.integer({ min: 0, max: out.length }),
    fc.integer({ min: 0, max: out.length }),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
  ).map(([out, dropA, dropB, onesA, onesB]) => {
    const a = out.map((d, i) => (onesA[i] ? 1 : d)).slice(dropA);
    const b = out.map((d, i) => (onesB[i] ? 1 : d)).slice(dropB);
    return { a, b };
  }),
);

const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** Seeded float64 values for a shape. */
function randomTensor(shape: readonly number[], seed: number): Tensor {
  const rng = new Rng(seed);
  return tensor(Float64Array.from({ length: size(shape) }, () => rng.normal()), { dtype: 'float64' }, shape.slice());
}

describe('broadcasting', () => {
  it('the result shape follows the NumPy rule, and incompatible shapes throw ShapeError', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), (a, b) => {
        const expected = R.broadcastShape(a, b);
        if (expected === null) {
          expect(() => add(zeros(a), zeros(b))).toThrow(ShapeError);
        } else {
          expect(add(zeros(a), zeros(b)).shape).toEqual(expected);
          expect(mul(zeros(b), zeros(a)).shape).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('broadcast values match the reference, in both operand orders', () => {
    fc.assert(
      fc.property(broadcastPair, fc.integer(), ({ a, b }, seed) => {
        const x = randomTensor(a, seed);
        const y = randomTensor(b, seed + 1);
        expectAllClose(add(x, y), R.zip2(R.fromTensor(x), R.fromTensor(y), (p, q) => p + q), { atol: 0, rtol: 0 });
        expectAllClose(mul(y, x), R.zip2(R.fromTensor(y), R.fromTensor(x), (p, q) => p * q), { atol: 0, rtol: 0 });
      }),
      { numRuns: RUNS },
    );
  });

  it('the gradient of sum(x * y) wrt x is y, summed over the axes x was broadcast along', () => {
    fc.assert(
      fc.property(broadcastPair, fc.integer(), ({ a, b }, seed) => {
        const x = randomTensor(a, seed);
        const y = randomTensor(b, seed + 1);
        const [gx, gy] = grad((x: Tensor, y: Tensor) => mul(x, y).sum(), [0, 1])(x, y);
        // Independent reference: walk the broadcast output and add the other operand's value into
        // the operand's own element (its index with broadcast dimensions pinned to 0).
        const out = R.broadcastShape(a, b)!;
        const refGrad = (own: readonly number[], other: R.Arr): Float64Array => {
          const g = new Float64Array(size(own));
          const ob = R.broadcastTo(other, out);
          for (let i = 0; i < size(out); i++) {
            const idx = R.unravel(i, out);
            const mine = own.map((d, k) => (d === 1 ? 0 : idx[k + out.length - own.length]!));
            const p = R.ravel(mine, own);
            g[p] = g[p]! + ob.data[i]!;
          }
          return g;
        };
        expect(gx!.shape).toEqual(a);
        expect(gy!.shape).toEqual(b);
        expectAllClose(gx!, R.arr(a, refGrad(a, R.fromTensor(y))), { atol: 1e-12, rtol: 1e-12 });
        expectAllClose(gy!, R.arr(b, refGrad(b, R.fromTensor(x))), { atol: 1e-12, rtol: 1e-12 });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('softmax family', () => {
  it('logSoftmax exponentiates to a distribution along its axis', () => {
    const arb = fc.array(dim, { minLength: 1, maxLength: 4 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.integer(), fc.double({ min: 0.1, max: 100, noNaN: true })),
    );
    fc.assert(
      fc.property(arb, ([shape, axis, seed, scale]) => {
        const x = mul(randomTensor(shape, seed), scale);
        const ls = logSoftmax(x, axis);
        const total = sum(exp(ls), axis);
        expectAllClose(total, R.map(R.fromTensor(total), () => 1), { atol: 1e-12, rtol: 0 });
        expect(Array.from(ls.data).every((v) => v <= 0)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('reductions over random axis sets', () => {
  const arb = fc.array(dim, { minLength: 1, maxLength: 4 }).chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.subarray(shape.map((_, i) => i)),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      fc.boolean(),
      fc.integer(),
    ).map(([shape, axes, negate, keepDims, seed]) => ({
      shape,
      // mix negative and positive spellings of the same axes, in shuffled order
      axes: axes.map((a, i) => (negate[i] ? a - shape.length : a)).reverse(),
      keepDims,
      seed,
    })),
  );
  const cases: [string, typeof sum, (v: number[]) => number][] = [
    ['sum', sum, R.sumOf],
    ['mean', mean, R.meanOf],
    ['max', max, R.maxOf],
    ['min', min, R.minOf],
    ['logSumExp', logSumExp, R.logSumExpOf],
  ];
  for (const [name, fn, f] of cases) {
    it(`${name} equals the naive reference`, () => {
      fc.assert(
        fc.property(arb, ({ shape, axes, keepDims, seed }) => {
          const x = randomTensor(shape, seed);
          // An empty axis list reduces nothing (NumPy: axis=()); undefined means all axes.
          const got = fn(x, axes, keepDims);
          expectAllClose(got, R.reduce(R.fromTensor(x), axes, keepDims, f), { atol: 1e-12, rtol: 1e-12 });
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('round trips', () => {
  it('permute by p then by its inverse is the identity; transpose twice too', () => {
    const arb = fc.array(dim, { minLength: 1, maxLength: 5 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length }), fc.integer()),
    );
    fc.assert(
      fc.property(arb, ([shape, perm, seed]) => {
        const x = randomTensor(shape, seed);
        const y = permute(x, perm);
        expect(y.shape).toEqual(perm.map((p) => shape[p]));
        expectAllClose(y, R.permute(R.fromTensor(x), perm), { atol: 0, rtol: 0 });
        const inv = new Array<number>(perm.length);
        perm.forEach((p, i) => (inv[p] = i));
        const back = permute(y, inv);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(x.data));
        expect(Array.from(transpose(transpose(x)).data)).toEqual(Array.from(x.data));
      }),
      { numRuns: RUNS },
    );
  });

  it('reshape to any factorisation and back keeps the elements in order', () => {
    const arb = fc.array(dim, { minLength: 1, maxLength: 4 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.shuffledSubarray(shape, { minLength: shape.length, maxLength: shape.length }), fc.integer()),
    );
    fc.assert(
      fc.property(arb, ([shape, other, seed]) => {
        const x = randomTensor(shape, seed);
        const y = reshape(x, other);
        expect(y.shape).toEqual(other);
        const z = reshape(y, [-1]);
        expect(z.shape).toEqual([size(shape)]);
        const back = reshape(z, shape);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(x.data));
      }),
      { numRuns: RUNS },
    );
  });
});
