/**
 * The fast paths of the binary losses give the same numbers as the plain ones:
 * - the forward of a recorded call keeps its per-element derivatives as a `defineOp` residual
 *   (`ForwardContext.save`) and the backward scales them in place; a backward that finds none (a
 *   second backward through a retained graph: `takeSaved` hands the residual out once) recomputes
 *   them with the same kernel: bit-identical gradients;
 * - the loss classes fuse the reduction into the op when there is no sample weight: the same value
 *   and gradient as the per-sample op followed by the generic Keras reduction.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, vjp, type DType } from '@focalgrad/tensor';
import {
  BinaryCrossentropy,
  BinaryFocalCrossentropy,
  BinaryFocalLoss,
  binaryCrossentropy,
  binaryFocalCrossentropy,
  binaryFocalLoss,
  reduceWeightedValues,
  sigmoidFocalLoss,
  type Loss,
  type Reduction,
} from '@focalgrad/losses';
import { bernoulli, expectClose, uniform } from './harness.js';

type LossFn = (t: Tensor, p: Tensor) => Tensor;

const logits = uniform([6, 5], -6, 6, 1);
const probs = uniform([6, 5], 0.01, 0.99, 2);
const labels = bernoulli([6, 5], 0.4, 3);
const soft = uniform([6, 5], 0, 1, 4);

const variants: [string, LossFn, 'logits' | 'probs'][] = [
  ['bfce logits γ=2 balanced', (t, p) => binaryFocalCrossentropy(t, p, { fromLogits: true, applyClassBalancing: true }), 'logits'],
  ['bfce logits per-class γ, smoothing, axis 0', (t, p) => binaryFocalCrossentropy(t, p, { fromLogits: true, gamma: [0, 0.5, 2, 3, 1], labelSmoothing: 0.1, axis: 0 }), 'logits'],
  ['bfce probabilities γ=0.5', (t, p) => binaryFocalCrossentropy(t, p, { gamma: 0.5 }), 'probs'],
  ['bce logits', (t, p) => binaryCrossentropy(t, p, { fromLogits: true }), 'logits'],
  ['bce probabilities, axis 0', (t, p) => binaryCrossentropy(t, p, { axis: 0, labelSmoothing: 0.2 }), 'probs'],
  ['focal-loss probabilities', (t, p) => binaryFocalLoss(t, p, { gamma: 2, posWeight: 0.5 }), 'probs'],
  ['focal-loss logits, smoothing', (t, p) => binaryFocalLoss(t, p, { gamma: 1.5, fromLogits: true, labelSmoothing: 0.1 }), 'logits'],
  ['torchvision none', (t, p) => sigmoidFocalLoss(p, t), 'logits'],
  ['torchvision mean, per-class alpha', (t, p) => sigmoidFocalLoss(p, t, { alpha: [0.1, 0.2, -1, 0.4, 0.5], reduction: 'mean' }), 'logits'],
];

/** A cotangent of ones, or of varied values (so that the upstream scaling is exercised too). */
function cotangent(out: Tensor, varied: boolean): Tensor {
  const d = out.dtype === 'float64' ? new Float64Array(out.size) : new Float32Array(out.size);
  for (let i = 0; i < d.length; i++) d[i] = varied ? 0.5 + ((i * 7) % 5) * 0.375 : 1;
  return new Tensor(d, out.shape);
}

/**
 * The gradient from the residual (first backward) and recomputed (second backward through the
 * same retained graph), checking that the residual was there for the first and gone for the second.
 */
function bothPaths(f: LossFn, yt: Tensor, x: Tensor, varied: boolean): { kept: number[]; recomputed: number[] } {
  const [out, back] = vjp((p: Tensor) => f(yt, p), x);
  expect(out.node!.saved).toBeInstanceOf(x.dtype === 'float64' ? Float64Array : Float32Array);
  const ct = cotangent(out, varied);
  const kept = Array.from(back(ct)[0]!.data);
  expect(out.node!.saved).toBeUndefined();
  const recomputed = Array.from(back(ct)[0]!.data);
  return { kept, recomputed };
}

