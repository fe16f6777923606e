/**
 * Every number the references print for the dense-label (one-hot / soft) losses, reproduced:
 * - the Keras 3 R documentation page of `loss_categorical_focal_crossentropy` (rstudio/keras3
 *   docs, rendered with the TensorFlow backend; seed page 002_28c9ab8e73e022f1.txt),
 * - the Keras 3 docstrings in `keras/src/losses/losses.py` (CategoricalFocalCrossentropy,
 *   categorical_focal_crossentropy, CategoricalCrossentropy, categorical_crossentropy),
 * - `keras/src/losses/losses_test.py`: CategoricalFocalCrossentropyTest and
 *   CategoricalCrossentropyTest.
 *
 * How numbers are compared:
 * - float64 results are compared at the printed precision (within half a unit of the last printed
 *   digit), e.g. all nine digits of `3.20583090e-05`.
 * - Keras's float32 printouts come from a chain of float32 ops (normalise, clip, log, pow, …), each
 *   rounding; these kernels compute in float64 and round once, so the printed float32 values are
 *   matched to a few float32 ulps (the same inputs in float64 reproduce the float64 printout
 *   exactly, which shows the gap is Keras's float32 rounding).
 * - losses_test.py expectations are partly hand-rounded or truncated: each is checked with
 *   Keras's own `assertAlmostEqual` tolerance, at the printed precision where the printed value is
 *   correctly rounded, and against a float64 value recomputed here from the Keras formula.
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '@focalgrad/tensor';
import {
  CategoricalCrossentropy,
  CategoricalFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
} from '@focalgrad/losses';
import { expectClose, expectFloat32Ulps, expectKerasAlmostEqual, expectRounded, refCce, refCfce } from './harness.js';

const f64 = { dtype: 'float64' as const };
const Y2 = [[0, 1, 0], [0, 0, 1]];
const P2 = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];
/** The float32 values of P2 (what Keras's Loss class computes with), in float64. */
const P2f32 = P2.map((r) => r.map((v) => Math.fround(v)));

describe('Keras 3 R docs: loss_categorical_focal_crossentropy (seed 002_28c9ab8e73e022f1)', () => {
  it('function on float64 input prints [3.20583090e-05 4.66273481e-01]', () => {
    const loss = categoricalFocalCrossentropy(tensor(Y2, f64), tensor(P2, f64));
    expect(loss.dtype).toBe('float64');
    expectRounded(loss, ['3.20583090e-05', '4.66273481e-01'], 'R docs float64');
    expectClose(loss, refCfce(Y2, P2), { atol: 1e-18, rtol: 1e-14 }, 'float64 reference');
  });

  it("class, 'sum_over_batch_size': 0.23315276 (float32)", () => {
    const loss = new CategoricalFocalCrossentropy().call(Y2, P2);
    expect(loss.dtype).toBe('float32');
    expectFloat32Ulps(loss, '0.23315276', 2, 'sum_over_batch_size');
    const exact = refCfce(Y2, P2f32).reduce((a, b) => a + b) / 2;
    expectFloat32Ulps(loss, String(exact), 1, 'float64 evaluation of the float32 inputs');
  });

  it('class with sample_weight [0.3, 0.7]: 0.16320053', () => {
    const loss = new CategoricalFocalCrossentropy().call(Y2, P2, [0.3, 0.7]);
    expectRounded(loss, '0.16320053');
  });

  it("class, 'sum': 0.46630552", () => {
    const loss = new CategoricalFocalCrossentropy({ reduction: 'sum' }).call(Y2, P2);
    expectFloat32Ulps(loss, '0.46630552', 2, 'sum');
  });

  it("class, reduction none (NULL): [3.2058331e-05 4.6627346e-01]", () => {
    const loss = new CategoricalFocalCrossentropy({ reduction: null }).call(Y2, P2);
    expect(loss.shape).toEqual([2]);
    // Keras's float32 chain (its pow in particular) lands 5 ulps above the correctly rounded value
    // 3.2058313e-05 of the first entry; the float64 evaluation of the same float32 inputs is:
    expectFloat32Ulps(loss, ['3.2058331e-05', '4.6627346e-01'], 8, 'none');
    expectFloat32Ulps(loss, refCfce(Y2, P2f32).map(String), 0.5, 'correctly rounded float32');
  });
});

