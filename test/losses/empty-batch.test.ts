// The empty-batch rule, one for every loss: every reduction but 'none' gives a scalar 0 with a zero
// gradient of the predictions' (empty) shape, and 'none' gives the empty per-sample losses. A mean
// over an empty axis is 0 as well. Before, 1-D empty inputs gave NaN (a mean over nothing), and
// the classes returned an empty tensor for a "scalar" loss, as Keras 3's `reduce_values` does
// (`values.shape == (0,)` returns the values; keras/src/losses/loss.py). PyTorch's `mean()` of an
// empty tensor is NaN; Keras's `divide_no_nan` gives 0 for larger ranks, which is the rule here.
import { describe, expect, it } from 'vitest';
import * as L from '@focalgrad/losses';
import { type Reduction } from '@focalgrad/losses';
import { grad, tensor, zeros, type Tensor } from '@focalgrad/tensor';

const REDUCTIONS: Reduction[] = ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none'];
const f64 = (shape: number[]) => zeros(shape, { dtype: 'float64' });
const noLabels = () => tensor(new Int32Array(0), {}, [0]);

// [name, the loss class for a reduction, empty labels, empty predictions]
const classes: [string, (r: Reduction) => L.Loss, () => Tensor, Tensor][] = [
  ['BinaryCrossentropy', (r) => new L.BinaryCrossentropy({ fromLogits: true, reduction: r }), () => f64([0, 3]), f64([0, 3])],
  ['BinaryFocalCrossentropy', (r) => new L.BinaryFocalCrossentropy({ reduction: r }), () => f64([0, 1]), f64([0, 1])],
  ['BinaryFocalLoss', (r) => new L.BinaryFocalLoss({ gamma: 2, reduction: r }), () => f64([0]), f64([0])],
  ['CategoricalCrossentropy', (r) => new L.CategoricalCrossentropy({ reduction: r }), () => f64([0, 3]), f64([0, 3])],
  ['CategoricalFocalCrossentropy', (r) => new L.CategoricalFocalCrossentropy({ fromLogits: true, reduction: r }), () => f64([0, 3]), f64([0, 3])],
  ['SparseCategoricalCrossentropy', (r) => new L.SparseCategoricalCrossentropy({ reduction: r, ignoreClass: -1 }), noLabels, f64([0, 3])],
  ['SparseCategoricalFocalLoss', (r) => new L.SparseCategoricalFocalLoss({ gamma: 2, fromLogits: true, reduction: r }), noLabels, f64([0, 3])],
];

describe('an empty batch', () => {
  for (const [name, make, labels, pred] of classes) {
    for (const r of REDUCTIONS) {
      for (const weighted of [false, true]) {
        it(`${name}, reduction ${JSON.stringify(r)}${weighted ? ', with an empty sample weight' : ''}`, () => {
          const loss = make(r);
          const f = (p: Tensor) => (weighted ? loss.call(labels(), p, f64([0])) : loss.call(labels(), p));
          const value = f(pred);
          if (r === 'none') {
            expect(value.shape).toEqual([0]);
          } else {
            expect(value.shape).toEqual([]);
            expect(value.item()).toBe(0);
          }
          const g = grad((p: Tensor) => f(p).sum())(pred);
          expect(g.shape).toEqual(pred.shape);
        });
      }
    }
  }

  it('functions: a mean over an empty axis is 0 (1-D inputs, [2, 0]); sigmoidFocalLoss mean and sum are 0', () => {
    const v = L.binaryFocalCrossentropy(f64([0]), f64([0]), { fromLogits: true });
    expect(v.shape).toEqual([]);
    expect(v.item()).toBe(0);
    expect(Array.from(L.binaryCrossentropy(f64([2, 0]), f64([2, 0])).data)).toEqual([0, 0]);
    expect(grad((p: Tensor) => L.binaryCrossentropy(f64([0]), p).sum())(f64([0])).shape).toEqual([0]);
    for (const reduction of ['mean', 'sum'] as const) {
      expect(L.sigmoidFocalLoss(f64([0]), f64([0]), { reduction }).item()).toBe(0); // torchvision: NaN for 'mean'
      expect(grad((p: Tensor) => L.sigmoidFocalLoss(p, f64([0]), { reduction }))(f64([0])).shape).toEqual([0]);
    }
    expect(L.sigmoidFocalLoss(f64([0]), f64([0])).shape).toEqual([0]);
    expect(L.reduceWeightedValues(f64([0]), 'sum_over_batch_size').item()).toBe(0);
  });
});
