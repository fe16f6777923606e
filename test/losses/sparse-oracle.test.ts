/**
 * Oracle: the sparse softmax focal loss from logits, value and gradient, against the same loss
 * composed from TensorFlow.js ops on its CPU backend (float32, random data), with `tf.grad` for the
 * gradient: per example `−w_y (1 − p_y)^γ log p_y` with `log p = tf.logSoftmax(z)`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng, type Tensor, tensor, valueAndGrad } from '@focalgrad/tensor';
import { sparseCategoricalCrossentropy, sparseCategoricalFocalLoss } from '@focalgrad/losses';
import { expectClose } from './harness.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function tfSparseFocal(labels: Int32Array, z: tf.Tensor2D, gamma: number | number[], classWeight: number[] | null): tf.Scalar {
  const k = z.shape[1];
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), k).toFloat();
  const logPt = tf.sum(tf.mul(tf.logSoftmax(z), oneHot), -1);
  const pt = tf.exp(logPt);
  const g = typeof gamma === 'number' ? tf.scalar(gamma) : tf.sum(tf.mul(oneHot, tf.tensor1d(gamma)), -1);
  let loss = tf.neg(tf.mul(tf.pow(tf.sub(1, pt), g), logPt));
  if (classWeight !== null) loss = tf.mul(loss, tf.sum(tf.mul(oneHot, tf.tensor1d(classWeight)), -1));
  return tf.sum(loss);
}

describe('sparseCategoricalFocalLoss(fromLogits) vs TF.js cpu (float32)', () => {
  const cases: [number, number, number | number[], number[] | null][] = [
    [64, 10, 2, null],
    [32, 7, 0.5, null],
    [16, 5, 5, [0.5, 1, 2, 0.25, 1]],
    [40, 4, [0, 1, 2, 3], [1, 2, 3, 4]],
    [20, 3, 0, null],
  ];
  for (const [n, k, gamma, classWeight] of cases) {
    it(`${n}×${k}, γ=${JSON.stringify(gamma)}, classWeight=${JSON.stringify(classWeight)}`, () => {
      const rng = new Rng(n * 100 + k);
      const zData = new Float32Array(n * k).map(() => rng.normal() * 2.5);
      const labels = new Int32Array(n).map(() => rng.int(0, k));
      const { value: tv, grads } = tf.tidy(() => {
        const z = tf.tensor2d(zData, [n, k]);
        const vg = tf.valueAndGrad((x: tf.Tensor) => tfSparseFocal(labels, x as tf.Tensor2D, gamma, classWeight));
        const r = vg(z);
        return { value: r.value.dataSync()[0]!, grads: Array.from(r.grad.dataSync()) };
      }) as unknown as { value: number; grads: number[] };
      const z = tensor(zData, {}, [n, k]);
      const y = tensor(labels, {}, [n]);
      const [v, g] = valueAndGrad((x: Tensor) => sparseCategoricalFocalLoss(y, x, { gamma, classWeight, fromLogits: true }).sum())(z);
      expect(v.dtype).toBe('float32');
      expectClose(v.item(), tv, { atol: 1e-5, rtol: 1e-5 }, 'value');
      expectClose(g, grads, { atol: 2e-6, rtol: 1e-4 }, 'gradient');
      if (gamma === 0 && classWeight === null) {
        const [v2, g2] = valueAndGrad((x: Tensor) => sparseCategoricalCrossentropy(y, x, { fromLogits: true }).sum())(z);
        expectClose(v2.item(), tv, { atol: 1e-5, rtol: 1e-5 }, 'scce value');
        expectClose(g2, grads, { atol: 2e-6, rtol: 1e-4 }, 'scce gradient');
      }
    });
  }
});
