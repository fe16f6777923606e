import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, Tensor, grad, sigmoid, sum, tensor } from '@focalgrad/tensor';
import {
  BinaryFocalCrossentropy,
  binaryCrossentropy,
  binaryFocalCrossentropy,
  type BinaryFocalCrossentropyOptions,
} from '@focalgrad/losses';
import { bernoulli, expectClose, expectPrinted, lossGrad, runLossCase, testLossCases, uniform, type LossCase } from './harness.js';

const DOC_PAGE = 'https://www.tensorflow.org/api_docs/python/tf/keras/losses/BinaryFocalCrossentropy';
const KERAS_TEST = 'keras-team/keras keras/src/losses/losses_test.py';

// The tf.keras BinaryFocalCrossentropy doc page (seed file above): every printed number.
describe(`tf.keras BinaryFocalCrossentropy doc page (${DOC_PAGE})`, () => {
  const yt1 = [0, 1, 0, 0];
  const yp1 = [-18.6, 0.51, 2.94, -12.8];
  const yt2 = [[0, 1], [0, 0]];
  const yp2 = [[-18.6, 0.51], [2.94, -12.8]];
  const bfce = (o: ConstructorParameters<typeof BinaryFocalCrossentropy>[0]) => new BinaryFocalCrossentropy(o);

  it('example 1: gamma=2 from logits -> 0.691', () => {
    expectPrinted(bfce({ gamma: 2, fromLogits: true }).call(yt1, yp1), '0.691');
  });
  it('example 1: apply_class_balancing, gamma=2 -> 0.51', () => {
    expectPrinted(bfce({ applyClassBalancing: true, gamma: 2, fromLogits: true }).call(yt1, yp1), '0.51');
  });
  it("example 2: gamma=3, 'auto'/'sum_over_batch_size' -> 0.647", () => {
    expectPrinted(bfce({ gamma: 3, fromLogits: true }).call(yt2, yp2), '0.647');
  });
  it('example 2: apply_class_balancing, gamma=3 -> 0.482', () => {
    expectPrinted(bfce({ applyClassBalancing: true, gamma: 3, fromLogits: true }).call(yt2, yp2), '0.482');
  });
  it('example 2: sample_weight=[0.8, 0.2], gamma=3 -> 0.133', () => {
    expectPrinted(bfce({ gamma: 3, fromLogits: true }).call(yt2, yp2, [0.8, 0.2]), '0.133');
  });
  it('example 2: sample_weight=[0.8, 0.2], apply_class_balancing, gamma=3 -> 0.097', () => {
    expectPrinted(bfce({ applyClassBalancing: true, gamma: 3, fromLogits: true }).call(yt2, yp2, [0.8, 0.2]), '0.097');
  });
  it("example 2: reduction SUM, gamma=4 -> 1.222", () => {
    expectPrinted(bfce({ gamma: 4, fromLogits: true, reduction: 'sum' }).call(yt2, yp2), '1.222');
  });
  it('example 2: reduction SUM, apply_class_balancing, gamma=4 -> 0.914', () => {
    expectPrinted(bfce({ applyClassBalancing: true, gamma: 4, fromLogits: true, reduction: 'sum' }).call(yt2, yp2), '0.914');
  });
  it('example 2: reduction NONE, gamma=5 -> [0.0017 1.1561]', () => {
    expectPrinted(bfce({ gamma: 5, fromLogits: true, reduction: 'none' }).call(yt2, yp2), ['0.0017', '1.1561']);
  });
  it('example 2: reduction NONE, apply_class_balancing, gamma=5 -> [0.0004 0.8670]', () => {
    const v = bfce({ applyClassBalancing: true, gamma: 5, fromLogits: true, reduction: 'none' }).call(yt2, yp2);
    // 0.8670 is printed truncated (the exact value is 0.867077); checked at its precision and tightly below.
    expectPrinted(v, ['0.0004', '0.8670']);
    // Tight float64 recomputation from the formula: row 2 = mean over (y=0, x=2.94), (y=0, x=-12.8)
    // of (1-α)·σ(x)^5·softplus(x).
    const sp = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    const sg = (x: number) => 1 / (1 + Math.exp(-x));
    const row2 = (0.75 * sg(2.94) ** 5 * sp(2.94) + 0.75 * sg(-12.8) ** 5 * sp(-12.8)) / 2;
    expectClose(v.data[1]!, row2, { atol: 0, rtol: 1e-6 }); // float32 output
  });
});

