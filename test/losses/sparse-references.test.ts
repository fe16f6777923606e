/**
 * Every number the references print for the integer-label losses, reproduced:
 * - the `focal-loss` package (artemmavrin/focal-loss, `src/focal_loss/_categorical_focal_loss.py`):
 *   its docstring examples are executed doctests (`setup.cfg: --doctest-modules`), and the seed
 *   page 000_1bc8b9b5bfc683ed.txt (`[0.009 0.032 0.082]`);
 * - the same package's binary doctests (`_binary_focal_loss.py`: `[0.001 0.032 0.001]`, `0.011`),
 *   through the exact identity "binary focal loss = 2-class sparse focal loss on [1 − p, p]";
 * - Keras 3 `SparseCategoricalCrossentropy` docstring and `losses_test.py`
 *   SparseCategoricalCrossentropyTest (incl. test_ignore_class and the segmentation cases).
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '@focalgrad/tensor';
import {
  SparseCategoricalCrossentropy,
  SparseCategoricalFocalLoss,
  sparseCategoricalCrossentropy,
  sparseCategoricalFocalLoss,
} from '@focalgrad/losses';
import { expectClose, expectKerasAlmostEqual, expectRounded, refScce, refSparseFocal } from './harness.js';

const FL_Y = [0, 1, 2];
const FL_P = [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.2, 0.2, 0.6]];

describe('focal-loss sparse_categorical_focal_loss (doctests; seed 000_1bc8b9b5bfc683ed)', () => {
  it('sparse_categorical_focal_loss(y_true, y_pred, gamma=2) prints [0.009 0.032 0.082]', () => {
    const loss = sparseCategoricalFocalLoss(FL_Y, FL_P, { gamma: 2 });
    expect(loss.shape).toEqual([3]);
    expect(loss.dtype).toBe('float32');
    expectRounded(loss, ['0.009', '0.032', '0.082'], 'np.set_printoptions(precision=3)');
    expectClose(loss, refSparseFocal(FL_Y, FL_P.map((r) => r.map(Math.fround)), { gamma: 2 }), { atol: 0, rtol: 2e-7 }, 'formula');
  });

  it('SparseCategoricalFocalLoss(gamma=2)(y_true, y_pred) gives 0.040919524 (float32)', () => {
    const loss = new SparseCategoricalFocalLoss({ gamma: 2 }).call(FL_Y, FL_P);
    expect(loss.dtype).toBe('float32');
    expectRounded(loss, '0.040919524');
  });

  it("binary doctests via the 2-class identity: binary_focal_loss([0, 1, 1], [0.1, 0.7, 0.9], gamma=2) prints [0.001 0.032 0.001]; BinaryFocalLoss mean 0.011", () => {
    // focal-loss binary (probabilities, no smoothing): L = −(1 − p_t)^γ log p_t with p_t = p or 1 − p;
    // the sparse loss on rows [1 − p, p] gives xent = −log p_t (rows sum to 1, nothing clipped) and
    // the same modulation, so the two agree exactly.
    const p = [0.1, 0.7, 0.9];
    const rows = p.map((v) => [1 - v, v]);
    const loss = sparseCategoricalFocalLoss([0, 1, 1], rows, { gamma: 2 });
    expectRounded(loss, ['0.001', '0.032', '0.001']);
    const mean = new SparseCategoricalFocalLoss({ gamma: 2 }).call([0, 1, 1], rows).item();
    expect(mean.toFixed(3)).toBe('0.011');
    expectRounded(mean, '0.011');
  });
});

const Y2 = [1, 2];
const P2 = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];

describe('Keras 3 docstrings: SparseCategoricalCrossentropy / sparse_categorical_crossentropy', () => {
  it('1.177, 0.814, 2.354, [0.0513, 2.303]', () => {
    const scce = new SparseCategoricalCrossentropy();
    expectRounded(scce.call(Y2, P2), '1.177');
    expectRounded(scce.call(Y2, P2, [0.3, 0.7]), '0.814');
    expectRounded(new SparseCategoricalCrossentropy({ reduction: 'sum' }).call(Y2, P2), '2.354');
    expectRounded(new SparseCategoricalCrossentropy({ reduction: null }).call(Y2, P2), ['0.0513', '2.303']);
    expectRounded(sparseCategoricalCrossentropy(Y2, P2), ['0.0513', '2.303']);
  });
});

const P3 = [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]];
const P3f32 = P3.map((r) => r.map((v) => Math.fround(v)));
const L3 = [[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]];
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe('losses_test.py SparseCategoricalCrossentropyTest', () => {
  it('test_all_correct_unweighted: 0.0 (labels [[0], [1], [2]])', () => {
    const eye = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    expectKerasAlmostEqual(new SparseCategoricalCrossentropy().call([[0], [1], [2]], eye).item(), 0.0, 3);
    expectKerasAlmostEqual(new SparseCategoricalCrossentropy({ fromLogits: true }).call([[0], [1], [2]], [[10, 0, 0], [0, 10, 0], [0, 0, 10]]).item(), 0.0, 3);
  });

  it('test_unweighted: 0.3239, logits 0.0573', () => {
    const probs = new SparseCategoricalCrossentropy().call([0, 1, 2], P3).item();
    expectKerasAlmostEqual(probs, 0.3239, 3);
    expectClose(probs, mean(refScce([0, 1, 2], P3f32)), { atol: 0, rtol: 1e-6 });
    const logits = new SparseCategoricalCrossentropy({ fromLogits: true }).call([0, 1, 2], L3).item();
    expectKerasAlmostEqual(logits, 0.0573, 3);
    expectClose(logits, mean(refScce([0, 1, 2], L3, true)), { atol: 0, rtol: 1e-6 });
  });

  it('test_scalar_weighted: 0.7449, logits 0.1317', () => {
    const probs = new SparseCategoricalCrossentropy().call([[0], [1], [2]], P3, 2.3).item();
    expectKerasAlmostEqual(probs, 0.7449, 3);
    expectClose(probs, 2.3 * mean(refScce([0, 1, 2], P3f32)), { atol: 0, rtol: 1e-6 });
    const logits = new SparseCategoricalCrossentropy({ fromLogits: true }).call([[0], [1], [2]], L3, 2.3).item();
    expectKerasAlmostEqual(logits, 0.1317, 3);
  });

  it('test_sample_weighted: 1.0696, logits 0.31829', () => {
    const sw = [[1.2], [3.4], [5.6]];
    const probs = new SparseCategoricalCrossentropy().call([[0], [1], [2]], P3, sw).item();
    expectKerasAlmostEqual(probs, 1.0696, 3);
    expectRounded(probs, '1.0696');
    const logits = new SparseCategoricalCrossentropy({ fromLogits: true }).call([[0], [1], [2]], L3, sw).item();
    expectKerasAlmostEqual(logits, 0.31829, 3);
    expectRounded(logits, '0.31829');
  });

  it('test_no_reduction: (0.001822, 0.000459, 0.169846)', () => {
    const loss = new SparseCategoricalCrossentropy({ fromLogits: true, reduction: null }).call([[0], [1], [2]], L3);
    expect(loss.shape).toEqual([3]);
    expectRounded(loss, ['0.001822', '0.000459', '0.169846']);
  });

  it('test_ignore_class: [[0.0, 1.480129]] for labels [[-1, 2]] and [[[-1], [2]]]', () => {
    const logits = [[[0.854, 0.698, 0.598], [0.088, 0.86, 0.018]]];
    const obj = new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1, reduction: null });
    const a = obj.call([[-1, 2]], logits);
    expect(a.shape).toEqual([1, 2]);
    expectRounded(a, ['0.0', '1.480129']);
    const b = obj.call([[[-1], [2]]], logits);
    expect(b.shape).toEqual([1, 2]);
    expectRounded(b, ['0.0', '1.480129']);
  });

  it('test_binary_segmentation: 0.0, then (−log 0.2 − log 0.4) / 16', () => {
    const yTrue = [[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]];
    const exact = [
      [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]],
      [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
      [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]],
      [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]],
    ];
    expectClose(new SparseCategoricalCrossentropy().call(yTrue, exact), 0, { atol: 1e-6, rtol: 1e-6 });
    const noisy = structuredClone(exact);
    noisy[0]![3] = [0.2, 0.8];
    noisy[3]![3] = [0.6, 0.4];
    expectClose(new SparseCategoricalCrossentropy().call(yTrue, noisy), (-Math.log(0.2) - Math.log(0.4)) / 16, { atol: 1e-6, rtol: 1e-6 });
  });

  it('test_binary_segmentation_different_axis (torch branch): axis 0 and axis 1', () => {
    const yTrue = [[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]];
    const noisy = [
      [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.2, 0.8]],
      [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
      [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]],
      [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.6, 0.4]],
    ];
    const moved = tensor(noisy).permute([2, 0, 1]); // np.moveaxis(y_pred, 2, 0)
    const expected = (-Math.log(0.2) - Math.log(0.4)) / 16;
    expectClose(new SparseCategoricalCrossentropy({ axis: 0 }).call(yTrue, moved), expected, { atol: 1e-6, rtol: 1e-6 });
    const stacked = tensor([moved.toArray(), moved.toArray(), moved.toArray()]);
    expectClose(new SparseCategoricalCrossentropy({ axis: 1 }).call([yTrue, yTrue, yTrue], stacked), expected, { atol: 1e-6, rtol: 1e-6 });
  });

  it('test_multi_class_segmentation(_different_axis): (−log 0.2 − log 0.3 − log 0.5) / 16', () => {
    const yTrue = [[0, 1, 2, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]];
    const yPred = [
      [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.2, 0.0, 0.8]],
      [[0.7, 0.3, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
      [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]],
      [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.0, 1.0, 0.0]],
    ];
    const expected = (-Math.log(0.2) - Math.log(0.3) - Math.log(0.5)) / 16;
    expectClose(new SparseCategoricalCrossentropy().call(yTrue, yPred), expected, { atol: 1e-6, rtol: 1e-6 });
    const moved = tensor(yPred).permute([2, 0, 1]);
    expectClose(new SparseCategoricalCrossentropy({ axis: 0 }).call(yTrue, moved), expected, { atol: 1e-6, rtol: 1e-6 });
    expectClose(new SparseCategoricalCrossentropy({ axis: 1 }).call([yTrue, yTrue, yTrue], tensor([moved.toArray(), moved.toArray(), moved.toArray()])), expected, { atol: 1e-6, rtol: 1e-6 });
  });

  it('test_config and test_dtype_arg', () => {
    const a = new SparseCategoricalCrossentropy({ name: 'scce', ignoreClass: 255, fromLogits: true });
    expect(SparseCategoricalCrossentropy.fromConfig(a.getConfig()).getConfig()).toEqual(a.getConfig());
    expect(a.getConfig()).toEqual({ name: 'scce', reduction: 'sum_over_batch_size', dtype: null, fromLogits: true, axis: -1, ignoreClass: 255 });
    expect(new SparseCategoricalCrossentropy({ dtype: 'float64' }).call([[0], [1], [2]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]).dtype).toBe('float64');
  });
});

describe("Keras ignore_class in Loss.__call__: ignored positions are masked out of the reduction", () => {
  const logits = tensor([[[0.854, 0.698, 0.598], [0.088, 0.86, 0.018]], [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]]], { dtype: 'float64' });
  const labels = [[-1, 2], [0, -1]];
  const per = sparseCategoricalCrossentropy(labels, logits, { fromLogits: true, ignoreClass: -1 }).toArray() as number[][];
  const v1 = per[0]![1]!;
  const v2 = per[1]![0]!;

  it('the function gives 0 at ignored positions', () => {
    expect(per[0]![0]).toBe(0);
    expect(per[1]![1]).toBe(0);
    expectClose(v1, 1.480129, { atol: 1e-6, rtol: 0 });
  });

  it("'sum_over_batch_size' and 'mean' divide by the number of valid positions (apply_mask: total / valid)", () => {
    for (const reduction of ['sum_over_batch_size', 'mean'] as const) {
      const got = new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1, reduction }).call(labels, logits).item();
      expectClose(got, (v1 + v2) / 2, { atol: 1e-15, rtol: 1e-12 });
    }
  });

  it("'sum' sums the valid positions; 'none' keeps the zeros", () => {
    expectClose(new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1, reduction: 'sum' }).call(labels, logits).item(), v1 + v2, { atol: 1e-15, rtol: 1e-12 });
    expectClose(new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1, reduction: 'none' }).call(labels, logits), [0, v1, v2, 0], { atol: 1e-15, rtol: 1e-12 });
  });

  it("with a sample weight: mean = Σ w·loss / #valid; 'mean_with_sample_weight' = Σ w·loss / Σ_valid w", () => {
    const sw = [[1, 2], [3, 4]];
    expectClose(new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1 }).call(labels, logits, sw).item(), (2 * v1 + 3 * v2) / 2, { atol: 1e-15, rtol: 1e-12 });
    expectClose(
      new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1, reduction: 'mean_with_sample_weight' }).call(labels, logits, sw).item(),
      (2 * v1 + 3 * v2) / 5,
      { atol: 1e-15, rtol: 1e-12 },
    );
  });

  it("'mean_with_sample_weight' without a sample weight divides by the number of valid positions (the mask is the weight)", () => {
    const got = new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1, reduction: 'mean_with_sample_weight' }).call(labels, logits).item();
    expectClose(got, (v1 + v2) / 2, { atol: 1e-15, rtol: 1e-12 });
  });

  it('every position ignored: the mean is 0 (divide_no_nan), and the gradient is 0', () => {
    const loss = new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1 });
    const x = logits.clone().requireGrad();
    const v = loss.call([[-1, -1], [-1, -1]], x);
    expect(v.item()).toBe(0);
    v.backward();
    expect(Array.from(x.grad!.data).every((g) => g === 0)).toBe(true);
  });

  it('SparseCategoricalFocalLoss masks the same way', () => {
    const per2 = sparseCategoricalFocalLoss(labels, logits, { gamma: 2, fromLogits: true, ignoreClass: -1 }).toArray() as number[][];
    const got = new SparseCategoricalFocalLoss({ gamma: 2, fromLogits: true, ignoreClass: -1 }).call(labels, logits).item();
    expectClose(got, (per2[0]![1]! + per2[1]![0]!) / 2, { atol: 1e-15, rtol: 1e-12 });
  });
});