/**
 * Keras's own evaluation order in float32 (backend ops rounding after every step: renormalise,
 * clip, log, 1 − o, pow, ×α, ×cce, sum over classes), emulated with Math.fround, followed by the
 * float32 reduction. It reproduces the R docs' float32 printouts digit for digit, which shows that
 * the small differences of this package's float32 results (float64 inside the kernel, one rounding
 * at the end, as CONTRIBUTING prescribes) are Keras's float32 rounding and not a formula difference.
 */
function kerasFloat32Cfce(y: number[][], p: number[][]): number[] {
  const f = Math.fround;
  return p.map((row, r) => {
    const pf = row.map(f);
    const s = pf.reduce((a, v) => f(a + v), 0);
    return pf.reduce((acc, v, k) => {
      const o = Math.min(f(1 - 1e-7), Math.max(f(1e-7), f(v / s)));
      const cce = f(-y[r]![k]! * f(Math.log(o)));
      const wt = f(f(Math.pow(f(1 - o), 2)) * f(0.25));
      return f(acc + f(wt * cce));
    }, 0);
  });
}

describe('Keras float32 evaluation order (emulated) reproduces the R docs printouts exactly', () => {
  const per = kerasFloat32Cfce(Y2, P2);
  const f = Math.fround;
  it('[3.2058331e-05 4.6627346e-01], 0.23315276, 0.16320053, 0.46630552', () => {
    expect(per.map((v) => f(v))).toEqual([f(3.2058331e-5), f(4.6627346e-1)]);
    expect(f(f(per[0]! + per[1]!) / 2)).toBe(f(0.23315276));
    expect(f(f(f(per[0]! * f(0.3)) + f(per[1]! * f(0.7))) / 2)).toBe(f(0.16320053));
    expect(f(per[0]! + per[1]!)).toBe(f(0.46630552));
  });
  it('this package’s float32 results are within 8 float32 ulps of that evaluation', () => {
    expectFloat32Ulps(new CategoricalFocalCrossentropy({ reduction: null }).call(Y2, P2), per.map(String), 8);
  });
});

describe('Keras 3 docstrings (keras/src/losses/losses.py)', () => {
  it('CategoricalFocalCrossentropy: 0.23315276, 0.1632, 0.46631, [3.2058331e-05, 4.6627346e-01]', () => {
    const cfce = new CategoricalFocalCrossentropy();
    expectFloat32Ulps(cfce.call(Y2, P2), '0.23315276', 2);
    expectRounded(cfce.call(Y2, P2, tensor([0.3, 0.7])), '0.1632');
    expectRounded(new CategoricalFocalCrossentropy({ reduction: 'sum' }).call(Y2, P2), '0.46631');
    expectFloat32Ulps(new CategoricalFocalCrossentropy({ reduction: 'none' }).call(Y2, P2), ['3.2058331e-05', '4.6627346e-01'], 8);
  });

  it('categorical_focal_crossentropy example: [2.63401289e-04, 6.75912094e-01]', () => {
    const y = [[0, 1, 0], [0, 0, 1]];
    const p = [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]];
    const loss = categoricalFocalCrossentropy(tensor(y, f64), tensor(p, f64));
    expect(loss.shape).toEqual([2]);
    expectRounded(loss, ['2.63401289e-04', '6.75912094e-01']);
    // float32 input: the same numbers to float32 precision
    expectFloat32Ulps(categoricalFocalCrossentropy(y, p), ['2.63401289e-04', '6.75912094e-01'], 8);
  });

  it('CategoricalCrossentropy: 1.177, 0.814, 2.354, [0.0513, 2.303]', () => {
    const cce = new CategoricalCrossentropy();
    expectRounded(cce.call(Y2, P2), '1.177');
    expectRounded(cce.call(Y2, P2, [0.3, 0.7]), '0.814');
    expectRounded(new CategoricalCrossentropy({ reduction: 'sum' }).call(Y2, P2), '2.354');
    expectRounded(new CategoricalCrossentropy({ reduction: null }).call(Y2, P2), ['0.0513', '2.303']);
  });

  it('categorical_crossentropy example: [0.0513, 2.303]', () => {
    const loss = categoricalCrossentropy(Y2, P2);
    expect(loss.shape).toEqual([2]);
    expectRounded(loss, ['0.0513', '2.303']);
  });
});