describe(`Keras BinaryFocalCrossentropyTest (${KERAS_TEST})`, () => {
  // Keras's assertAlmostEqual(x, y, 3) is np.testing.assert_almost_equal: |x − y| < 1.5e-3.
  const almost = (actual: Tensor, expected: number, decimal = 3) => expect(Math.abs(actual.item() - expected)).toBeLessThan(1.5 * 10 ** -decimal);
  const yt = [[1, 0], [1, 0]];
  const yp = [[0.9, 0.8], [0.7, 0.2]];
  const lt = [[1, 1, 0], [0, 1, 0]];
  const lx = [[1.5, -2.7, 2.9], [-3.8, 1.2, -4.5]];

  it('test_all_correct_unweighted: 0.0 (probabilities gamma=1.5, logits ±100 gamma=2)', () => {
    const eye = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    almost(new BinaryFocalCrossentropy({ gamma: 1.5 }).call(eye, eye), 0);
    const logits = [[100, -100, -100], [-100, 100, -100], [-100, -100, 100]];
    almost(new BinaryFocalCrossentropy({ gamma: 2, fromLogits: true }).call(eye, logits), 0);
  });
  it('test_unweighted: 0.268 (probabilities), 0.799 (logits, gamma=3)', () => {
    almost(new BinaryFocalCrossentropy({ gamma: 2 }).call(yt, yp), 0.268);
    almost(new BinaryFocalCrossentropy({ gamma: 3, fromLogits: true }).call(lt, lx), 0.799);
  });
  it('test_scalar_weighted: 0.3296 (sample_weight 1.23), 2.565 (logits, 3.21)', () => {
    almost(new BinaryFocalCrossentropy({ gamma: 2 }).call(yt, yp, 1.23), 0.3296);
    almost(new BinaryFocalCrossentropy({ gamma: 3, fromLogits: true }).call(lt, lx, 3.21), 2.565);
  });
  it('test_sample_weighted: 0.34415 and 0.95977 (rounded hand values), exact 0.344201 / 0.960096', () => {
    const sw = [[1.2], [3.4]];
    const a = new BinaryFocalCrossentropy({ gamma: 2 }).call(yt, yp, sw);
    const b = new BinaryFocalCrossentropy({ gamma: 3, fromLogits: true }).call(lt, lx, sw);
    almost(a, 0.34415);
    almost(b, 0.95977);
    // Float64 recomputation from the formula: the test's expectations are hand-rounded.
    const r1 = (0.1 ** 2 * -Math.log(0.9) + 0.8 ** 2 * -Math.log(0.2)) / 2;
    const r2 = (0.3 ** 2 * -Math.log(0.7) + 0.2 ** 2 * -Math.log(0.8)) / 2;
    expectClose(a.item(), (1.2 * r1 + 3.4 * r2) / 2, { atol: 0, rtol: 1e-6 });
    expectPrinted(a, '0.344201');
    expectPrinted(b, '0.960096');
  });
  it('test_no_reduction: (0.515547, 0.020513) with assertAllClose atol = rtol = 1e-6', () => {
    const v = new BinaryFocalCrossentropy({ gamma: 2, reduction: null }).call(yt, yp);
    expectClose(v, [0.515547, 0.020513], { atol: 1e-6, rtol: 1e-6 });
  });
  it('test_config: name round-trips through getConfig / fromConfig', () => {
    const loss = new BinaryFocalCrossentropy({ name: 'bfce' });
    const again = BinaryFocalCrossentropy.fromConfig(loss.getConfig());
    expect(again.name).toBe('bfce');
    expect(again.getConfig()).toEqual(loss.getConfig());
  });
});

describe('keras binary_focal_crossentropy docstring (keras/src/losses/losses.py)', () => {
  it('[[0, 1], [0, 0]] vs [[0.6, 0.4], [0.4, 0.6]], gamma=2 -> array([0.330, 0.206])', () => {
    const v = binaryFocalCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], { gamma: 2 });
    expect(v.shape).toEqual([2]);
    expectPrinted(v, ['0.330', '0.206']);
  });
  it('float64 input keeps float64 (the function keeps y_pred dtype)', () => {
    const v = binaryFocalCrossentropy([[0, 1]], tensor([[0.6, 0.4]], { dtype: 'float64' }), { gamma: 2 });
    expect(v.dtype).toBe('float64');
    expectClose(v, [0.36 * -Math.log(0.4)], { atol: 0, rtol: 1e-14 });
  });
});