describe('the residual path and the recompute path are bit-identical', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [name, f, kind] of variants) {
      for (const [labelName, y] of [['hard', labels], ['soft', soft]] as const) {
        for (const varied of [false, true]) {
          it(`${name} (${dtype}, ${labelName} labels, ${varied ? 'varied' : 'unit'} upstream)`, () => {
            const yt = tensor(y, { dtype });
            const x = tensor(kind === 'logits' ? logits : probs, { dtype });
            const { kept, recomputed } = bothPaths(f, yt, x, varied);
            expect(kept).toEqual(recomputed);
          });
        }
      }
    }
  }
  it('the fused reduction of a loss class: residual = recomputed, unit and varied upstream', () => {
    const loss = new BinaryFocalCrossentropy({ fromLogits: true, applyClassBalancing: true });
    const yt = tensor(labels, { dtype: 'float32' });
    const x = tensor(logits, { dtype: 'float32' });
    for (const varied of [false, true]) {
      const { kept, recomputed } = bothPaths((t, p) => loss.call(t, p), yt, x, varied);
      expect(kept).toEqual(recomputed);
    }
  });
  it('a non-last axis (the forward runs per (o, k) range): recomputed over the same ranges, float32, mixed labels', () => {
    // [2, 6000] averaged over axis 0: ranges of 6000 (not a multiple of the kernel's 256-element
    // stages). A soft label every 700 elements makes the stage around it take full precision; over
    // the whole array instead of per range, the second range's stages would be cut differently.
    const n = 12000;
    const y = Array.from({ length: n }, (_, i) => (i % 700 === 350 ? 0.5 : i % 3 === 0 ? 1 : 0));
    const x = Array.from({ length: n }, (_, i) => 3 * Math.sin(i * 0.7));
    const yt = tensor(y, { dtype: 'float32' }).reshape([2, 6000]);
    const xt = tensor(x, { dtype: 'float32' }).reshape([2, 6000]);
    for (const varied of [false, true]) {
      const { kept, recomputed } = bothPaths((t, p) => binaryFocalCrossentropy(t, p, { fromLogits: true, applyClassBalancing: true, axis: 0 }), yt, xt, varied);
      expect(kept).toEqual(recomputed);
    }
  });
  it('no residual is kept for an unrecorded call, or when only the labels want a gradient', () => {
    const yt = tensor(labels, { dtype: 'float64' });
    const x = tensor(logits, { dtype: 'float64' });
    expect(binaryFocalCrossentropy(yt, x, { fromLogits: true }).node).toBeNull();
    const ytg = tensor(labels, { dtype: 'float64', requiresGrad: true });
    const out = binaryFocalCrossentropy(ytg, x, { fromLogits: true });
    expect(out.node!.saved).toBeUndefined();
  });
  it('a second backward through the same graph recomputes the same numbers', () => {
    const yt = tensor(labels, { dtype: 'float32' });
    const x = tensor(logits, { dtype: 'float32' });
    const [out, back] = vjp((p: Tensor) => binaryFocalCrossentropy(yt, p, { fromLogits: true }), x);
    const ct = new Tensor(new Float32Array(out.size).fill(1), out.shape);
    const first = Array.from(back(ct)[0]!.data);
    const second = Array.from(back(ct)[0]!.data);
    expect(second).toEqual(first);
  });
});

describe('the classes fuse the reduction without changing the result', () => {
  const classes: [string, () => Loss, 'logits' | 'probs'][] = [
    ['BinaryFocalCrossentropy logits', () => new BinaryFocalCrossentropy({ fromLogits: true, applyClassBalancing: true }), 'logits'],
    ['BinaryFocalCrossentropy probabilities per-class γ', () => new BinaryFocalCrossentropy({ gamma: [1, 2, 0, 0.5, 3] }), 'probs'],
    ['BinaryCrossentropy logits', () => new BinaryCrossentropy({ fromLogits: true }), 'logits'],
    ['BinaryFocalLoss', () => new BinaryFocalLoss({ gamma: 2 }), 'probs'],
  ];
  for (const reduction of ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight'] as const) {
    for (const [name, make, kind] of classes) {
      for (const shape of name.includes('per-class') ? [[6, 5]] : [[6, 5], [30], [30, 1]]) {
        it(`${name}, reduction ${reduction}, shape [${shape.join(', ')}]`, () => {
          const loss = make();
          Object.assign(loss, { reduction });
          const n = shape.reduce((a, b) => a * b, 1);
          const yt = tensor((labels as number[][]).flat().slice(0, n), { dtype: 'float64' }).reshape(shape);
          const x = tensor(((kind === 'logits' ? logits : probs) as number[][]).flat().slice(0, n), { dtype: 'float64' }).reshape(shape);
          // The generic path: per-sample values (Loss.compute), then Keras's reduceWeightedValues.
          const fused = (t: Tensor, p: Tensor) => loss.call(t, p);
          const generic = (t: Tensor, p: Tensor) => reduceWeightedValues(loss.compute(t, p), loss.reduction as Reduction);
          expectClose(fused(yt, x), generic(yt, x), { atol: 1e-15, rtol: 1e-13 }, 'value');
          const [, b1] = vjp((p: Tensor) => fused(yt, p), x);
          const [, b2] = vjp((p: Tensor) => generic(yt, p), x);
          expectClose(b1(tensor(1, { dtype: 'float64' }))[0]!, b2(tensor(1, { dtype: 'float64' }))[0]!, { atol: 1e-15, rtol: 1e-13 }, 'gradient');
        });
      }
    }
  }
});
