// No silent broadcast between labels and predictions: labels [N] against predictions [N, 1] (the
// classic BinaryFocalLoss mistake: the focal-loss reference broadcasts them to [N, N], mean 0.510
// where 0.014 is meant) is a ShapeError in every loss function. The loss classes first apply
// Keras 3's squeeze_or_expand_to_same_rank (keras/src/losses/loss.py), so there the call equals
// the same-shape call — except BinaryFocalLoss, which has no rank fix-up (as focal-loss) and raises.
import { describe, expect, it } from 'vitest';
import * as L from '@focalgrad/losses';
import { ShapeError, tensor } from '@focalgrad/tensor';

const y = [0, 1, 1];
const p = [[0.2], [0.7], [0.9]];
const yCol = [[0], [1], [1]];

describe('labels [N] against predictions [N, 1]', () => {
  it('every binary loss function raises a ShapeError', () => {
    expect(() => L.binaryCrossentropy(y, p)).toThrow(ShapeError);
    expect(() => L.binaryFocalCrossentropy(y, p)).toThrow(ShapeError);
    expect(() => L.binaryFocalLoss(y, p, { gamma: 2 })).toThrow(ShapeError);
    expect(() => L.sigmoidFocalLoss(p, y)).toThrow(ShapeError);
    expect(() => L.categoricalCrossentropy(y, p)).toThrow(ShapeError);
  });
  it('the Keras classes expand the labels to [N, 1]; BinaryFocalLoss raises', () => {
    for (const loss of [new L.BinaryCrossentropy(), new L.BinaryFocalCrossentropy()]) {
      expect(loss.call(y, p).item()).toBe(loss.call(yCol, p).item());
    }
    expect(() => new L.BinaryFocalLoss({ gamma: 2 }).call(y, p)).toThrow(ShapeError);
    expect(new L.BinaryFocalLoss({ gamma: 2 }).call(yCol, p).item()).toBeCloseTo(0.014027, 6);
  });
  it('predictions [N] against labels [N, 1] likewise', () => {
    expect(() => L.binaryFocalLoss(yCol, [0.2, 0.7, 0.9], { gamma: 2 })).toThrow(ShapeError);
    expect(() => new L.BinaryFocalLoss({ gamma: 2 }).call(tensor(yCol), tensor([0.2, 0.7, 0.9]))).toThrow(ShapeError);
  });
});
