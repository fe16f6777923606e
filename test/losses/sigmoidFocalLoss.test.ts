import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, Tensor, softplus, tensor, mul, sub, sum } from '@focalgrad/tensor';
import { BinaryFocalCrossentropy, sigmoidFocalLoss, type SigmoidFocalLossOptions } from '@focalgrad/losses';
import { bernoulli, expectClose, lossGrad, testLossCases, uniform, type LossCase } from './harness.js';

const TV = 'pytorch/vision torchvision/ops/focal_loss.py';
const TV_TEST = 'pytorch/vision test/test_ops.py::TestFocalLoss';

/** torchvision's function, transcribed elementwise in float64. */
function reference(x: number, t: number, alpha: number, gamma: number): number {
  const p = 1 / (1 + Math.exp(-x));
  const ce = Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
  const pt = p * t + (1 - p) * (1 - t);
  let loss = ce * (1 - pt) ** gamma;
  if (alpha >= 0) loss *= alpha * t + (1 - alpha) * (1 - t);
  return loss;
}

describe(`${TV} semantics`, () => {
  const x = uniform([4, 6], -4, 4, 1);
  const t = uniform([4, 6], 0, 1, 2);
  it('elementwise formula with soft targets, for alpha in {-1, 0, 0.25, 0.58, 1} and gamma in {0, 0.5, 2, 3}', () => {
    for (const alpha of [-1, 0, 0.25, 0.58, 1]) {
      for (const gamma of [0, 0.5, 2, 3]) {
        const v = sigmoidFocalLoss(tensor(x, { dtype: 'float64' }), t, { alpha, gamma });
        const expected = (x as number[][]).map((r, i) => r.map((xi, j) => reference(xi, (t as number[][])[i]![j]!, alpha, gamma)));
        expectClose(v, expected, { atol: 1e-15, rtol: 1e-12 }, `alpha=${alpha} gamma=${gamma}`);
      }
    }
  });
  it("reduction 'none' (default), 'mean' over all elements, 'sum'", () => {
    const xx = tensor(x, { dtype: 'float64' });
    const none = sigmoidFocalLoss(xx, t);
    expect(none.shape).toEqual([4, 6]);
    const s = Array.from(none.data).reduce((a, b) => a + b, 0);
    expectClose(sigmoidFocalLoss(xx, t, { reduction: 'sum' }), s, { atol: 0, rtol: 1e-14 });
    expectClose(sigmoidFocalLoss(xx, t, { reduction: 'mean' }), s / 24, { atol: 0, rtol: 1e-14 });
  });
  it("equals Keras BinaryFocalCrossentropy(applyClassBalancing, alpha 0.25, fromLogits) with reduction 'mean', value and gradient", () => {
    const yt = bernoulli([4, 6], 0.3, 3);
    const tv = (tt: Tensor, z: Tensor) => sigmoidFocalLoss(z, tt, { alpha: 0.25, reduction: 'mean' });
    const keras = new BinaryFocalCrossentropy({ applyClassBalancing: true, alpha: 0.25, fromLogits: true });
    const k = (tt: Tensor, z: Tensor) => keras.call(tt, z);
    const tt = tensor(yt, { dtype: 'float64' });
    const xx = tensor(x, { dtype: 'float64' });
    expectClose(tv(tt, xx), k(tt, xx), { atol: 1e-15, rtol: 1e-13 });
    expectClose(lossGrad(tv, yt, x), lossGrad(k, yt, x), { atol: 1e-15, rtol: 1e-12 });
    // alpha = -1 equals Keras without balancing; soft targets t = y(1 − ls) + ls/2 reproduce Keras label smoothing.
    const ls = 0.2;
    const smoothed = (yt as number[][]).map((r) => r.map((y) => y * (1 - ls) + ls / 2));
    expectClose(
      sigmoidFocalLoss(xx, smoothed, { alpha: -1, gamma: 3, reduction: 'mean' }),
      new BinaryFocalCrossentropy({ gamma: 3, fromLogits: true, labelSmoothing: ls }).call(tt, xx),
      { atol: 1e-15, rtol: 1e-13 },
    );
  });
  it('the float32 default: the seed example through torchvision (mean of Keras balanced example 1: 0.51)', () => {
    // Keras example 1 with apply_class_balancing, gamma=2 is 0.51 (seed 001); TV's mean is the same number.
    const v = sigmoidFocalLoss([-18.6, 0.51, 2.94, -12.8], [0, 1, 0, 0], { reduction: 'mean' });
    expect(Math.abs(v.item() - 0.51)).toBeLessThan(0.01);
    expect(v.dtype).toBe('float32');
  });
});

