import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, Tensor, sigmoid, sum, tensor, grad } from '@focalgrad/tensor';
import { BinaryFocalLoss, binaryCrossentropy, binaryFocalLoss, type BinaryFocalLossOptions } from '@focalgrad/losses';
import { bernoulli, expectClose, expectPrinted, lossGrad, testLossCases, uniform, type LossCase } from './harness.js';

const FL = 'artemmavrin/focal-loss src/focal_loss/_binary_focal_loss.py';
const FL_TEST = 'artemmavrin/focal-loss src/focal_loss/tests/test_binary_focal_loss.py';

describe(`${FL} docstring examples (executed doctests, setup.cfg --doctest-modules)`, () => {
  it('binary_focal_loss([0, 1, 1], [0.1, 0.7, 0.9], gamma=2) -> [0.001 0.032 0.001] (precision=3)', () => {
    expectPrinted(binaryFocalLoss([0, 1, 1], [0.1, 0.7, 0.9], { gamma: 2 }), ['0.001', '0.032', '0.001']);
  });
  it("BinaryFocalLoss(gamma=2)([0, 1, 1], [0.1, 0.7, 0.9]) -> 'Mean focal loss: 0.011'", () => {
    expectPrinted(new BinaryFocalLoss({ gamma: 2 }).call([0, 1, 1], [0.1, 0.7, 0.9]), '0.011');
  });
});

/** The reference's own NumPy check (test_binary_focal_loss.py::numpy_binary_focal_loss). */
function numpyBinaryFocalLoss(yTrue: number[], yPred: number[], gamma: number, fromLogits: boolean, posWeight: number | null, ls: number | null): number[] {
  return yTrue.map((y0, i) => {
    const p = fromLogits ? 1 / (1 + Math.exp(-yPred[i]!)) : yPred[i]!;
    const y = ls === null ? y0 : (1 - ls) * y0 + ls * 0.5;
    return -y * (1 - p) ** gamma * Math.log(p) * (posWeight ?? 1) - (1 - y) * p ** gamma * Math.log(1 - p);
  });
}

describe(`${FL_TEST}`, () => {
  const Y_TRUE = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
  const LOGITS = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4];
  const PROBS = LOGITS.map((x) => 1 / (1 + Math.exp(-x)));

  it('test_computation_sanity_checks: probabilities, logits and the NumPy formula agree (atol = rtol = 1e-5)', () => {
    for (const posWeight of [null, 1, 2]) {
      for (const gamma of [0, 1, 2]) {
        for (const labelSmoothing of [null, 0.1, 0.5]) {
          const o: BinaryFocalLossOptions = { gamma, posWeight, labelSmoothing };
          const probs = binaryFocalLoss(Y_TRUE, PROBS, o);
          const logits = binaryFocalLoss(Y_TRUE, LOGITS, { ...o, fromLogits: true });
          const npLogits = numpyBinaryFocalLoss(Y_TRUE, LOGITS, gamma, true, posWeight, labelSmoothing);
          const npProbs = numpyBinaryFocalLoss(Y_TRUE, PROBS, gamma, false, posWeight, labelSmoothing);
          const all = [Array.from(probs.data), Array.from(logits.data), npLogits, npProbs];
          for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expectClose(all[i]!, all[j]!, { atol: 1e-5, rtol: 1e-5 }, JSON.stringify(o));
        }
      }
    }
  });
  it('test_reduce_to_binary_crossentropy_from_probabilities: mean over the last axis at gamma=0 equals Keras BCE', () => {
    const fl = binaryFocalLoss(Y_TRUE, PROBS, { gamma: 0 });
    expectClose(fl.mean(-1), binaryCrossentropy(Y_TRUE, PROBS), { atol: 1e-6, rtol: 1e-6 });
  });
  it('test_reduce_to_binary_crossentropy_from_logits and _with_weighting (pos_weight 1, 2)', () => {
    const sp = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    expectClose(binaryFocalLoss(Y_TRUE, LOGITS, { gamma: 0, fromLogits: true }), Y_TRUE.map((y, i) => sp(LOGITS[i]!) - LOGITS[i]! * y), { atol: 1e-6, rtol: 1e-6 });
    for (const pw of [1, 2]) {
      // tf.nn.weighted_cross_entropy_with_logits: (1 − y)·x + (1 + (pw − 1)·y)·softplus(−x)
      const expected = Y_TRUE.map((y, i) => (1 - y) * LOGITS[i]! + (1 + (pw - 1) * y) * sp(-LOGITS[i]!));
      expectClose(binaryFocalLoss(Y_TRUE, LOGITS, { gamma: 0, fromLogits: true, posWeight: pw }), expected, { atol: 1e-6, rtol: 1e-6 });
    }
  });
  it('test_get_config: config round trip', () => {
    for (const gamma of [0, 1, 2]) {
      for (const posWeight of [null, 0.5]) {
        for (const fromLogits of [false, true]) {
          for (const labelSmoothing of [null, 0.1]) {
            const l1 = new BinaryFocalLoss({ gamma, posWeight, fromLogits, labelSmoothing, name: 'binary_focal_loss' });
            const c1 = l1.getConfig();
            expect(BinaryFocalLoss.fromConfig(c1).getConfig()).toEqual(c1);
          }
        }
      }
    }
  });
});

