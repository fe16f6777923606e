/**
 * Semantics of the dense-label losses beyond the printed reference numbers: values against the
 * float64 reference formula on random data, the γ = 0 / α = 1 reduction to the crossentropy,
 * logits vs probabilities, per-class α and γ, any class axis, dtypes, and every argument error.
 */
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, ValueError, type Tensor, grad, softmax, tensor } from '@focalgrad/tensor';
import {
  CategoricalCrossentropy,
  CategoricalFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
} from '@focalgrad/losses';
import { expectClose, moveAxisLast, normalizeAlong, randLogits, randPositive, randSoftLabels, refCfce } from './harness.js';

const rows = (t: Tensor): number[][] => t.toArray() as number[][];
const f64 = { dtype: 'float64' as const };

describe('values against the Keras formula (float64, random data)', () => {
  const rng = new Rng(3);
  const y = randSoftLabels(rng, [6, 5], -1);
  const p = randPositive(rng, [6, 5], 0.01, 1); // un-normalised rows: Keras renormalises
  const z = randLogits(rng, [6, 5], 3);
  for (const o of [
    {},
    { alpha: 1, gamma: 0 },
    { alpha: [0.1, 0.2, 0.3, 0.4, 0.5], gamma: 3 },
    { gamma: [0, 0.5, 1, 2, 7], labelSmoothing: 0.3 },
    { alpha: 0.7, gamma: 0.25, labelSmoothing: 1 },
  ]) {
    it(`probabilities ${JSON.stringify(o)}`, () => {
      expectClose(categoricalFocalCrossentropy(y, p, o), refCfce(rows(y), rows(p), o), { atol: 1e-15, rtol: 1e-12 });
    });
    it(`logits (exact log-softmax) ${JSON.stringify(o)}`, () => {
      expectClose(categoricalFocalCrossentropy(y, z, { ...o, fromLogits: true }), refCfce(rows(y), rows(z), { ...o, fromLogits: true }), { atol: 1e-15, rtol: 1e-12 });
      // away from saturation, Keras's softmax-then-clip path gives the same numbers
      expectClose(categoricalFocalCrossentropy(y, z, { ...o, fromLogits: true }), refCfce(rows(y), rows(z), { ...o, fromLogits: true, kerasLogits: true }), { atol: 1e-15, rtol: 1e-9 });
    });
  }

  it('the defaults are alpha 0.25, gamma 2', () => {
    expectClose(categoricalFocalCrossentropy(y, p), refCfce(rows(y), rows(p), { alpha: 0.25, gamma: 2 }), { atol: 1e-15, rtol: 1e-12 });
  });
});

describe('alpha = 1, gamma = 0 is categoricalCrossentropy (value and gradient)', () => {
  const rng = new Rng(5);
  const y = randSoftLabels(rng, [4, 6], -1);
  for (const fromLogits of [false, true]) {
    for (const labelSmoothing of [0, 0.15]) {
      it(`fromLogits=${fromLogits} labelSmoothing=${labelSmoothing}`, () => {
        const x = fromLogits ? randLogits(rng, [4, 6]) : randPositive(rng, [4, 6]);
        const o = { fromLogits, labelSmoothing };
        const a = categoricalFocalCrossentropy(y, x, { ...o, alpha: 1, gamma: 0 });
        const b = categoricalCrossentropy(y, x, o);
        expectClose(a, b, { atol: 1e-15, rtol: 1e-13 });
        const ga = grad((w: Tensor) => categoricalFocalCrossentropy(y, w, { ...o, alpha: 1, gamma: 0 }).sum())(x);
        const gb = grad((w: Tensor) => categoricalCrossentropy(y, w, o).sum())(x);
        expectClose(ga, gb, { atol: 1e-15, rtol: 1e-12 });
        // and α scales both linearly
        expectClose(categoricalFocalCrossentropy(y, x, { ...o, alpha: 0.3, gamma: 0 }), b.mul(0.3), { atol: 1e-15, rtol: 1e-12 });
      });
    }
  }
});

