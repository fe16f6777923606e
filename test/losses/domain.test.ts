// Inputs outside a loss's domain are typed errors naming the argument, the expected range, the
// value and where it is. Before, each of these returned a number: 29.54 for probabilities
// [1.5, −0.2], NaN with γ = 0.5, a negative loss for α = 1.5, and so on. PyTorch's
// `binary_cross_entropy` rejects probabilities outside [0, 1] the same way.
import { describe, expect, it } from 'vitest';
import * as L from '@focalgrad/losses';
import { ValueError, tensor } from '@focalgrad/tensor';

const rejects = (f: () => unknown, message: string | RegExp) => {
  expect(f).toThrow(ValueError);
  expect(f).toThrow(message);
};

describe('probabilities outside [0, 1] (fromLogits: false)', () => {
  it('binaryFocalCrossentropy([0, 1], [1.5, −0.2]) and with γ = 0.5', () => {
    const msg = "binaryFocalCrossentropy: argument 'yPred' expected probabilities (fromLogits is false) in [0, 1], got 1.5 at flat index 0";
    rejects(() => L.binaryFocalCrossentropy([0, 1], [1.5, -0.2]), msg);
    rejects(() => L.binaryFocalCrossentropy([0, 1], [1.5, -0.2], { gamma: 0.5 }), msg);
    rejects(() => L.binaryFocalCrossentropy([0, 1], [0.5, -0.2]), /got -0\.2\d* at flat index 1/);
    rejects(() => L.binaryFocalCrossentropy([0, 1], [0.5, NaN]), /got NaN at flat index 1/);
    // The same numbers are fine as logits, and the endpoints are fine as probabilities.
    expect(Number.isFinite(L.binaryFocalCrossentropy([0, 1], [1.5, -0.2], { fromLogits: true }).item())).toBe(true);
    expect(Number.isFinite(L.binaryFocalCrossentropy([0, 1], [0, 1], { gamma: 0.5 }).item())).toBe(true);
  });
  it('every other probability path', () => {
    rejects(() => L.binaryCrossentropy([1], [1.01]), "binaryCrossentropy: argument 'yPred' expected probabilities (fromLogits is false) in [0, 1], got");
    rejects(() => L.binaryFocalLoss([1], tensor([-1e-9], { dtype: 'float64' }), { gamma: 2 }), "binaryFocalLoss: argument 'yPred' expected probabilities (fromLogits is false) in [0, 1], got -1e-9 at flat index 0");
    rejects(() => L.categoricalFocalCrossentropy([[0, 1]], [[-0.5, 1.5]]), "categoricalFocalCrossentropy: argument 'yPred' expected probabilities (fromLogits is false) in [0, 1], got -0.5 at flat index 0");
    rejects(() => L.categoricalCrossentropy([[0, 1]], [[0.5, 2]]), /argument 'yPred' expected probabilities .* got 2 at flat index 1/);
    rejects(() => L.sparseCategoricalCrossentropy([1], [[0.5, 2]]), /argument 'yPred' expected probabilities .* got 2 at flat index 1/);
    rejects(() => L.sparseCategoricalFocalLoss([0], [[1.2, 0.1]], { gamma: 0.5 }), /argument 'yPred' expected probabilities .* got 1\.2/);
    rejects(() => new L.BinaryFocalCrossentropy().call([[0, 1]], [[0.5, 1.5]]), /argument 'yPred' expected probabilities/);
  });
});

describe('labels', () => {
  it('binary labels outside [0, 1]', () => {
    rejects(() => L.binaryCrossentropy([2], [0.5]), "binaryCrossentropy: argument 'yTrue' expected labels in [0, 1], got 2 at flat index 0");
    rejects(() => L.binaryFocalCrossentropy([0, -1], [0.2, 0.3], { fromLogits: true }), /argument 'yTrue' expected labels in \[0, 1\], got -1 at flat index 1/);
    rejects(() => L.binaryFocalLoss([1, 3], [0.2, 0.3], { gamma: 2 }), /argument 'yTrue' expected labels in \[0, 1\], got 3/);
    rejects(() => L.sigmoidFocalLoss([0.2, 0.3], [1, NaN]), "sigmoidFocalLoss: argument 'targets' expected targets in [0, 1], got NaN at flat index 1");
    // Soft labels stay valid.
    expect(Number.isFinite(L.binaryFocalCrossentropy([0.3, 0.9], [0.2, 0.3]).item())).toBe(true);
  });
  it('one-hot rows that are not distributions', () => {
    rejects(() => L.categoricalCrossentropy([[1, 1, 0]], [[0.2, 0.3, 0.5]]), "categoricalCrossentropy: argument 'yTrue' expected each row along axis 1 to be a distribution (entries in [0, 1] summing to 1), got a row summing to 2 starting at flat index 0");
    rejects(() => L.categoricalFocalCrossentropy([[0, 0, 0]], [[0.2, 0.3, 0.5]]), /got a row summing to 0 starting at flat index 0/);
    rejects(() => L.categoricalFocalCrossentropy([[1.5, -0.5]], [[0.2, 0.8]]), "categoricalFocalCrossentropy: argument 'yTrue' expected label probabilities in [0, 1], got 1.5 at flat index 0");
    // Along another axis: columns are the rows.
    rejects(() => L.categoricalCrossentropy([[1, 0], [1, 0]], [[0.5, 0.5], [0.5, 0.5]], { axis: 0 }), /along axis 0 .* summing to 2 starting at flat index 0/);
    // Soft rows computed in float32 still pass.
    const soft = tensor([[0.1, 0.2, 0.7], [1 / 3, 1 / 3, 1 / 3]], { dtype: 'float32' });
    expect(Number.isFinite(L.categoricalCrossentropy(soft, tensor([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]])).sum().item())).toBe(true);
  });
  it('sparse labels out of range (kept from before)', () => {
    rejects(() => L.sparseCategoricalCrossentropy([2], [[0.5, 0.5]]), /label 2 at flat index 0 is out of range for 2 classes/);
  });
});

