import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, Tensor, sigmoid, tensor } from '@focalgrad/tensor';
import { BinaryCrossentropy, binaryCrossentropy } from '@focalgrad/losses';
import { bernoulli, expectClose, expectPrinted, lossGrad, testLossCases, uniform, type LossCase } from './harness.js';

const KERAS_TEST = 'keras-team/keras keras/src/losses/losses_test.py BinaryCrossentropyTest';
// Keras's assertAlmostEqual(x, y) is np.testing.assert_almost_equal(decimal=3): |x − y| < 1.5e-3;
// assertAllClose uses atol = rtol = 1e-6.
const almost = (actual: Tensor, expected: number) => expect(Math.abs(actual.item() - expected)).toBeLessThan(1.5e-3);

describe(KERAS_TEST, () => {
  const eye = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const logits10 = [[10, -10, -10], [-10, 10, -10], [-10, -10, 10]];
  const yt = [[1, 0, 1], [0, 1, 1]];
  const lx = [[10, -10, 10], [10, 10, -10]];

  it('test_all_correct_unweighted: 0.0 for probabilities and for logits ±10', () => {
    almost(new BinaryCrossentropy().call(eye, eye), 0);
    almost(new BinaryCrossentropy({ fromLogits: true }).call(eye, logits10), 0);
  });
  it('test_unweighted: 0.20046903 (assertAllClose), 3.98559 (float32 clip at 0.99999988), 3.3333 (logits)', () => {
    expectClose(new BinaryCrossentropy().call(eye, [[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.1, 0.2, 0.7]]), 0.20046903, { atol: 1e-6, rtol: 1e-6 });
    almost(new BinaryCrossentropy().call([[1, 0], [1, 0]], [[1, 1], [1, 0]]), 3.98559);
    // Tighter: the value follows from the float32 clip bound, (−log(1 − fround(1 − 1e-7)))/4.
    expectClose(new BinaryCrossentropy().call([[1, 0], [1, 0]], [[1, 1], [1, 0]]), -Math.log(1 - Math.fround(1 - 1e-7)) / 4, { atol: 1e-6, rtol: 1e-6 });
    almost(new BinaryCrossentropy({ fromLogits: true }).call(yt, lx), 3.3333);
  });
  it('test_scalar_weighted: 9.1668 and 7.666', () => {
    almost(new BinaryCrossentropy().call([[1, 0], [1, 0]], [[1, 1], [1, 0]], 2.3), 9.1668);
    almost(new BinaryCrossentropy({ fromLogits: true }).call(yt, lx, 2.3), 7.666);
  });
  it('test_sample_weighted: 4.7827 and 10.0', () => {
    almost(new BinaryCrossentropy().call([[1, 0], [1, 0]], [[1, 1], [1, 0]], [[1.2], [3.4]]), 4.7827);
    almost(new BinaryCrossentropy({ fromLogits: true }).call(yt, lx, [4, 3]), 10.0);
  });
  it('test_no_reduction: [0.0, 6.666] (atol 1e-3)', () => {
    expectClose(new BinaryCrossentropy({ fromLogits: true, reduction: null }).call(yt, lx), [0, 6.666], { atol: 1e-3, rtol: 0 });
  });
  it('test_label_smoothing: (10 + 5·ls)/3', () => {
    almost(new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).call([[1, 0, 1]], [[10, -10, -10]]), (10 + 5 * 0.1) / 3);
  });
  it('test_shape_mismatch: a ShapeError', () => {
    expect(() => new BinaryCrossentropy().call([[0], [1], [2]], [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])).toThrow(ShapeError);
  });
  it('test_config', () => {
    const loss = new BinaryCrossentropy({ name: 'bce', axis: -1 });
    expect(BinaryCrossentropy.fromConfig(loss.getConfig()).getConfig()).toEqual(loss.getConfig());
  });
});

describe('keras/src/losses/losses.py docstrings (BinaryCrossentropy class and binary_crossentropy)', () => {
  const yt1 = [0, 1, 0, 0];
  const yp1 = [-18.6, 0.51, 2.94, -12.8];
  const yt2 = [[0, 1], [0, 0]];
  const yp2 = [[-18.6, 0.51], [2.94, -12.8]];
  it('example 1: 0.8654', () => expectPrinted(new BinaryCrossentropy({ fromLogits: true }).call(yt1, yp1), '0.8654'));
  it("example 2: 0.8654, sample_weight 0.243, 'sum' 1.730, None [0.235, 1.496]", () => {
    const bce = new BinaryCrossentropy({ fromLogits: true });
    expectPrinted(bce.call(yt2, yp2), '0.8654');
    expectPrinted(bce.call(yt2, yp2, [0.8, 0.2]), '0.243');
    expectPrinted(new BinaryCrossentropy({ fromLogits: true, reduction: 'sum' }).call(yt2, yp2), '1.730');
    expectPrinted(new BinaryCrossentropy({ fromLogits: true, reduction: null }).call(yt2, yp2), ['0.235', '1.496']);
  });
  it('binary_crossentropy: [0.916, 0.714]; rstudio/keras3 docs print 0.9162908, 0.7135582', () => {
    const v = binaryCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]);
    expectPrinted(v, ['0.916', '0.714']);
    expectPrinted(v, ['0.9162908', '0.7135582']);
  });
});