describe('fromLogits equals the probability path on softmax(z), away from saturation', () => {
  it('values and gradients (through softmax), one-hot and soft labels, per-class gamma', () => {
    const rng = new Rng(8);
    const z = randLogits(rng, [5, 4], 1.2);
    for (const y of [tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0]], f64), randSoftLabels(rng, [5, 4], -1)]) {
      const o = { gamma: [0.5, 1, 2, 4], alpha: [1, 0.5, 0.25, 2] };
      expectClose(categoricalFocalCrossentropy(y, z, { ...o, fromLogits: true }), categoricalFocalCrossentropy(y, softmax(z, -1), o), { atol: 1e-15, rtol: 1e-10 });
      const ga = grad((w: Tensor) => categoricalFocalCrossentropy(y, w, { ...o, fromLogits: true }).sum())(z);
      const gb = grad((w: Tensor) => categoricalFocalCrossentropy(y, softmax(w, -1), o).sum())(z);
      expectClose(ga, gb, { atol: 1e-14, rtol: 1e-9 });
    }
  });
});

describe('per-class alpha and gamma', () => {
  it('alpha and gamma per class pick each class’s own value (soft labels: every class contributes)', () => {
    const y = tensor([[0.1, 0.6, 0.3]], f64);
    const p = tensor([[0.2, 0.5, 0.3]], f64);
    const alpha = [0.5, 1, 2];
    const gamma = [0, 1, 3];
    const want = [0, 1, 2].reduce((s, k) => s + alpha[k]! * (1 - p.data[k]!) ** gamma[k]! * -y.data[k]! * Math.log(p.data[k]!), 0);
    expectClose(categoricalFocalCrossentropy(y, p, { alpha, gamma }), [want], { atol: 0, rtol: 1e-14 });
  });

  it('a per-class list is aligned with the class axis, also for axis 1 (Keras aligns it with the last dim)', () => {
    const rng = new Rng(11);
    const x = randLogits(rng, [2, 3, 4]);
    const y = randSoftLabels(rng, [2, 3, 4], 1);
    const o = { alpha: [0.2, 0.3, 0.5], gamma: [1, 2, 0], fromLogits: true };
    expectClose(categoricalFocalCrossentropy(y, x, { ...o, axis: 1 }), categoricalFocalCrossentropy(moveAxisLast(y, 1), moveAxisLast(x, 1), o), { atol: 1e-15, rtol: 1e-13 });
  });
});

describe('any class axis: axis = 1 on [B, K, T] equals permuting the class axis last', () => {
  for (const fromLogits of [true, false]) {
    for (const [shape, axis] of [[[2, 3, 4], 1], [[3, 2, 2, 2], 0], [[2, 2, 5], -2], [[4, 3], 0]] as const) {
      it(`fromLogits=${fromLogits} shape=[${shape}] axis=${axis}, value and gradient`, () => {
        const rng = new Rng(17 + shape.length + axis);
        const x = fromLogits ? randLogits(rng, shape.slice()) : randPositive(rng, shape.slice());
        const y = randSoftLabels(rng, shape.slice(), axis);
        for (const [f, o] of [
          [categoricalFocalCrossentropy, { gamma: 1.5, labelSmoothing: 0.1 }],
          [categoricalCrossentropy, { labelSmoothing: 0.1 }],
        ] as const) {
          const a = f(y, x, { ...o, fromLogits, axis });
          const b = f(moveAxisLast(y, axis), moveAxisLast(x, axis), { ...o, fromLogits });
          expectClose(a, b, { atol: 1e-15, rtol: 1e-13 });
          const ga = grad((w: Tensor) => f(y, w, { ...o, fromLogits, axis }).sum())(x);
          const gb = grad((w: Tensor) => f(moveAxisLast(y, axis), moveAxisLast(w, axis), { ...o, fromLogits }).sum())(x);
          expectClose(ga, gb, { atol: 1e-15, rtol: 1e-12 });
        }
      });
    }
  }

  it('1-D inputs give a scalar per-sample loss; the class reduces it as Keras does (returned as is)', () => {
    const v = categoricalFocalCrossentropy([0, 1, 0], [0.2, 0.7, 0.1]);
    expect(v.shape).toEqual([]);
    expect(new CategoricalFocalCrossentropy({ reduction: 'sum' }).call([0, 1, 0], [0.2, 0.7, 0.1]).item()).toBeCloseTo(v.item(), 7);
  });

  it('a class axis of size 1 is accepted (Keras only warns): loss 0 from logits', () => {
    expectClose(categoricalFocalCrossentropy([[1], [1]], [[3], [-2]], { fromLogits: true }), [0, 0], { atol: 0, rtol: 0 });
    expectClose(categoricalCrossentropy([[1], [1]], [[3], [-2]], { fromLogits: true }), [0, 0], { atol: 0, rtol: 0 });
  });
});

