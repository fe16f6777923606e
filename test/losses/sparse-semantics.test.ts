/**
 * Semantics of the integer-label losses beyond the printed reference numbers: values against the
 * float64 reference formulas on random data, γ = 0 reducing to the crossentropy, logits vs
 * probabilities, per-class γ picked by the true class, class weights, any class axis, labels with a
 * trailing 1, agreement with the dense losses on one-hot labels, and every argument error.
 */
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, ValueError, type Tensor, grad, softmax, tensor } from '@focalgrad/tensor';
import {
  SparseCategoricalCrossentropy,
  SparseCategoricalFocalLoss,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  sparseCategoricalCrossentropy,
  sparseCategoricalFocalLoss,
} from '@focalgrad/losses';
import { expectClose, moveAxisLast, normalizeAlong, oneHotRows, randLabels, randLogits, randPositive, refScce, refSparseFocal } from './harness.js';

const rows = (t: Tensor): number[][] => t.toArray() as number[][];
const list = (t: Tensor): number[] => Array.from(t.data);

describe('values against the reference formulas (float64, random data)', () => {
  const rng = new Rng(21);
  const labels = randLabels(rng, [7], 5);
  const p = randPositive(rng, [7, 5], 0.001, 0.999); // focal-loss: raw, un-normalised probabilities
  const z = randLogits(rng, [7, 5], 3);
  for (const o of [
    { gamma: 0 },
    { gamma: 2 },
    { gamma: 0.5, classWeight: [1, 2, 3, 4, 5] },
    { gamma: [0, 1, 2, 3, 4] },
    { gamma: [5, 0.25, 0, 2, 1], classWeight: [0.1, 0, 1, 1, 3] },
  ]) {
    it(`focal-loss ${JSON.stringify(o)}: probabilities and logits`, () => {
      expectClose(sparseCategoricalFocalLoss(labels, p, o), refSparseFocal(list(labels), rows(p), o), { atol: 1e-15, rtol: 1e-12 });
      expectClose(sparseCategoricalFocalLoss(labels, z, { ...o, fromLogits: true }), refSparseFocal(list(labels), rows(z), { ...o, fromLogits: true }), { atol: 1e-15, rtol: 1e-12 });
    });
  }

  it('Keras sparse crossentropy: probabilities (renormalised, clipped) and logits', () => {
    expectClose(sparseCategoricalCrossentropy(labels, p), refScce(list(labels), rows(p)), { atol: 1e-15, rtol: 1e-12 });
    expectClose(sparseCategoricalCrossentropy(labels, z, { fromLogits: true }), refScce(list(labels), rows(z), true), { atol: 1e-15, rtol: 1e-12 });
  });

  it('per-class gamma is picked by the TRUE class (focal-loss)', () => {
    const y = [0, 1];
    const q = [[0.6, 0.4], [0.6, 0.4]];
    const got = sparseCategoricalFocalLoss(y, tensor(q, { dtype: 'float64' }), { gamma: [1, 3] }).toArray() as number[];
    expectClose(got, [0.4 ** 1 * -Math.log(0.6), 0.6 ** 3 * -Math.log(0.4)], { atol: 0, rtol: 1e-14 });
  });

  it('the probability path renormalises implicitly in the crossentropy but modulates with the raw p_y', () => {
    const q = tensor([[0.2, 0.2, 0.2]], { dtype: 'float64' }); // sums to 0.6
    const v = sparseCategoricalFocalLoss([0], q, { gamma: 2 }).item();
    expectClose(v, 0.8 ** 2 * (Math.log(0.6) - Math.log(0.2)), { atol: 0, rtol: 1e-14 });
    // every class gets a gradient through log Σ clip(p)
    const g = grad((w: Tensor) => sparseCategoricalFocalLoss([0], w, { gamma: 2 }).sum())(q);
    expect(Array.from(g.data).every((d) => d !== 0)).toBe(true);
  });
});

