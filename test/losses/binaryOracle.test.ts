/**
 * Oracle: the binary focal crossentropy composed from TF.js ops (the Keras formula, TensorFlow
 * backend: `sigmoid_cross_entropy_with_logits` for logits, clipped BCE for probabilities),
 * differentiated by `tf.grad`, against the fused op on the same random float32 data.
 */
import { beforeAll, describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng, Tensor, tensor } from '@focalgrad/tensor';
import { BinaryFocalCrossentropy, sigmoidFocalLoss } from '@focalgrad/losses';
import { expectClose, lossGrad } from './harness.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Opts {
  gamma: number;
  alpha: number;
  applyClassBalancing: boolean;
  labelSmoothing: number;
  fromLogits: boolean;
}

/** Keras 3 `binary_focal_crossentropy` + `sum_over_batch_size`, composed from TF.js ops. */
function tfBfce(yTrue: tf.Tensor2D, o: Opts): (yPred: tf.Tensor) => tf.Scalar {
  return (yPred) => {
    let y: tf.Tensor = yTrue;
    if (o.labelSmoothing) y = tf.add(tf.mul(y, 1 - o.labelSmoothing), 0.5 * o.labelSmoothing);
    let bce: tf.Tensor;
    let p: tf.Tensor;
    if (o.fromLogits) {
      // tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) − x·y + log1p(exp(−|x|))
      bce = tf.add(tf.sub(tf.relu(yPred), tf.mul(yPred, y)), tf.log1p(tf.exp(tf.neg(tf.abs(yPred)))));
      p = tf.sigmoid(yPred);
    } else {
      const eps = 1e-7;
      const pc = tf.clipByValue(yPred, eps, 1 - eps);
      bce = tf.neg(tf.add(tf.mul(y, tf.log(pc)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, pc)))));
      p = yPred;
    }
    const pt = tf.add(tf.mul(y, p), tf.mul(tf.sub(1, y), tf.sub(1, p)));
    let focal = tf.mul(tf.pow(tf.sub(1, pt), o.gamma), bce);
    if (o.applyClassBalancing) focal = tf.mul(tf.add(tf.mul(y, o.alpha), tf.mul(tf.sub(1, y), 1 - o.alpha)), focal);
    return tf.mean(tf.mean(focal, -1)) as tf.Scalar;
  };
}

function data(shape: [number, number], seed: number, fromLogits: boolean, soft: boolean): { y: Float32Array; x: Float32Array } {
  const rng = new Rng(seed);
  const n = shape[0] * shape[1];
  const y = new Float32Array(n).map(() => (soft ? rng.uniform() : rng.uniform() < 0.3 ? 1 : 0));
  const x = new Float32Array(n).map(() => (fromLogits ? -6 + 12 * rng.uniform() : 0.02 + 0.96 * rng.uniform()));
  return { y, x };
}

describe('TF.js oracle (cpu backend): BFCE value and tf.grad on random float32 data', () => {
  const shape: [number, number] = [64, 8];
  let seed = 1;
  for (const fromLogits of [true, false]) {
    for (const gamma of [2, 0.5, 3]) {
      for (const applyClassBalancing of [false, true]) {
        for (const labelSmoothing of [0, 0.1]) {
          for (const soft of [false, true]) {
            const o: Opts = { gamma, alpha: 0.25, applyClassBalancing, labelSmoothing, fromLogits };
            const s = seed++;
            it(JSON.stringify({ ...o, soft }), () => {
              const { y, x } = data(shape, s, fromLogits, soft);
              const ty = tf.tensor2d(y, shape);
              const tx = tf.tensor2d(x, shape);
              const f = tfBfce(ty, o);
              const tfValue = f(tx).dataSync()[0]!;
              const tfGrad = Array.from(tf.grad(f)(tx).dataSync());
              const loss = new BinaryFocalCrossentropy(o);
              const yt = tensor(y, {}, shape);
              const xp = tensor(x, {}, shape);
              const ours = loss.call(yt, xp);
              // float32 (TF.js) vs float64-computed, float32-rounded (ours): float32 accuracy.
              expectClose(ours, tfValue, { atol: 1e-6, rtol: 2e-5 }, 'value');
              const g = lossGrad((t: Tensor, q: Tensor) => loss.call(t, q), yt, xp, 'float32');
              const scale = 1 / (shape[0] * shape[1]);
              expectClose(g, tfGrad, { atol: 2e-5 * scale, rtol: 1e-4 }, 'gradient');
              tf.dispose([ty, tx]);
            });
          }
        }
      }
    }
  }

  it("torchvision's sigmoid focal loss (alpha 0.25, gamma 2, 'mean') against the same TF.js composition", () => {
    const { y, x } = data(shape, 99, true, false);
    const ty = tf.tensor2d(y, shape);
    const f = tfBfce(ty, { gamma: 2, alpha: 0.25, applyClassBalancing: true, labelSmoothing: 0, fromLogits: true });
    const tx = tf.tensor2d(x, shape);
    const yt = tensor(y, {}, shape);
    const xp = tensor(x, {}, shape);
    expectClose(sigmoidFocalLoss(xp, yt, { reduction: 'mean' }), f(tx).dataSync()[0]!, { atol: 1e-6, rtol: 2e-5 });
    const g = lossGrad((t: Tensor, q: Tensor) => sigmoidFocalLoss(q, t, { reduction: 'mean' }), yt, xp, 'float32');
    expectClose(g, Array.from(tf.grad(f)(tx).dataSync()), { atol: 2e-5 / (shape[0] * shape[1]), rtol: 1e-4 });
    tf.dispose([ty, tx]);
  });
});