describe('dtypes and the loss class', () => {
  it('float32 in, float32 out; float64 in, float64 out; int32 labels are accepted', () => {
    const y = tensor(new Int32Array([0, 1, 0, 0, 0, 1]), {}, [2, 3]);
    expect(categoricalFocalCrossentropy(y, tensor([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])).dtype).toBe('float32');
    expect(categoricalFocalCrossentropy(y, tensor([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]], f64)).dtype).toBe('float64');
  });

  it('the class applies Keras’s rank fix-up and sample weights of shape (N,) and (N, 1)', () => {
    const y = [[0, 1, 0], [0, 0, 1], [1, 0, 0]];
    const p = normalizeAlong(randPositive(new Rng(2), [3, 3]), -1);
    const per = categoricalFocalCrossentropy(y, p).toArray() as number[];
    const sw = [0.5, 2, 0];
    const want = per.reduce((s, v, i) => s + v * sw[i]!, 0) / 3;
    expectClose(new CategoricalFocalCrossentropy().call(y, p, sw), want, { atol: 1e-15, rtol: 1e-12 });
    expectClose(new CategoricalFocalCrossentropy().call(y, p, sw.map((w) => [w])), want, { atol: 1e-15, rtol: 1e-12 });
    expectClose(new CategoricalFocalCrossentropy({ reduction: 'mean_with_sample_weight' }).call(y, p, sw), (want * 3) / 2.5, { atol: 1e-15, rtol: 1e-12 });
  });

  it('default names and getConfig', () => {
    expect(new CategoricalFocalCrossentropy().name).toBe('categorical_focal_crossentropy');
    expect(new CategoricalCrossentropy().name).toBe('categorical_crossentropy');
    expect(new CategoricalFocalCrossentropy().getConfig()).toEqual({
      name: 'categorical_focal_crossentropy',
      reduction: 'sum_over_batch_size',
      dtype: null,
      alpha: 0.25,
      gamma: 2,
      fromLogits: false,
      labelSmoothing: 0,
      axis: -1,
    });
  });
});