describe('focal-loss semantics', () => {
  it('probabilities without smoothing: any nonzero label is a positive', () => {
    expectClose(binaryFocalLoss([0.5, 0.2], [0.3, 0.8], { gamma: 2 }), binaryFocalLoss([1, 1], [0.3, 0.8], { gamma: 2 }), { atol: 0, rtol: 0 });
  });
  it('labelSmoothing 0 switches to the linear mix (soft labels mix the two focal terms)', () => {
    const p = tensor([0.3, 0.8], { dtype: 'float64' });
    const v = binaryFocalLoss([0.5, 0.2], p, { gamma: 2, labelSmoothing: 0 });
    const pos = (q: number) => -((1 - q) ** 2) * Math.log(q);
    const neg = (q: number) => -(q ** 2) * Math.log(1 - q);
    expectClose(v, [0.5 * pos(0.3) + 0.5 * neg(0.3), 0.2 * pos(0.8) + 0.8 * neg(0.8)], { atol: 0, rtol: 1e-13 });
  });
  it('logits without smoothing: the CE takes the soft label, the modulation the boolean mask', () => {
    const x = 0.7;
    const v = binaryFocalLoss([0.3], tensor([x], { dtype: 'float64' }), { gamma: 2, fromLogits: true });
    const p = 1 / (1 + Math.exp(-x));
    const ce = Math.max(x, 0) - x * 0.3 + Math.log1p(Math.exp(-Math.abs(x)));
    expectClose(v, [(1 - p) ** 2 * ce], { atol: 0, rtol: 1e-13 });
  });
  it('probability clamps: q = max(1 − p, 1e-7), p = max(p, 1e-7), also in the modulation', () => {
    const v = binaryFocalLoss([1, 0, 1, 0], tensor([0, 1, 1, 0], { dtype: 'float64' }), { gamma: 2 });
    expectClose(v, [-Math.log(1e-7), -Math.log(1e-7), -(1e-7 ** 2) * Math.log(1), -(1e-7 ** 2) * Math.log(1)], { atol: 0, rtol: 1e-13 });
  });
  it('posWeight multiplies the positive term only', () => {
    const a = binaryFocalLoss([1, 0], tensor([0.4, 0.4], { dtype: 'float64' }), { gamma: 1.5, posWeight: 3 });
    const b = binaryFocalLoss([1, 0], tensor([0.4, 0.4], { dtype: 'float64' }), { gamma: 1.5 });
    expectClose(a, [3 * b.data[0]!, b.data[1]!], { atol: 0, rtol: 1e-14 });
  });
  it('logits and probabilities agree with hard labels (value and gradient through sigmoid)', () => {
    const yt = bernoulli([3, 4], 0.5, 3);
    const x = uniform([3, 4], -5, 5, 4);
    for (const o of [{ gamma: 2 }, { gamma: 0.5, posWeight: 2, labelSmoothing: 0.2 }, { gamma: [0, 1, 2.5, 4], posWeight: [1, 0.5, 2, 3] }] as BinaryFocalLossOptions[]) {
      const a = (t: Tensor, z: Tensor) => binaryFocalLoss(t, z, { ...o, fromLogits: true });
      const b = (t: Tensor, z: Tensor) => binaryFocalLoss(t, sigmoid(z), o);
      expectClose(a(tensor(yt, { dtype: 'float64' }), tensor(x, { dtype: 'float64' })), b(tensor(yt, { dtype: 'float64' }), tensor(x, { dtype: 'float64' })), { atol: 1e-14, rtol: 1e-11 });
      expectClose(lossGrad(a, yt, x), lossGrad(b, yt, x), { atol: 1e-14, rtol: 1e-10 });
    }
  });
  it('labels and predictions of different shapes are a ShapeError, never a silent broadcast', () => {
    // The reference broadcasts: labels [3] against predictions [3, 1] make a [3, 3] loss, and the
    // class's mean of it is 0.510 where the per-element mean is 0.014.
    expect(() => new BinaryFocalLoss({ gamma: 2 }).call([0, 1, 1], [[0.2], [0.7], [0.9]])).toThrow(
      "binaryFocalLoss: argument 'yPred' expected the shape of yTrue, [3], got [3, 1]",
    );
    expect(() => binaryFocalLoss([[1], [0]], [0.2, 0.6, 0.9], { gamma: 2 })).toThrow(ShapeError);
    // Same shapes: the mean of −p²·log(1 − p), −(1 − p)²·log p, −(1 − p)²·log p (the focal-loss formula).
    const perElement = [-(0.2 ** 2) * Math.log(0.8), -(0.3 ** 2) * Math.log(0.7), -(0.1 ** 2) * Math.log(0.9)];
    expectClose(new BinaryFocalLoss({ gamma: 2, dtype: 'float64' }).call([[0], [1], [1]], [[0.2], [0.7], [0.9]]), (perElement[0]! + perElement[1]! + perElement[2]!) / 3, { atol: 0, rtol: 1e-12 });
  });
  it('the class averages over all elements (no rank fix-up)', () => {
    const loss = new BinaryFocalLoss({ gamma: 2 });
    const v = loss.call([[1, 0], [0, 1]], [[0.7, 0.2], [0.4, 0.9]]);
    expectClose(v, binaryFocalLoss([[1, 0], [0, 1]], [[0.7, 0.2], [0.4, 0.9]], { gamma: 2 }).mean(), { atol: 0, rtol: 1e-7 });
  });
});