describe('gamma = 0 is the softmax crossentropy (value and gradient)', () => {
  const rng = new Rng(23);
  const labels = randLabels(rng, [6], 4);
  it('from logits: sparse focal(γ=0) = sparseCategoricalCrossentropy = categoricalCrossentropy(one-hot)', () => {
    const z = randLogits(rng, [6, 4], 2);
    const a = sparseCategoricalFocalLoss(labels, z, { gamma: 0, fromLogits: true });
    const b = sparseCategoricalCrossentropy(labels, z, { fromLogits: true });
    const c = categoricalCrossentropy(oneHotRows(list(labels), 4), z, { fromLogits: true });
    expectClose(a, b, { atol: 1e-15, rtol: 1e-13 });
    expectClose(a, c, { atol: 1e-15, rtol: 1e-13 });
    const ga = grad((w: Tensor) => sparseCategoricalFocalLoss(labels, w, { gamma: 0, fromLogits: true }).sum())(z);
    const gb = grad((w: Tensor) => sparseCategoricalCrossentropy(labels, w, { fromLogits: true }).sum())(z);
    expectClose(ga, gb, { atol: 1e-15, rtol: 1e-12 });
  });
  it('from probabilities (normalised rows, nothing clipped)', () => {
    const p = normalizeAlong(randPositive(rng, [6, 4], 0.05, 1), -1);
    const a = sparseCategoricalFocalLoss(labels, p, { gamma: 0 });
    const b = sparseCategoricalCrossentropy(labels, p);
    expectClose(a, b, { atol: 1e-15, rtol: 1e-12 });
    const ga = grad((w: Tensor) => sparseCategoricalFocalLoss(labels, w, { gamma: 0 }).sum())(p);
    const gb = grad((w: Tensor) => sparseCategoricalCrossentropy(labels, w).sum())(p);
    expectClose(ga, gb, { atol: 1e-14, rtol: 1e-11 });
  });
});

describe('sparse focal vs the dense losses on one-hot labels', () => {
  it('from logits, scalar γ and class weights as α: equals categoricalFocalCrossentropy (value and gradient)', () => {
    const rng = new Rng(29);
    const labels = randLabels(rng, [5], 3);
    const z = randLogits(rng, [5, 3], 2);
    const w = [0.25, 0.5, 2];
    for (const gamma of [0, 0.5, 2, 5]) {
      const a = sparseCategoricalFocalLoss(labels, z, { gamma, classWeight: w, fromLogits: true });
      const b = categoricalFocalCrossentropy(oneHotRows(list(labels), 3), z, { gamma, alpha: w, fromLogits: true });
      expectClose(a, b, { atol: 1e-15, rtol: 1e-12 });
      const ga = grad((v: Tensor) => sparseCategoricalFocalLoss(labels, v, { gamma, classWeight: w, fromLogits: true }).sum())(z);
      const gb = grad((v: Tensor) => categoricalFocalCrossentropy(oneHotRows(list(labels), 3), v, { gamma, alpha: w, fromLogits: true }).sum())(z);
      expectClose(ga, gb, { atol: 1e-15, rtol: 1e-11 });
    }
  });
});

describe('fromLogits equals the probability path on softmax(z), away from saturation', () => {
  it('values and gradients through softmax, per-class γ', () => {
    const rng = new Rng(31);
    const labels = randLabels(rng, [6], 4);
    const z = randLogits(rng, [6, 4], 1);
    const o = { gamma: [0.5, 1, 2, 3], classWeight: [1, 2, 0.5, 1] };
    expectClose(sparseCategoricalFocalLoss(labels, z, { ...o, fromLogits: true }), sparseCategoricalFocalLoss(labels, softmax(z, -1), o), { atol: 1e-15, rtol: 1e-10 });
    const ga = grad((w: Tensor) => sparseCategoricalFocalLoss(labels, w, { ...o, fromLogits: true }).sum())(z);
    const gb = grad((w: Tensor) => sparseCategoricalFocalLoss(labels, softmax(w, -1), o).sum())(z);
    expectClose(ga, gb, { atol: 1e-14, rtol: 1e-9 });
  });
});