describe(`${TV_TEST}`, () => {
  const x = uniform([10, 5], -6, 6, 5);
  const t = bernoulli([10, 5], 0.5, 6);
  it('test_correct_ratio: focal / ce == (1 − p_t)^γ · α_t and focal <= ce, α ∈ {-1, 0, 0.58, 1}, γ ∈ {0, 2}', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const xx = tensor(x, { dtype });
      const tt = tensor(t, { dtype });
      // F.binary_cross_entropy_with_logits: the stable form, here in float64 on the dtype's inputs.
      const sp = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
      const ce = { data: Array.from(xx.data).map((xi, i) => tt.data[i]! * sp(-xi) + (1 - tt.data[i]!) * sp(xi)) };
      for (const alpha of [-1, 0, 0.58, 1]) {
        for (const gamma of [0, 2]) {
          const focal = sigmoidFocalLoss(xx, tt, { alpha, gamma });
          const ratio = Array.from(focal.data).map((f, i) => f / ce.data[i]!);
          const expected = Array.from(xx.data).map((xi, i) => {
            const p = 1 / (1 + Math.exp(-xi));
            const ti = tt.data[i]!;
            const pt = p * ti + (1 - p) * (1 - ti);
            return (1 - pt) ** gamma * (alpha >= 0 ? alpha * ti + (1 - alpha) * (1 - ti) : 1);
          });
          // torchvision tolerance: 1e-5 for float32; tighter in float64.
          expectClose(ratio, expected, dtype === 'float32' ? { atol: 1e-5, rtol: 1e-5 } : { atol: 1e-12, rtol: 1e-12 });
          Array.from(focal.data).forEach((f, i) => expect(f).toBeLessThanOrEqual(ce.data[i]! * (1 + 1e-6)));
        }
      }
    }
  });
  it('test_equal_ce_loss: alpha = -1, gamma = 0 equals BCE with logits, value and gradient', () => {
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      const tv = (tt: Tensor, z: Tensor) => sigmoidFocalLoss(z, tt, { alpha: -1, gamma: 0, reduction });
      const bce = (tt: Tensor, z: Tensor) => {
        const e = sub(softplus(z), mul(z, tt));
        return reduction === 'none' ? e : reduction === 'sum' ? sum(e) : e.mean();
      };
      const tt = tensor(t, { dtype: 'float64' });
      const xx = tensor(x, { dtype: 'float64' });
      expectClose(tv(tt, xx), bce(tt, xx), { atol: 1e-15, rtol: 1e-13 });
      expectClose(lossGrad(tv, t, x), lossGrad(bce, t, x), { atol: 1e-15, rtol: 1e-12 });
    }
  });
});

describe('gradcheck + gradgradcheck over the option grid', () => {
  const cases: LossCase[] = [];
  let seed = 300;
  for (const alpha of [-1, 0, 0.25, 1, [0.1, -1, 0.5, 0.9]]) {
    for (const gamma of [0, 0.5, 1, 2, 3.5, [0, 0.5, 2, 5]]) {
      for (const reduction of ['none', 'mean', 'sum'] as const) {
        for (const soft of [false, true]) {
          const o: SigmoidFocalLossOptions = { alpha, gamma, reduction };
          cases.push({
            name: `alpha=${JSON.stringify(alpha)} gamma=${JSON.stringify(gamma)} reduction=${reduction} soft=${soft}`,
            loss: (t, x) => sigmoidFocalLoss(x, t, o),
            yTrue: soft ? uniform([3, 4], 0, 1, seed++) : bernoulli([3, 4], 0.5, seed++),
            yPred: uniform([3, 4], -5, 5, seed++),
          });
        }
      }
    }
  }
  for (const gamma of [0, 0.5, 2, 5, [0, 0.5, 5, 2]]) {
    for (const labels of [[[1, 0, 1, 0]], [[0.9, 0.1, 0.5, 0.3]]]) {
      for (const alpha of [-1, 0.25]) {
        cases.push({
          name: `finite at ±1e4: gamma=${JSON.stringify(gamma)} y=${JSON.stringify(labels)} alpha=${alpha}`,
          loss: (t, x) => sigmoidFocalLoss(x, t, { alpha, gamma, reduction: 'mean' }),
          yTrue: labels,
          yPred: [[1e4, -1e4, -1e4, 1e4]],
          check: 'finite',
        });
        cases.push({
          name: `finite at ∓1e4: gamma=${JSON.stringify(gamma)} y=${JSON.stringify(labels)} alpha=${alpha}`,
          loss: (t, x) => sigmoidFocalLoss(x, t, { alpha, gamma }),
          yTrue: labels,
          yPred: [[-1e4, 1e4, 1e4, -1e4]],
          check: 'finite',
        });
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
  it('reduction, shapes, gamma, alpha', () => {
    bad(() => sigmoidFocalLoss([1, 2], [0, 1], { reduction: 'avg' as never }), ValueError, 'reduction');
    bad(() => sigmoidFocalLoss([1, 2], [0, 1, 1]), ShapeError, 'targets');
    bad(() => sigmoidFocalLoss([1, 2], [0, 1], { gamma: -2 }), ValueError, 'gamma');
    bad(() => sigmoidFocalLoss([1, 2], [0, 1], { gamma: [1, 2, 3] }), ShapeError, 'gamma');
    bad(() => sigmoidFocalLoss([1, 2], [0, 1], { alpha: NaN }), ValueError, 'alpha');
    bad(() => sigmoidFocalLoss([[1, 2]], [[0, 1]], { alpha: [0.5] }), ShapeError, 'alpha');
  });
});
