/**
 * Oracle tests: forward values and gradients against TensorFlow.js (cpu backend, float32), on the
 * same random float32 inputs. Each case differentiates the scalar loss Σ f(inputs) ⊙ w for a fixed
 * random w, so every entry of the Jacobian contributes with a different weight.
 *
 * Tolerance: TF.js computes and accumulates in float32 (unit roundoff 6e-8) while focalgrad
 * accumulates in float64, so results differ by a few float32 roundings per summed term; values are
 * O(1), hence rtol 1e-5 with atol 1e-6.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  Rng, type Tensor, add, div, gather, logSoftmax, logSumExp, matmul, max, mean, min, mul, sigmoid, softmax, sub, sum,
  tanh, tensor, valueAndGrad,
} from '@focalgrad/tensor';
import { expectAllClose } from './helpers.js';

const TOL = { atol: 1e-6, rtol: 1e-5 };

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});
afterAll(() => {
  tf.disposeVariables();
});

interface Input {
  shape: number[];
  values: Float32Array;
}

function randomInput(rng: Rng, shape: number[], low = -2, high = 2): Input {
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, values: Float32Array.from({ length: n }, () => low + (high - low) * rng.uniform()) };
}

/**
 * Compares f (focalgrad) and g (TF.js) on the same inputs: the forward value and the gradient of
 * Σ f(x) ⊙ w with respect to every input.
 */
function compare(
  label: string,
  inputs: Input[],
  f: (...xs: Tensor[]) => Tensor,
  g: (...xs: tf.Tensor[]) => tf.Tensor,
  seed = 0,
): void {
  const ours = inputs.map((i) => tensor(i.values.slice(), {}, i.shape));
  const out = f(...ours);
  const rng = new Rng(seed + 1000);
  const w = randomInput(rng, out.shape.slice());
  const wOurs = tensor(w.values, {}, w.shape);
  const [value, grads] = valueAndGrad((...xs: Tensor[]) => mul(f(...xs), wOurs).sum(), inputs.map((_, i) => i))(...ours);

  tf.tidy(() => {
    const theirs = inputs.map((i) => tf.tensor(i.values, i.shape, 'float32'));
    const tOut = g(...theirs);
    expectAllClose(out, { shape: tOut.shape, data: Float64Array.from(tOut.dataSync()) }, TOL, `${label}: forward`);
    const wTf = tf.tensor(w.values, w.shape, 'float32');
    const { value: tValue, grads: tGrads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(g(...xs), wTf)) as tf.Scalar)(theirs);
    expectAllClose(value, tValue.dataSync()[0]!, TOL, `${label}: loss`);
    tGrads.forEach((tg, k) => {
      expectAllClose(grads[k]!, { shape: tg.shape, data: Float64Array.from(tg.dataSync()) }, TOL, `${label}: gradient of input ${k}`);
    });
  });
}