describe('any class axis and label layouts', () => {
  for (const fromLogits of [true, false]) {
    for (const [shape, axis] of [[[2, 3, 4], 1], [[3, 2, 2], 0], [[2, 2, 5], -2]] as const) {
      it(`fromLogits=${fromLogits} shape=[${shape}] axis=${axis} equals permuting the class axis last (value and gradient)`, () => {
        const rng = new Rng(41 + axis + shape[0]!);
        const ax = axis < 0 ? axis + shape.length : axis;
        const x = fromLogits ? randLogits(rng, shape.slice()) : randPositive(rng, shape.slice(), 0.05, 0.95);
        const labels = randLabels(rng, shape.filter((_, d) => d !== ax), shape[ax]!);
        for (const [f, o] of [
          [sparseCategoricalFocalLoss, { gamma: [0.5, 2, 1, 3, 0].slice(0, shape[ax]!), classWeight: [1, 2, 3, 4, 5].slice(0, shape[ax]!) }],
          [sparseCategoricalCrossentropy, {}],
        ] as const) {
          const call = f as (y: Tensor, x: Tensor, o: object) => Tensor;
          expectClose(call(labels, x, { ...o, fromLogits, axis }), call(labels, moveAxisLast(x, axis), { ...o, fromLogits }), { atol: 1e-15, rtol: 1e-13 });
          const ga = grad((w: Tensor) => call(labels, w, { ...o, fromLogits, axis }).sum())(x);
          const gb = grad((w: Tensor) => call(labels, moveAxisLast(w, axis), { ...o, fromLogits }).sum())(x);
          expectClose(ga, gb, { atol: 1e-15, rtol: 1e-12 });
        }
      });
    }
  }

  it('labels with a trailing 1 ([B, T, 1] against [B, T, K]) give the same per-example losses', () => {
    const rng = new Rng(43);
    const x = randLogits(rng, [2, 3, 4]);
    const labels = randLabels(rng, [2, 3], 4);
    const a = sparseCategoricalFocalLoss(labels, x, { gamma: 2, fromLogits: true });
    const b = sparseCategoricalFocalLoss(labels.reshape([2, 3, 1]), x, { gamma: 2, fromLogits: true });
    expect(b.shape).toEqual([2, 3]);
    expectClose(a, b, { atol: 0, rtol: 0 });
    expectClose(sparseCategoricalCrossentropy(labels.reshape([2, 3, 1]), x, { fromLogits: true }), sparseCategoricalCrossentropy(labels, x, { fromLogits: true }), { atol: 0, rtol: 0 });
  });

  it('float labels with integral values and int32 labels agree; labels are not differentiated', () => {
    const x = tensor([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]);
    const a = sparseCategoricalFocalLoss([2, 0], x, { gamma: 2 });
    const b = sparseCategoricalFocalLoss(tensor(new Int32Array([2, 0])), x, { gamma: 2 });
    const c = sparseCategoricalFocalLoss(tensor([2, 0], { dtype: 'float64' }), x, { gamma: 2 });
    expectClose(a, b, { atol: 0, rtol: 0 });
    expectClose(a, c, { atol: 0, rtol: 0 });
    expect(a.dtype).toBe('float32');
  });

  it('the class reduces with the batch mean and round-trips its config', () => {
    const loss = new SparseCategoricalFocalLoss({ gamma: [1, 2, 3], classWeight: [1, 1, 2], fromLogits: true, name: 'sfl' });
    expect(loss.getConfig()).toEqual({ name: 'sfl', reduction: 'sum_over_batch_size', dtype: null, gamma: [1, 2, 3], classWeight: [1, 1, 2], fromLogits: true, axis: -1, ignoreClass: null });
    expect(SparseCategoricalFocalLoss.fromConfig(loss.getConfig()).getConfig()).toEqual(loss.getConfig());
    expect(new SparseCategoricalFocalLoss({ gamma: 2 }).name).toBe('sparse_categorical_focal_loss');
    expect(new SparseCategoricalCrossentropy().name).toBe('sparse_categorical_crossentropy');
    const z = [[1, 2, 3], [0, 0, 1]];
    const per = sparseCategoricalFocalLoss([0, 2], z, { gamma: [1, 2, 3], classWeight: [1, 1, 2], fromLogits: true }).toArray() as number[];
    expectClose(loss.call([0, 2], z), (per[0]! + per[1]!) / 2, { atol: 1e-7, rtol: 1e-6 });
  });
});