describe('semantics and gradients', () => {
  it('logits equal probabilities on sigmoid of the logits (value and gradient)', () => {
    const yt = uniform([3, 4], 0, 1, 1);
    const x = uniform([3, 4], -6, 6, 2);
    const a = (t: Tensor, z: Tensor) => binaryCrossentropy(t, z, { fromLogits: true, labelSmoothing: 0.2 });
    const b = (t: Tensor, z: Tensor) => binaryCrossentropy(t, sigmoid(z), { labelSmoothing: 0.2 });
    const tt = tensor(yt, { dtype: 'float64' });
    const xx = tensor(x, { dtype: 'float64' });
    expectClose(a(tt, xx), b(tt, xx), { atol: 1e-14, rtol: 1e-12 });
    expectClose(lossGrad(a, yt, x), lossGrad(b, yt, x), { atol: 1e-14, rtol: 1e-11 });
  });

  const cases: LossCase[] = [];
  let seed = 10;
  for (const fromLogits of [false, true]) {
    for (const labelSmoothing of [0, 0.3]) {
      for (const axis of [-1, 0, 1]) {
        for (const soft of [false, true]) {
          cases.push({
            name: `fromLogits=${fromLogits} ls=${labelSmoothing} axis=${axis} soft=${soft}`,
            loss: (t, q) => binaryCrossentropy(t, q, { fromLogits, labelSmoothing, axis }),
            yTrue: soft ? uniform([2, 3, 2], 0, 1, seed++) : bernoulli([2, 3, 2], 0.5, seed++),
            yPred: fromLogits ? uniform([2, 3, 2], -5, 5, seed++) : uniform([2, 3, 2], 0.02, 0.98, seed++),
          });
        }
      }
    }
  }
  for (const fromLogits of [false, true]) {
    cases.push({
      name: `extremes fromLogits=${fromLogits}`,
      loss: (t, q) => binaryCrossentropy(t, q, { fromLogits, labelSmoothing: 0.1 }),
      yTrue: [[1, 0, 0.3, 1]],
      yPred: fromLogits ? [[-1e4, 1e4, -1e4, 1e4]] : [[0, 1, 0, 1]],
      check: 'finite',
    });
  }
  testLossCases(cases);

  it('logits ±1e4: the exact unclipped values (1e4 for the wrong side, 0 for the right side)', () => {
    expectClose(binaryCrossentropy([[1, 0]], tensor([[-1e4, 1e4]], { dtype: 'float64' }), { fromLogits: true }), [1e4], { atol: 0, rtol: 1e-15 });
    expectClose(binaryCrossentropy([[1, 0]], tensor([[1e4, -1e4]], { dtype: 'float64' }), { fromLogits: true }), [0], { atol: 0, rtol: 0 });
  });
});

describe('bad inputs', () => {
  const bad = (f: () => unknown, type: typeof ShapeError | typeof ValueError, arg: string) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(type);
      expect((e as ValueError).arg).toBe(arg);
      return;
    }
    expect.fail(`expected a ${type.name} naming '${arg}'`);
  };
  it('shapes, labelSmoothing, fromLogits, axis, reduction, sampleWeight', () => {
    bad(() => binaryCrossentropy([[0, 1, 1]], [[0.2, 0.7]]), ShapeError, 'yTrue');
    bad(() => binaryCrossentropy([[0, 1]], [[0.2, 0.7]], { labelSmoothing: 1.01 }), ValueError, 'labelSmoothing');
    bad(() => binaryCrossentropy([[0, 1]], [[0.2, 0.7]], { fromLogits: 0 as unknown as boolean }), ValueError, 'fromLogits');
    bad(() => binaryCrossentropy([[0, 1]], [[0.2, 0.7]], { axis: -3 }), ShapeError, 'axis');
    bad(() => new BinaryCrossentropy({ reduction: 'auto' as never }), ValueError, 'reduction');
    bad(() => new BinaryCrossentropy().call([[0, 1], [1, 1]], [[0.2, 0.7], [0.5, 0.5]], [[1, 2, 3]]), ShapeError, 'sampleWeight');
  });
});