describe('oracle: TensorFlow.js', () => {
  const rng = new Rng(2024);

  it('matmul: 2-D, batched, batch-broadcast, matrix-vector', () => {
    compare('matmul 2-D', [randomInput(rng, [5, 7]), randomInput(rng, [7, 3])], matmul, (a, b) => tf.matMul(a!, b!));
    compare('matmul batched', [randomInput(rng, [2, 5, 7]), randomInput(rng, [2, 7, 3])], matmul, (a, b) => tf.matMul(a!, b!));
    // TF.js's batchMatMul flattens batch dimensions rather than broadcasting them NumPy-style, so
    // the oracle broadcasts explicitly (tf.broadcastTo's gradient sums back, as ours must).
    compare('matmul batch broadcast', [randomInput(rng, [2, 1, 4, 3]), randomInput(rng, [3, 3, 2])], matmul, (a, b) =>
      tf.matMul(tf.broadcastTo(a!, [2, 3, 4, 3]), tf.broadcastTo(b!, [2, 3, 3, 2])),
    );
    compare(
      'matmul matrix @ vector',
      [randomInput(rng, [4, 3]), randomInput(rng, [3])],
      matmul,
      (a, b) => tf.squeeze(tf.matMul(a!, tf.expandDims(b!, 1)), [1]),
    );
  });

  it('broadcasting arithmetic', () => {
    const shapes: [number[], number[]][] = [
      [[3, 1, 4], [2, 1]],
      [[], [2, 3]],
      [[4], [3, 1]],
      [[2, 3], [2, 3]],
    ];
    for (const [sa, sb] of shapes) {
      const a = randomInput(rng, sa);
      const b = randomInput(rng, sb);
      const bAway = { shape: sb, values: b.values.map((v) => (v >= 0 ? v + 0.5 : v - 0.5)) };
      compare(`add ${JSON.stringify([sa, sb])}`, [a, b], add, (x, y) => tf.add(x!, y!));
      compare(`sub ${JSON.stringify([sa, sb])}`, [a, b], sub, (x, y) => tf.sub(x!, y!));
      compare(`mul ${JSON.stringify([sa, sb])}`, [a, b], mul, (x, y) => tf.mul(x!, y!));
      compare(`div ${JSON.stringify([sa, sb])}`, [a, bAway], div, (x, y) => tf.div(x!, y!));
    }
  });

  it('logSoftmax, softmax, sigmoid, tanh', () => {
    const x = randomInput(rng, [4, 6], -5, 5);
    // tf.logSoftmax and tf.softmax only take the last axis
    compare('logSoftmax', [x], (x) => logSoftmax(x, -1), (x) => tf.logSoftmax(x!));
    compare('softmax', [x], (x) => softmax(x, -1), (x) => tf.softmax(x!));
    compare('sigmoid', [x], sigmoid, (x) => tf.sigmoid(x!));
    compare('tanh', [x], tanh, (x) => tf.tanh(x!));
  });

  it('reductions over one axis, several axes and all, with and without keepDims', () => {
    const x = randomInput(rng, [3, 4, 5]);
    const axesList: (number | number[] | undefined)[] = [1, -1, [0, 2], undefined];
    for (const axis of axesList) {
      for (const keepDims of [false, true]) {
        const tag = `axis=${JSON.stringify(axis)} keepDims=${keepDims}`;
        compare(`sum ${tag}`, [x], (x) => sum(x, axis, keepDims), (x) => tf.sum(x!, axis, keepDims));
        compare(`mean ${tag}`, [x], (x) => mean(x, axis, keepDims), (x) => tf.mean(x!, axis, keepDims));
        // random float32 values have no ties, so max/min gradients are unambiguous
        compare(`max ${tag}`, [x], (x) => max(x, axis, keepDims), (x) => tf.max(x!, axis, keepDims));
        compare(`min ${tag}`, [x], (x) => min(x, axis, keepDims), (x) => tf.min(x!, axis, keepDims));
        compare(`logSumExp ${tag}`, [x], (x) => logSumExp(x, axis, keepDims), (x) => tf.logSumExp(x!, axis, keepDims));
      }
    }
  });

  it('gather along an axis, with repeated indices', () => {
    const x = randomInput(rng, [5, 3]);
    const idx = [4, 0, 4, 2, 4];
    compare('gather axis 0', [x], (x) => gather(x, tensor(idx, { dtype: 'int32' }), 0), (x) => tf.gather(x!, tf.tensor1d(idx, 'int32'), 0));
    const y = randomInput(rng, [2, 4, 3]);
    const idx2 = [[3, 1], [1, 1]];
    compare(
      'gather axis 1 with 2-D indices',
      [y],
      (y) => gather(y, tensor(idx2, { dtype: 'int32' }), 1),
      (y) => tf.gather(y!, tf.tensor2d(idx2, [2, 2], 'int32'), 1),
    );
  });

  it('a small tanh MLP with a log-softmax head', () => {
    const x = randomInput(rng, [6, 4]);
    const w1 = randomInput(rng, [4, 5], -1, 1);
    const b1 = randomInput(rng, [5], -1, 1);
    const w2 = randomInput(rng, [5, 3], -1, 1);
    compare(
      'mlp',
      [x, w1, b1, w2],
      (x, w1, b1, w2) => logSoftmax(matmul(tanh(add(matmul(x!, w1!), b1!)), w2!), -1),
      (x, w1, b1, w2) => tf.logSoftmax(tf.matMul(tf.tanh(tf.add(tf.matMul(x!, w1!), b1!)), w2!)),
    );
  });
});