describe('argument errors name the argument, the expectation and the value', () => {
  const y = [[0, 1, 0]];
  const p = [[0.2, 0.7, 0.1]];
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['mismatched shapes', () => categoricalFocalCrossentropy([[0, 1]], p), ShapeError, /argument 'yTrue' expected shape \[1, 3\].*got \[1, 2\]/],
    ['negative gamma', () => categoricalFocalCrossentropy(y, p, { gamma: -1 }), ValueError, /argument 'gamma' expected a finite number >= 0, got -1/],
    ['negative per-class gamma', () => categoricalFocalCrossentropy(y, p, { gamma: [1, -2, 0] }), ValueError, /'gamma\[1\]' expected a finite number >= 0, got -2/],
    ['alpha of the wrong length', () => categoricalFocalCrossentropy(y, p, { alpha: [0.25, 0.75] }), ShapeError, /argument 'alpha' expected 3 values \(one per class\), got 2/],
    ['gamma of the wrong length', () => categoricalFocalCrossentropy(y, p, { gamma: [1, 2, 3, 4] }), ShapeError, /argument 'gamma' expected 3 values/],
    ['non-finite alpha', () => categoricalFocalCrossentropy(y, p, { alpha: Number.NaN }), ValueError, /argument 'alpha'/],
    ['labelSmoothing above 1', () => categoricalFocalCrossentropy(y, p, { labelSmoothing: 1.5 }), ValueError, /argument 'labelSmoothing' expected a number in \[0, 1\], got 1.5/],
    ['labelSmoothing below 0', () => categoricalCrossentropy(y, p, { labelSmoothing: -0.1 }), ValueError, /labelSmoothing/],
    ['axis out of range', () => categoricalFocalCrossentropy(y, p, { axis: 2 }), ShapeError, /argument 'axis' expected an axis in \[-2, 1\].*got 2/],
    ['non-integer axis', () => categoricalFocalCrossentropy(y, p, { axis: 0.5 }), ValueError, /argument 'axis' expected an integer, got 0.5/],
    ['boolean axis (Keras raises too)', () => categoricalFocalCrossentropy(y, p, { axis: true as unknown as number }), ValueError, /argument 'axis'/],
    ['fromLogits not boolean', () => categoricalFocalCrossentropy(y, p, { fromLogits: 1 as unknown as boolean }), ValueError, /argument 'fromLogits' expected a boolean/],
    ['scalar yPred', () => categoricalFocalCrossentropy(1, 0.5), ShapeError, /argument 'yPred' expected a tensor of rank >= 1/],
    ['empty class axis', () => categoricalCrossentropy(tensor(new Float32Array(0), {}, [2, 0]), tensor(new Float32Array(0), {}, [2, 0])), ShapeError, /at least one class/],
    ['zero-sum probability row', () => categoricalFocalCrossentropy(y, [[0, 0, 0]]), ValueError, /argument 'yPred' has a row of probabilities summing to 0/],
    ['unknown reduction', () => new CategoricalFocalCrossentropy({ reduction: 'avg' as never }), ValueError, /argument 'reduction' expected one of .*got "avg"/],
    ['sampleWeight that cannot broadcast', () => new CategoricalFocalCrossentropy().call([[0, 1, 0], [1, 0, 0]], [[0.2, 0.7, 0.1], [0.5, 0.3, 0.2]], [1, 2, 3]), ShapeError, /argument 'sampleWeight' of shape \[3\] cannot be broadcast/],
    ['class: negative gamma at construction', () => new CategoricalFocalCrossentropy({ gamma: -0.5 }), ValueError, /argument 'gamma' expected a finite number >= 0, got -0.5/],
    ['class: labelSmoothing at construction', () => new CategoricalCrossentropy({ labelSmoothing: 2 }), ValueError, /labelSmoothing/],
    ['class: non-integer axis', () => new CategoricalCrossentropy({ axis: 1.5 }), ValueError, /argument 'axis' expected an integer/],
    ['ragged labels', () => categoricalFocalCrossentropy([[0, 1], [1]] as unknown as number[][], [[0.5, 0.5], [0.5, 0.5]]), ValueError, /argument 'yTrue'/],
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

  it('errors carry the op name', () => {
    expect(() => categoricalFocalCrossentropy([[0, 1]], [[0.5, 0.5, 0]])).toThrow(/^categoricalFocalCrossentropy: /);
    expect(() => categoricalCrossentropy([[0, 1]], [[0.5, 0.5, 0]])).toThrow(/^categoricalCrossentropy: /);
  });

  it('DTypeError is not used for float labels (soft labels are fine)', () => {
    expect(() => categoricalCrossentropy([[0.3, 0.7]], [[0.5, 0.5]])).not.toThrow(DTypeError);
  });
});

describe('accuracy in the confident regimes (no cancellation)', () => {
  it('confidently right: loss log1p(Σ e^{z_j − z_t}) and the focal factor (1 − p_t)^γ to full precision', () => {
    for (const gap of [5, 20, 35, 300]) {
      const z = tensor([[gap, 0, -1]], { dtype: 'float64' });
      const sn = Math.exp(-gap) + Math.exp(-gap - 1);
      const ce = Math.log1p(sn);
      const omp = sn / (1 + sn);
      expectClose(categoricalCrossentropy([[1, 0, 0]], z, { fromLogits: true }), [ce], { atol: 0, rtol: 1e-14 });
      expectClose(categoricalFocalCrossentropy([[1, 0, 0]], z, { fromLogits: true }), [0.25 * omp ** 2 * ce], { atol: 0, rtol: 1e-13 });
      const g = grad((w: Tensor) => categoricalFocalCrossentropy([[1, 0, 0]], w, { gamma: 0, alpha: 1, fromLogits: true }).sum())(z);
      expectClose(g, [[-omp, Math.exp(-gap) / (1 + sn), Math.exp(-gap - 1) / (1 + sn)]], { atol: 0, rtol: 1e-13 });
    }
  });
});