// keras/src/losses/losses_test.py fixtures
const EYE = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
const P3 = [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]; // row 2 does not sum to 1
const L3 = [[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]];
const SW = [[1.2], [3.4], [5.6]];
const P3f32 = P3.map((r) => r.map((v) => Math.fround(v)));
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const weighted = (v: number[], w: number[]): number => mean(v.map((x, i) => x * w[i]!));

describe('losses_test.py CategoricalFocalCrossentropyTest', () => {
  it('test_all_correct_unweighted: 0.0 (probabilities and logits)', () => {
    expectKerasAlmostEqual(new CategoricalFocalCrossentropy({ alpha: 0.25, gamma: 2 }).call(EYE, EYE).item(), 0.0, 3);
    expectKerasAlmostEqual(new CategoricalFocalCrossentropy({ fromLogits: true }).call(EYE, [[10, 0, 0], [0, 10, 0], [0, 0, 10]]).item(), 0.0, 3);
  });

  it('test_unweighted: 0.02059 (renormalised row), logits 0.000345', () => {
    const probs = new CategoricalFocalCrossentropy().call(EYE, P3).item();
    expectKerasAlmostEqual(probs, 0.02059, 3);
    // 0.02059 is truncated: the Keras formula in float64 gives 0.0205951
    expectClose(probs, mean(refCfce(EYE, P3f32)), { atol: 0, rtol: 1e-6 }, 'unweighted probs');
    const logits = new CategoricalFocalCrossentropy({ fromLogits: true }).call(EYE, L3).item();
    expectKerasAlmostEqual(logits, 0.000345, 3);
    expectRounded(logits, '0.000345');
    expectClose(logits, mean(refCfce(EYE, L3, { fromLogits: true, kerasLogits: true })), { atol: 0, rtol: 1e-6 }, 'unweighted logits (Keras path)');
  });

  it('test_scalar_weighted: 0.047368, logits 0.000794 (decimal 4)', () => {
    const probs = new CategoricalFocalCrossentropy().call(EYE, P3, 2.3).item();
    expectKerasAlmostEqual(probs, 0.047368, 3);
    expectClose(probs, 2.3 * mean(refCfce(EYE, P3f32)), { atol: 0, rtol: 1e-6 }); // 0.0473687 (printed value truncated)
    const logits = new CategoricalFocalCrossentropy({ fromLogits: true }).call(EYE, L3, 2.3).item();
    expectKerasAlmostEqual(logits, 0.000794, 4);
    expectRounded(logits, '0.000794');
  });

  it('test_sample_weighted: 0.06987, logits 0.001933', () => {
    const w = SW.map((r) => r[0]!);
    const probs = new CategoricalFocalCrossentropy().call(EYE, P3, SW).item();
    expectKerasAlmostEqual(probs, 0.06987, 3);
    expectRounded(probs, '0.06987');
    expectClose(probs, weighted(refCfce(EYE, P3f32), w), { atol: 0, rtol: 1e-6 });
    const logits = new CategoricalFocalCrossentropy({ fromLogits: true }).call(EYE, L3, SW).item();
    expectKerasAlmostEqual(logits, 0.001933, 3);
    // printed 0.001933 is truncated from 0.00193399
    expectClose(logits, weighted(refCfce(EYE, L3, { fromLogits: true }), w), { atol: 0, rtol: 1e-6 });
  });

  it('test_no_reduction: (1.5096224e-09, 2.4136547e-11, 1.0360638e-03)', () => {
    const loss = new CategoricalFocalCrossentropy({ fromLogits: true, reduction: null }).call(EYE, L3);
    // Keras's own check: assertAllClose (atol = rtol = 1e-6)
    expectClose(loss, [1.5096224e-9, 2.4136547e-11, 1.0360638e-3], { atol: 1e-6, rtol: 1e-6 }, 'assertAllClose');
    // Keras's float32 values carry the cancellation of 1 − p in float32 (relative error about
    // ε₃₂ / (1 − p_t) = 6e-8 / 4.6e-4 for row 2); ours are the exact values, rounded once:
    expectClose(loss, refCfce(EYE, L3, { fromLogits: true }), { atol: 0, rtol: 2e-7 }, 'float64 formula');
    expectClose(loss, [1.5096224e-9, 2.4136547e-11, 1.0360638e-3], { atol: 0, rtol: 1e-3 }, 'Keras float32 printout');
  });

  it('test_label_smoothing: 0.06685 (logits [4.9, -0.5, 2.05], ls 0.1)', () => {
    const loss = new CategoricalFocalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).call([[1, 0, 0]], [[4.9, -0.5, 2.05]]).item();
    expectKerasAlmostEqual(loss, 0.06685, 3);
    expectRounded(loss, '0.06685');
    expectClose(loss, refCfce([[1, 0, 0]], [[4.9, -0.5, 2.05]], { fromLogits: true, labelSmoothing: 0.1, kerasLogits: true })[0]!, { atol: 0, rtol: 1e-6 });
  });

  it('test_config: round-trips through getConfig / fromConfig', () => {
    const a = new CategoricalFocalCrossentropy({ name: 'cfce', alpha: [0.1, 0.2, 0.7], gamma: 1.5, labelSmoothing: 0.05, axis: 1, reduction: 'sum' });
    const b = CategoricalFocalCrossentropy.fromConfig(a.getConfig());
    expect(b.getConfig()).toEqual(a.getConfig());
    expect(a.getConfig()).toEqual({ name: 'cfce', reduction: 'sum', dtype: null, alpha: [0.1, 0.2, 0.7], gamma: 1.5, fromLogits: false, labelSmoothing: 0.05, axis: 1 });
  });

  it('test_dtype_arg: the compute dtype follows `dtype`', () => {
    expect(new CategoricalFocalCrossentropy({ fromLogits: true, dtype: 'float64' }).call([[1, 0, 0]], [[4.9, -0.5, 2.05]]).dtype).toBe('float64');
  });
});