describe('gradcheck + gradgradcheck over the option grid', () => {
  const cases: LossCase[] = [];
  let seed = 200;
  for (const fromLogits of [false, true]) {
    for (const labelSmoothing of [null, 0, 0.2]) {
      for (const gamma of [0, 0.5, 1, 2, 3.5, [0, 0.5, 2, 5]]) {
        for (const posWeight of [null, 0.3, [0.5, 1, 2, 4]]) {
          for (const soft of [false, true]) {
            const o: BinaryFocalLossOptions = { gamma, posWeight, labelSmoothing, fromLogits };
            cases.push({
              name: `fromLogits=${fromLogits} ls=${labelSmoothing} gamma=${JSON.stringify(gamma)} posWeight=${JSON.stringify(posWeight)} soft=${soft}`,
              loss: (t, q) => binaryFocalLoss(t, q, o),
              yTrue: soft ? uniform([3, 4], 0, 1, seed++) : bernoulli([3, 4], 0.5, seed++),
              yPred: fromLogits ? uniform([3, 4], -5, 5, seed++) : uniform([3, 4], 0.03, 0.97, seed++),
            });
          }
        }
      }
    }
  }
  testLossCases(cases);
});

describe('finite values and gradients at extreme inputs', () => {
  const cases: LossCase[] = [];
  for (const gamma of [0, 0.5, 2, 5, [0, 0.5, 5, 2]]) {
    for (const labels of [[[1, 0, 1, 0]], [[0.9, 0.1, 0.5, 0.3]]]) {
      for (const labelSmoothing of [null, 0.1]) {
        for (const posWeight of [null, 2]) {
          const o = { gamma, labelSmoothing, posWeight };
          const tag = `gamma=${JSON.stringify(gamma)} y=${JSON.stringify(labels)} ls=${labelSmoothing} pw=${posWeight}`;
          cases.push({ name: `logits ±1e4 ${tag}`, loss: (t, q) => binaryFocalLoss(t, q, { ...o, fromLogits: true }), yTrue: labels, yPred: [[1e4, -1e4, -1e4, 1e4]], check: 'finite' });
          cases.push({ name: `logits ∓1e4 ${tag}`, loss: (t, q) => binaryFocalLoss(t, q, { ...o, fromLogits: true }), yTrue: labels, yPred: [[-1e4, 1e4, 1e4, -1e4]], check: 'finite' });
          cases.push({ name: `probabilities 1/0 ${tag}`, loss: (t, q) => binaryFocalLoss(t, q, o), yTrue: labels, yPred: [[1, 0, 0, 1]], check: 'finite' });
          cases.push({ name: `probabilities 0/1 ${tag}`, loss: (t, q) => binaryFocalLoss(t, q, o), yTrue: labels, yPred: [[0, 1, 1, 0]], check: 'finite' });
        }
      }
    }
  }
  testLossCases(cases);
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
  const yt = [[0, 1, 1]];
  const yp = [[0.2, 0.7, 0.4]];
  it('gamma: required, >= 0, finite, per class of the right length', () => {
    bad(() => binaryFocalLoss(yt, yp, {} as BinaryFocalLossOptions), ValueError, 'gamma');
    bad(() => new BinaryFocalLoss({} as BinaryFocalLossOptions), ValueError, 'gamma');
    bad(() => binaryFocalLoss(yt, yp, { gamma: -1 }), ValueError, 'gamma');
    bad(() => binaryFocalLoss(yt, yp, { gamma: Infinity }), ValueError, 'gamma');
    bad(() => binaryFocalLoss(yt, yp, { gamma: [1, 2] }), ShapeError, 'gamma');
  });
  it('posWeight >= 0 and of the right length', () => {
    bad(() => binaryFocalLoss(yt, yp, { gamma: 2, posWeight: -0.5 }), ValueError, 'posWeight');
    bad(() => binaryFocalLoss(yt, yp, { gamma: 2, posWeight: [1, 2, 3, 4] }), ShapeError, 'posWeight');
    bad(() => new BinaryFocalLoss({ gamma: 2, posWeight: -1 }), ValueError, 'posWeight');
  });
  it('labelSmoothing in [0, 1], boolean fromLogits, broadcastable shapes', () => {
    bad(() => binaryFocalLoss(yt, yp, { gamma: 2, labelSmoothing: 1.2 }), ValueError, 'labelSmoothing');
    bad(() => binaryFocalLoss(yt, yp, { gamma: 2, fromLogits: 'no' as unknown as boolean }), ValueError, 'fromLogits');
    bad(() => binaryFocalLoss([[0, 1]], yp, { gamma: 2 }), ShapeError, 'yPred');
  });
  it('unknown reduction and unbroadcastable sample weights in the class', () => {
    bad(() => new BinaryFocalLoss({ gamma: 2, reduction: 'avg' as never }), ValueError, 'reduction');
    bad(() => new BinaryFocalLoss({ gamma: 2 }).call([[0, 1], [1, 1]], [[0.2, 0.7], [0.4, 0.5]], [1, 2, 3]), ShapeError, 'sampleWeight');
  });
});