// ---------------------------------------------------------------------------------------------
// Semantics

describe('Keras semantics', () => {
  const yt = bernoulli([4, 5], 0.4, 1);
  const x = uniform([4, 5], -4, 4, 2);
  const p = uniform([4, 5], 0.02, 0.98, 3);

  it('alpha is ignored unless applyClassBalancing (tensorflow#61519)', () => {
    const a = binaryFocalCrossentropy(yt, p, { alpha: 0.25 });
    const b = binaryFocalCrossentropy(yt, p, { alpha: 1 });
    expectClose(a, b, { atol: 0, rtol: 0 });
    // The report's alpha = 10 is outside [0, 1], where 1 − α would be a negative weight: an error
    // here even while it is ignored, so that the mistake is seen.
    expect(() => binaryFocalCrossentropy(yt, p, { alpha: 10 })).toThrow("binaryFocalCrossentropy: argument 'alpha' expected a number in [0, 1], got 10");
  });

  it('gamma = 0 (no balancing) equals binaryCrossentropy: value and gradient, both paths, with smoothing and axis', () => {
    for (const fromLogits of [false, true]) {
      for (const labelSmoothing of [0, 0.2]) {
        for (const axis of [-1, 0]) {
          const pred = fromLogits ? x : p;
          const o = { fromLogits, labelSmoothing, axis };
          const f = (t: Tensor, q: Tensor) => binaryFocalCrossentropy(t, q, { ...o, gamma: 0 });
          const g = (t: Tensor, q: Tensor) => binaryCrossentropy(t, q, o);
          const tt = tensor(yt, { dtype: 'float64' });
          const pp = tensor(pred, { dtype: 'float64' });
          expectClose(f(tt, pp), g(tt, pp), { atol: 1e-15, rtol: 1e-14 }, `value ${JSON.stringify(o)}`);
          expectClose(lossGrad(f, yt, pred), lossGrad(g, yt, pred), { atol: 1e-15, rtol: 1e-14 }, `gradient ${JSON.stringify(o)}`);
        }
      }
    }
  });

  it('fromLogits equals the probability path on sigmoid of the logits away from saturation (value and gradient)', () => {
    for (const o of [
      { gamma: 2 },
      { gamma: 0.5, applyClassBalancing: true, alpha: 0.3 },
      { gamma: 3, labelSmoothing: 0.1 },
      { gamma: [1, 2, 0, 0.5, 4], applyClassBalancing: true, alpha: [0.1, 0.2, 0.3, 0.4, 0.5] },
    ] satisfies BinaryFocalCrossentropyOptions[]) {
      const viaLogits = (t: Tensor, z: Tensor) => binaryFocalCrossentropy(t, z, { ...o, fromLogits: true });
      const viaProbs = (t: Tensor, z: Tensor) => binaryFocalCrossentropy(t, sigmoid(z), { ...o, fromLogits: false });
      const tt = tensor(yt, { dtype: 'float64' });
      const xx = tensor(x, { dtype: 'float64' });
      expectClose(viaLogits(tt, xx), viaProbs(tt, xx), { atol: 1e-14, rtol: 1e-12 }, `value ${JSON.stringify(o)}`);
      expectClose(lossGrad(viaLogits, yt, x), lossGrad(viaProbs, yt, x), { atol: 1e-14, rtol: 1e-11 }, `gradient ${JSON.stringify(o)}`);
    }
  });

  it('matches the formula elementwise (float64), including soft labels and label smoothing', () => {
    const soft = uniform([3, 4], 0, 1, 9);
    const probs = uniform([3, 4], 0.01, 0.99, 10);
    for (const ls of [0, 0.3]) {
      const v = binaryFocalCrossentropy(tensor(soft, { dtype: 'float64' }), tensor(probs, { dtype: 'float64' }), {
        gamma: 1.7,
        applyClassBalancing: true,
        alpha: 0.6,
        labelSmoothing: ls,
      });
      const rows = (soft as number[][]).map((r, i) =>
        r.reduce((acc, y0, j) => {
          const y = y0 * (1 - ls) + 0.5 * ls;
          const q = (probs as number[][])[i]![j]!;
          const pt = y * q + (1 - y) * (1 - q);
          const bce = -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
          return acc + (y * 0.6 + (1 - y) * 0.4) * (1 - pt) ** 1.7 * bce;
        }, 0) / r.length,
      );
      expectClose(v, rows, { atol: 1e-15, rtol: 1e-12 });
    }
  });

  it('probability path: BCE clipped to [1e-7, 1 - 1e-7] (float32 bound 0.99999988), focal factor from the raw p', () => {
    // y = 1, p = 0: focal factor 1, BCE = -log(1e-7) = 16.118, gamma irrelevant.
    expectClose(binaryFocalCrossentropy([1], tensor([0], { dtype: 'float64' }), { gamma: 2 }), [-Math.log(1e-7)], { atol: 0, rtol: 1e-12 });
    // y = 0, p = 1 in float32: BCE = -log(1 - 0.99999988) = 15.942.
    expectClose(binaryFocalCrossentropy([0], [1], { gamma: 2 }), [-Math.log(1 - Math.fround(1 - 1e-7))], { atol: 0, rtol: 1e-6 });
    // The gradient at p = 0, y = 1 comes from the focal factor only: -γ·(-log 1e-7) = -32.236.
    const g = grad((q: Tensor) => sum(binaryFocalCrossentropy(tensor([1], { dtype: 'float64' }), q, { gamma: 2 })))(tensor([0], { dtype: 'float64' }));
    expectClose(g, [-2 * -Math.log(1e-7)], { atol: 0, rtol: 1e-12 });
  });

  it('logits path is unclipped: y = 1, x = -20 gives softplus(20) = 20.0 (the TF backend)', () => {
    const v = binaryFocalCrossentropy(tensor([1], { dtype: 'float64' }), tensor([-20], { dtype: 'float64' }), { gamma: 2, fromLogits: true });
    const sp = 20 + Math.log1p(Math.exp(-20));
    expectClose(v, [(1 / (1 + Math.exp(-20))) ** 2 * sp], { atol: 0, rtol: 1e-14 });
  });

  it('mean over a non-last axis', () => {
    const t = tensor(yt, { dtype: 'float64' });
    const q = tensor(p, { dtype: 'float64' });
    const v0 = binaryFocalCrossentropy(t, q, { axis: 0, gamma: 2 });
    const vT = binaryFocalCrossentropy(t.transpose(), q.transpose(), { axis: -1, gamma: 2 });
    expect(v0.shape).toEqual([5]);
    expectClose(v0, vT, { atol: 1e-15, rtol: 1e-13 });
  });

  it('the class expands y_true (N,) against y_pred (N, 1): per-sample losses of shape (N,)', () => {
    const loss = new BinaryFocalCrossentropy({ gamma: 2, reduction: 'none' });
    const v = loss.call([1, 0, 1], [[0.8], [0.3], [0.4]]);
    expect(v.shape).toEqual([3]);
    expectClose(v, binaryFocalCrossentropy([[1], [0], [1]], [[0.8], [0.3], [0.4]], { gamma: 2 }), { atol: 0, rtol: 0 });
  });

  it('1-D inputs: the per-sample loss is a scalar and every reduction returns it (Keras reduce_values)', () => {
    const a = new BinaryFocalCrossentropy({ reduction: 'sum' }).call([0, 1], [0.3, 0.6]);
    const b = new BinaryFocalCrossentropy({ reduction: 'none' }).call([0, 1], [0.3, 0.6]);
    expect(a.shape).toEqual([]);
    expectClose(a, b, { atol: 0, rtol: 0 });
  });

  it('per-class gamma and alpha along the last axis equal per-column scalar losses (value and gradient)', () => {
    const G = [0, 0.5, 2, 3, 1.5];
    const A = [0.1, 0.25, 0.5, 0.75, 0.9];
    for (const fromLogits of [false, true]) {
      const pred = fromLogits ? x : p;
      const full = binaryFocalCrossentropy(tensor(yt, { dtype: 'float64' }), tensor(pred, { dtype: 'float64' }), {
        gamma: G,
        alpha: A,
        applyClassBalancing: true,
        fromLogits,
      });
      const cols = G.map((g, j) =>
        binaryFocalCrossentropy(
          (yt as number[][]).map((r) => [r[j]!]),
          tensor((pred as number[][]).map((r) => [r[j]!]), { dtype: 'float64' }),
          { gamma: g, alpha: A[j]!, applyClassBalancing: true, fromLogits },
        ),
      );
      const expected = (yt as number[][]).map((_, i) => cols.reduce((s, c) => s + c.data[i]!, 0) / G.length);
      expectClose(full, expected, { atol: 1e-15, rtol: 1e-12 });
      const gFull = lossGrad((t, q) => binaryFocalCrossentropy(t, q, { gamma: G, alpha: A, applyClassBalancing: true, fromLogits }), yt, pred);
      const gCols = G.map((g, j) =>
        lossGrad(
          (t, q) => binaryFocalCrossentropy(t, q, { gamma: g, alpha: A[j]!, applyClassBalancing: true, fromLogits }),
          (yt as number[][]).map((r) => [r[j]!]),
          (pred as number[][]).map((r) => [r[j]!]),
        ),
      );
      const expectedGrad = (yt as number[][]).flatMap((_, i) => G.map((__, j) => gCols[j]![i]! / G.length));
      expectClose(gFull, expectedGrad, { atol: 1e-15, rtol: 1e-12 });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Gradients: every option combination through the shared helper (float64).

describe('gradcheck + gradgradcheck over the option grid', () => {
  const hard = bernoulli([3, 4], 0.5, 11);
  const soft = uniform([3, 4], 0, 1, 12);
  const cases: LossCase[] = [];
  let seed = 100;
  for (const fromLogits of [false, true]) {
    for (const applyClassBalancing of [false, true]) {
      for (const labelSmoothing of [0, 0.15]) {
        for (const gamma of [0, 0.5, 1, 2, 3.5, [0, 0.5, 2, 5]] as const) {
          for (const [labelName, labels] of [['hard', hard], ['soft', soft]] as const) {
            for (const axis of [-1, 0]) {
              const pred = fromLogits ? uniform([3, 4], -5, 5, seed++) : uniform([3, 4], 0.03, 0.97, seed++);
              const o: BinaryFocalCrossentropyOptions = { fromLogits, applyClassBalancing, alpha: [0.2, 0.4, 0.6, 0.8], labelSmoothing, gamma: gamma as number | number[], axis };
              if (applyClassBalancing && labelName === 'hard') o.alpha = 0.3;
              cases.push({
                name: `fromLogits=${fromLogits} balanced=${applyClassBalancing} ls=${labelSmoothing} gamma=${JSON.stringify(gamma)} ${labelName} axis=${axis}`,
                loss: (t, q) => binaryFocalCrossentropy(t, q, o),
                yTrue: labels,
                yPred: pred,
              });
            }
          }
        }
      }
    }
  }
  testLossCases(cases);

  it('the class with sample weights and every reduction', () => {
    for (const reduction of ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none'] as const) {
      const loss = new BinaryFocalCrossentropy({ gamma: 2, fromLogits: true, applyClassBalancing: true, reduction });
      runLossCase({ name: reduction, loss: (t, q) => loss.call(t, q, tensor([0.5, 2, 1], { dtype: 'float64' })), yTrue: hard, yPred: uniform([3, 4], -3, 3, 5) });
    }
  });
});


// ---------------------------------------------------------------------------------------------
// Stability: logits ±1e4, probabilities exactly 0 and 1, gamma 0 / 0.5 / 5, soft labels.

describe('finite values and gradients at extreme inputs', () => {
  const cases: LossCase[] = [];
  for (const gamma of [0, 0.5, 2, 5, [0, 0.5, 5, 2]] as const) {
    for (const labels of [[[1, 0, 1, 0]], [[0.9, 0.1, 0.5, 0.3]]]) {
      for (const applyClassBalancing of [false, true]) {
        for (const labelSmoothing of [0, 0.1]) {
          const o = { gamma: gamma as number | number[], applyClassBalancing, labelSmoothing };
          cases.push({
            name: `logits ±1e4 gamma=${JSON.stringify(gamma)} y=${JSON.stringify(labels)} bal=${applyClassBalancing} ls=${labelSmoothing}`,
            loss: (t, q) => binaryFocalCrossentropy(t, q, { ...o, fromLogits: true }),
            yTrue: labels,
            yPred: [[1e4, -1e4, -1e4, 1e4]],
            check: 'finite',
          });
          cases.push({
            name: `logits ±1e4 (correct side) gamma=${JSON.stringify(gamma)} y=${JSON.stringify(labels)} bal=${applyClassBalancing} ls=${labelSmoothing}`,
            loss: (t, q) => binaryFocalCrossentropy(t, q, { ...o, fromLogits: true }),
            yTrue: labels,
            yPred: [[-1e4, 1e4, -1e4, 1e4]],
            check: 'finite',
          });
          cases.push({
            name: `probabilities 0 and 1 gamma=${JSON.stringify(gamma)} y=${JSON.stringify(labels)} bal=${applyClassBalancing} ls=${labelSmoothing}`,
            loss: (t, q) => binaryFocalCrossentropy(t, q, { ...o, fromLogits: false }),
            yTrue: labels,
            yPred: [[1, 0, 0, 1]],
            check: 'finite',
          });
          cases.push({
            name: `probabilities 1 and 0 gamma=${JSON.stringify(gamma)} y=${JSON.stringify(labels)} bal=${applyClassBalancing} ls=${labelSmoothing}`,
            loss: (t, q) => binaryFocalCrossentropy(t, q, { ...o, fromLogits: false }),
            yTrue: labels,
            yPred: [[0, 1, 1, 0]],
            check: 'finite',
          });
        }
      }
    }
  }
  testLossCases(cases);

  it('float32 logits ±1e4 and ±3e38', () => {
    for (const z of [1e4, 3e38]) {
      const v = binaryFocalCrossentropy([[1, 0, 1, 0]], [[z, -z, -z, z]], { fromLogits: true, gamma: 0.5 });
      expect(Number.isFinite(v.item())).toBe(true);
      const g = lossGrad((t, q) => binaryFocalCrossentropy(t, q, { fromLogits: true, gamma: 0.5 }), [[1, 0, 1, 0]], [[z, -z, -z, z]], 'float32');
      g.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    }
  });

  it('one-sided limit at p_t = 1 for 0 < gamma < 1: the derivative at the clip boundary 1 - p_t = 1e-7', () => {
    // y = 1, p = 1: loss c·(1-p)^γ with c = -log(1 - 1e-7) constant inside the clip zone; the
    // derivative is taken at 1 - p = 1e-7: -γ·(1e-7)^(γ-1)·c.
    const gamma = 0.5;
    const g = lossGrad((t, q) => binaryFocalCrossentropy(t, q, { gamma }), [1], [1]);
    const c = -Math.log(1 - 1e-7);
    expectClose(g, [-gamma * 1e-7 ** (gamma - 1) * c], { atol: 0, rtol: 1e-9 });
    // Frozen across the clip zone (0 < 1 - p < 1e-7), where the reference's clipped BCE is constant.
    const gIn = lossGrad((t, q) => binaryFocalCrossentropy(t, q, { gamma }), [1], [1 - 5e-8]);
    expectClose(gIn, g, { atol: 0, rtol: 1e-9 });
    // y = 0, p = 0 mirrors it with the opposite sign.
    expectClose(lossGrad((t, q) => binaryFocalCrossentropy(t, q, { gamma }), [0], [0]), [-g[0]!], { atol: 0, rtol: 1e-9 });
  });
});

// ---------------------------------------------------------------------------------------------
// Bad inputs: typed errors naming the argument.

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

  it('mismatched shapes', () => bad(() => binaryFocalCrossentropy([[0, 1]], yp), ShapeError, 'yTrue'));
  it('negative, NaN or infinite gamma', () => {
    bad(() => binaryFocalCrossentropy(yt, yp, { gamma: -1 }), ValueError, 'gamma');
    bad(() => binaryFocalCrossentropy(yt, yp, { gamma: NaN }), ValueError, 'gamma');
    bad(() => binaryFocalCrossentropy(yt, yp, { gamma: Infinity }), ValueError, 'gamma');
    bad(() => binaryFocalCrossentropy(yt, yp, { gamma: [1, -2, 3] }), ValueError, 'gamma[1]');
    bad(() => new BinaryFocalCrossentropy({ gamma: -0.5 }), ValueError, 'gamma');
  });
  it('per-class arrays of the wrong length', () => {
    bad(() => binaryFocalCrossentropy(yt, yp, { gamma: [1, 2] }), ShapeError, 'gamma');
    bad(() => binaryFocalCrossentropy(yt, yp, { alpha: [0.1, 0.2, 0.3, 0.4], applyClassBalancing: true }), ShapeError, 'alpha');
  });
  it('non-finite alpha', () => bad(() => binaryFocalCrossentropy(yt, yp, { alpha: NaN }), ValueError, 'alpha'));
  it('labelSmoothing outside [0, 1]', () => {
    bad(() => binaryFocalCrossentropy(yt, yp, { labelSmoothing: 1.5 }), ValueError, 'labelSmoothing');
    bad(() => binaryFocalCrossentropy(yt, yp, { labelSmoothing: -0.1 }), ValueError, 'labelSmoothing');
    bad(() => new BinaryFocalCrossentropy({ labelSmoothing: 2 }), ValueError, 'labelSmoothing');
  });
  it('non-boolean flags', () => {
    bad(() => binaryFocalCrossentropy(yt, yp, { fromLogits: 1 as unknown as boolean }), ValueError, 'fromLogits');
    bad(() => binaryFocalCrossentropy(yt, yp, { applyClassBalancing: 'yes' as unknown as boolean }), ValueError, 'applyClassBalancing');
    bad(() => new BinaryFocalCrossentropy({ fromLogits: 'true' as unknown as boolean }), ValueError, 'fromLogits');
  });
  it('axis out of range or not an integer', () => {
    bad(() => binaryFocalCrossentropy(yt, yp, { axis: 2 }), ShapeError, 'axis');
    bad(() => binaryFocalCrossentropy(yt, yp, { axis: 0.5 }), ValueError, 'axis');
  });
  it('unknown reduction', () => bad(() => new BinaryFocalCrossentropy({ reduction: 'avg' as never }), ValueError, 'reduction'));
  it('sampleWeight that cannot broadcast', () => {
    bad(() => new BinaryFocalCrossentropy().call([[0, 1], [1, 0]], [[0.2, 0.7], [0.4, 0.1]], [1, 2, 3]), ShapeError, 'sampleWeight');
  });
});

describe('class API', () => {
  it('getConfig / fromConfig round trip with per-class parameters', () => {
    const loss = new BinaryFocalCrossentropy({ gamma: [1, 2], alpha: [0.3, 0.7], applyClassBalancing: true, fromLogits: true, labelSmoothing: 0.1, axis: -1, reduction: 'sum', name: 'x', dtype: 'float64' });
    const cfg = loss.getConfig();
    expect(cfg).toEqual({ reduction: 'sum', name: 'x', dtype: 'float64', applyClassBalancing: true, alpha: [0.3, 0.7], gamma: [1, 2], fromLogits: true, labelSmoothing: 0.1, axis: -1 });
    const again = BinaryFocalCrossentropy.fromConfig(cfg);
    const yt = [[0, 1], [1, 1]];
    const yp = [[-1, 2], [0.5, -0.3]];
    expectClose(again.call(yt, yp), loss.call(yt, yp), { atol: 0, rtol: 0 });
    expect(loss.call(yt, yp).dtype).toBe('float64');
  });
  it('defaults are Keras defaults', () => {
    expect(new BinaryFocalCrossentropy().getConfig()).toEqual({
      reduction: 'sum_over_batch_size',
      name: 'binary_focal_crossentropy',
      dtype: null,
      applyClassBalancing: false,
      alpha: 0.25,
      gamma: 2,
      fromLogits: false,
      labelSmoothing: 0,
      axis: -1,
    });
  });
  it('yTrue receives no gradient (labels are constants)', () => {
    const t = tensor([[0, 1]], { dtype: 'float64', requiresGrad: true });
    const q = tensor([[0.3, 0.6]], { dtype: 'float64', requiresGrad: true });
    sum(binaryFocalCrossentropy(t, q)).backward();
    expect(t.grad).toBeNull();
    expect(q.grad).not.toBeNull();
  });
});