describe('argument errors name the argument, the expectation and the value', () => {
  const p = [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]];
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['label out of range', () => sparseCategoricalFocalLoss([0, 3], p, { gamma: 2 }), ValueError, /argument 'yTrue' label 3 at flat index 1 is out of range for 3 classes/],
    ['negative label', () => sparseCategoricalCrossentropy([-1, 0], p), ValueError, /argument 'yTrue' label -1 at flat index 0 is out of range/],
    ['non-integer label', () => sparseCategoricalFocalLoss([0, 1.5], p, { gamma: 2 }), DTypeError, /argument 'yTrue' expected integer class labels, got 1.5/],
    ['labels of the wrong shape', () => sparseCategoricalCrossentropy([0, 1, 2], p), ShapeError, /argument 'yTrue' expected integer labels of shape \[2\].*got \[3\]/],
    ['labels of the wrong rank', () => sparseCategoricalCrossentropy([[0, 1]], p), ShapeError, /argument 'yTrue' expected integer labels of shape \[2\] .* or \[2, 1\], got \[1, 2\]/],
    ['missing gamma', () => sparseCategoricalFocalLoss([0, 1], p, {} as never), ValueError, /argument 'gamma' is required/],
    ['negative gamma', () => sparseCategoricalFocalLoss([0, 1], p, { gamma: -2 }), ValueError, /argument 'gamma' expected a finite number >= 0, got -2/],
    ['gamma of the wrong length', () => sparseCategoricalFocalLoss([0, 1], p, { gamma: [1, 2] }), ShapeError, /argument 'gamma' expected 3 values \(one per class\), got 2/],
    ['classWeight of the wrong length', () => sparseCategoricalFocalLoss([0, 1], p, { gamma: 2, classWeight: [1, 2, 3, 4] }), ShapeError, /argument 'classWeight' expected 3 values/],
    ['negative classWeight', () => sparseCategoricalFocalLoss([0, 1], p, { gamma: 2, classWeight: [1, -2, 3] }), ValueError, /'classWeight\[1\]' expected a finite number >= 0, got -2/],
    ['non-integer ignoreClass', () => sparseCategoricalCrossentropy([0, 1], p, { ignoreClass: 0.5 }), ValueError, /argument 'ignoreClass' expected an integer or null, got 0.5/],
    ['axis out of range', () => sparseCategoricalFocalLoss([0, 1], p, { gamma: 2, axis: -3 }), ShapeError, /argument 'axis' expected an axis in \[-2, 1\]/],
    ['zero-sum row (Keras probability path)', () => sparseCategoricalCrossentropy([0, 1], [[0, 0, 0], [0.2, 0.3, 0.5]]), ValueError, /argument 'yPred' has a row of probabilities summing to 0/],
    ['class: missing gamma', () => new SparseCategoricalFocalLoss({} as never), ValueError, /argument 'gamma' is required/],
    ['class: negative gamma', () => new SparseCategoricalFocalLoss({ gamma: [1, -1] }), ValueError, /'gamma\[1\]' expected a finite number >= 0, got -1/],
    ['class: unknown reduction', () => new SparseCategoricalCrossentropy({ reduction: 'average' as never }), ValueError, /argument 'reduction' expected one of/],
    ['class: sampleWeight that cannot broadcast', () => new SparseCategoricalFocalLoss({ gamma: 2 }).call([0, 1], p, [1, 2, 3]), ShapeError, /argument 'sampleWeight' of shape \[3\] cannot be broadcast/],
    ['class with ignoreClass: sampleWeight that cannot broadcast', () => new SparseCategoricalCrossentropy({ ignoreClass: -1 }).call([0, -1], p, [1, 2, 3]), ShapeError, /argument 'sampleWeight' of shape \[3\] cannot be broadcast/],
  ];
  for (const [name, f, type, re] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(type);
      expect((err as Error).message).toMatch(re);
    });
  }

  it('an ignored label may lie outside [0, K)', () => {
    expect(() => sparseCategoricalCrossentropy([255, 1], p, { ignoreClass: 255 })).not.toThrow();
    expect(sparseCategoricalCrossentropy([255, 1], p, { ignoreClass: 255 }).toArray()[0]).toBe(0);
  });
});

describe('accuracy in the confident regimes (no cancellation)', () => {
  it('confidently right: loss log1p(Σ e^{z_j − z_t}) to full precision, gradient p_j', () => {
    for (const gap of [5, 20, 35, 300]) {
      const z = tensor([[gap, 0, -1], [0, gap, 2]], { dtype: 'float64' });
      const sn0 = Math.exp(-gap) + Math.exp(-gap - 1);
      const sn1 = Math.exp(-gap) + Math.exp(2 - gap);
      const ce = [Math.log1p(sn0), Math.log1p(sn1)];
      expectClose(sparseCategoricalCrossentropy([0, 1], z, { fromLogits: true }), ce, { atol: 0, rtol: 1e-14 });
      const omp = [sn0 / (1 + sn0), sn1 / (1 + sn1)];
      expectClose(sparseCategoricalFocalLoss([0, 1], z, { gamma: 2, fromLogits: true }), ce.map((c, i) => omp[i]! ** 2 * c), { atol: 0, rtol: 1e-13 });
      const g = grad((w: Tensor) => sparseCategoricalCrossentropy([0, 1], w, { fromLogits: true }).sum())(z);
      expectClose(g.toArray()[0][1], Math.exp(-gap) / (1 + sn0), { atol: 0, rtol: 1e-13 }); // p_1 of row 0
      expectClose(g.toArray()[0][0], -omp[0]!, { atol: 0, rtol: 1e-13 }); // p_t − 1
    }
  });

  it('confidently wrong by more than 600 (the max-shifted fallback): exact loss and gradient', () => {
    const z = tensor([[700, 0, -5], [0, 650, 649]], { dtype: 'float64' });
    const ce = [700 + Math.log1p(Math.exp(-700) + Math.exp(-705)), 650 + Math.log1p(Math.exp(-650) + Math.exp(-1))];
    expectClose(sparseCategoricalCrossentropy([1, 0], z, { fromLogits: true }), ce, { atol: 0, rtol: 1e-15 });
    const g = grad((w: Tensor) => sparseCategoricalFocalLoss([1, 0], w, { gamma: 0, fromLogits: true }).sum())(z);
    const q = 1 / (1 + Math.exp(-1));
    expectClose(g, [[1, -1, 0], [-1, q, 1 - q]], { atol: 1e-300, rtol: 1e-13 });
  });
});