describe('options outside their range', () => {
  it('alpha outside [0, 1] in binaryFocalCrossentropy (a negative loss before)', () => {
    rejects(() => L.binaryFocalCrossentropy([0, 1], [0.2, 0.7], { applyClassBalancing: true, alpha: 1.5 }), "binaryFocalCrossentropy: argument 'alpha' expected a number in [0, 1], got 1.5");
    rejects(() => new L.BinaryFocalCrossentropy({ applyClassBalancing: true, alpha: [0.5, -0.1] }), /argument 'alpha\[1\]' expected a number in \[0, 1\], got -0\.1/);
  });
  it("sigmoidFocalLoss: α > 1 raises (torchvision PR #8882); torchvision's α < 0 (no weighting) is kept", () => {
    rejects(() => L.sigmoidFocalLoss([0.2], [1], { alpha: 1.5 }), "sigmoidFocalLoss: argument 'alpha' expected a number <= 1 (negative to disable the weighting), got 1.5");
    expect(L.sigmoidFocalLoss([0.2], [1], { alpha: -1, gamma: 0 }).item()).toBeCloseTo(Math.log1p(Math.exp(-0.2)), 6);
  });
  it('γ negative or not finite, label smoothing outside [0, 1], NaN options', () => {
    rejects(() => L.binaryFocalCrossentropy([1], [0.5], { gamma: -1 }), "argument 'gamma' expected a finite number >= 0, got -1");
    rejects(() => L.categoricalFocalCrossentropy([[1]], [[1]], { gamma: Infinity }), "argument 'gamma' expected a finite number >= 0, got Infinity");
    rejects(() => L.sparseCategoricalFocalLoss([0], [[1]], { gamma: NaN }), "argument 'gamma' expected a finite number >= 0, got NaN");
    rejects(() => L.binaryCrossentropy([1], [0.5], { labelSmoothing: 1.5 }), "argument 'labelSmoothing' expected a number in [0, 1], got 1.5");
    rejects(() => new L.CategoricalCrossentropy({ labelSmoothing: NaN }), "argument 'labelSmoothing' expected a number in [0, 1], got NaN");
    rejects(() => L.binaryFocalCrossentropy([1], [0.5], { alpha: NaN }), "argument 'alpha' expected a number in [0, 1], got NaN");
    rejects(() => new L.BinaryFocalCrossentropy({ reduction: 'avg' as never }), /argument 'reduction' expected one of/);
    expect(() => L.binaryCrossentropy([[1]], [[0.5]], { axis: 2 })).toThrow(/argument 'axis' expected an axis in \[-2, 1\]/);
  });
});

describe('sample weights', () => {
  it('negative, NaN or infinite sample weights are rejected in every class', () => {
    rejects(() => new L.BinaryCrossentropy().call([[1], [0]], [[0.7], [0.2]], [1, -1]), "binary_crossentropy: argument 'sampleWeight' expected finite weights >= 0, got -1 at flat index 1");
    rejects(() => new L.CategoricalFocalCrossentropy().call([[0, 1]], [[0.3, 0.7]], [NaN]), /argument 'sampleWeight' expected finite weights >= 0, got NaN at flat index 0/);
    rejects(() => new L.SparseCategoricalCrossentropy({ ignoreClass: -1 }).call([0, -1], [[0.6, 0.4], [0.5, 0.5]], [Infinity, 1]), /argument 'sampleWeight' expected finite weights >= 0, got Infinity/);
    rejects(() => L.reduceWeightedValues(tensor([1, 2]), 'sum', [1, -2]), /argument 'sampleWeight' expected finite weights >= 0, got -2/);
    // Zero weights are fine.
    expect(new L.BinaryCrossentropy().call([[1], [0]], [[0.7], [0.2]], [0, 0]).item()).toBe(0);
  });
});