describe('losses_test.py CategoricalCrossentropyTest', () => {
  it('test_all_correct_unweighted: 0.0', () => {
    expectKerasAlmostEqual(new CategoricalCrossentropy().call(EYE, EYE).item(), 0.0, 3);
    expectKerasAlmostEqual(new CategoricalCrossentropy({ fromLogits: true }).call(EYE, [[10, 0, 0], [0, 10, 0], [0, 0, 10]]).item(), 0.0, 3);
  });

  it('test_unweighted: 0.3239, logits 0.0573', () => {
    const probs = new CategoricalCrossentropy().call(EYE, P3).item();
    expectKerasAlmostEqual(probs, 0.3239);
    expectClose(probs, mean(refCce(EYE, P3f32)), { atol: 0, rtol: 1e-6 }); // 0.323968 (printed value truncated)
    const logits = new CategoricalCrossentropy({ fromLogits: true }).call(EYE, L3).item();
    expectKerasAlmostEqual(logits, 0.0573);
    expectClose(logits, mean(refCce(EYE, L3, true)), { atol: 0, rtol: 1e-6 }); // 0.0573756
  });

  it('test_scalar_weighted: 0.7449, logits 0.1317 (hand products of the rounded values)', () => {
    const probs = new CategoricalCrossentropy().call(EYE, P3, 2.3).item();
    expectKerasAlmostEqual(probs, 0.7449);
    expectClose(probs, 2.3 * mean(refCce(EYE, P3f32)), { atol: 0, rtol: 1e-6 }); // 0.745127 = 2.3 × 0.323968
    const logits = new CategoricalCrossentropy({ fromLogits: true }).call(EYE, L3, 2.3).item();
    expectKerasAlmostEqual(logits, 0.1317);
    expectClose(logits, 2.3 * mean(refCce(EYE, L3, true)), { atol: 0, rtol: 1e-6 }); // 0.131964
  });

  it('test_sample_weighted: 1.0696, logits 0.31829', () => {
    const w = SW.map((r) => r[0]!);
    const probs = new CategoricalCrossentropy().call(EYE, P3, SW).item();
    expectKerasAlmostEqual(probs, 1.0696);
    expectRounded(probs, '1.0696');
    expectClose(probs, weighted(refCce(EYE, P3f32), w), { atol: 0, rtol: 1e-6 });
    const logits = new CategoricalCrossentropy({ fromLogits: true }).call(EYE, L3, SW).item();
    expectKerasAlmostEqual(logits, 0.31829);
    expectRounded(logits, '0.31829');
  });

  it('test_no_reduction: (0.001822, 0.000459, 0.169846)', () => {
    const loss = new CategoricalCrossentropy({ fromLogits: true, reduction: null }).call(EYE, L3);
    expectRounded(loss, ['0.001822', '0.000459', '0.169846']);
  });

  it('test_label_smoothing: 400·0.1/3 (logits [100, -100, -100], exact log-softmax)', () => {
    const loss = new CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).call([[1, 0, 0]], [[100, -100, -100]]).item();
    expectKerasAlmostEqual(loss, (400 * 0.1) / 3);
    expectClose(loss, (400 * 0.1) / 3, { atol: 0, rtol: 1e-7 });
  });

  it('test_shape_mismatch: labels [[0],[1],[2]] against 3 classes throws naming yTrue', () => {
    expect(() => new CategoricalCrossentropy().call([[0], [1], [2]], P3)).toThrow(/yTrue.*expected shape \[3, 3\]/);
  });

  it('test_config and test_dtype_arg', () => {
    const a = new CategoricalCrossentropy({ name: 'cce', axis: -1 });
    expect(CategoricalCrossentropy.fromConfig(a.getConfig()).getConfig()).toEqual(a.getConfig());
    expect(new CategoricalCrossentropy({ dtype: 'float64' }).call(EYE, EYE).dtype).toBe('float64');
  });
});

describe('label smoothing over a non-last axis (Keras master rule, PR #23437)', () => {
  it('uses K = yPred.shape[axis], not the last dimension', () => {
    // [B=1, K=3, T=2] with axis 1: master smooths by ls/3; releases ≤ 3.15.1 used shape[-1] = 2.
    const logits = tensor([[[1.0, -0.5], [0.2, 2.0], [-1.0, 0.3]]], f64);
    const y = tensor([[[1, 0], [0, 1], [0, 0]]], f64);
    const got = categoricalFocalCrossentropy(y, logits, { fromLogits: true, labelSmoothing: 0.2, axis: 1 });
    const rows = (t: number[][][]): number[][] => [0, 1].map((j) => t[0]!.map((r) => r[j]!));
    const want = refCfce(rows(y.toArray()), rows(logits.toArray()), { fromLogits: true, labelSmoothing: 0.2 });
    expectClose(got, [want], { atol: 1e-15, rtol: 1e-12 });
  });
});
