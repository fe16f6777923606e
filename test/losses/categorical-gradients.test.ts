/**
 * First and second derivatives of the dense-label losses (categoricalCrossentropy,
 * categoricalFocalCrossentropy) in float64 against finite differences, for every option
 * combination (logits / probabilities, one-hot / soft labels, label smoothing, scalar / per-class
 * alpha and gamma, γ ∈ {0, 0.5, 2, per class}, last / middle class axis), one line per case; then
 * finiteness of values and gradients at saturation (logits ±1e4, probabilities exactly 0 and 1,
 * γ ∈ {0, 0.5, 5}) and the limits there.
 */
import { describe, expect, it } from 'vitest';
import { Rng, type Tensor, grad, gradgradcheck, softmax, tensor } from '@focalgrad/tensor';
import { categoricalCrossentropy, categoricalFocalCrossentropy, type CategoricalFocalCrossentropyOptions } from '@focalgrad/losses';
import { checkGrads, expectClose, expectFiniteValueAndGrad, oneHotRows, randLabels, randLogits, randPositive, randSoftLabels } from './harness.js';

interface Case {
  label: string;
  shape: number[];
  axis: number;
  opts: CategoricalFocalCrossentropyOptions;
  soft: boolean;
}

function oneHotAlong(rng: Rng, shape: number[], axis: number): Tensor {
  const ax = axis < 0 ? axis + shape.length : axis;
  const k = shape[ax]!;
  const rowsShape = shape.filter((_, d) => d !== ax);
  const labels = randLabels(rng, rowsShape, k).data;
  const inner = shape.slice(ax + 1).reduce((p, d) => p * d, 1);
  const d = new Float64Array(shape.reduce((p, v) => p * v, 1));
  labels.forEach((t, r) => {
    const o = Math.floor(r / inner);
    const i = r % inner;
    d[o * k * inner + t * inner + i] = 1;
  });
  return tensor(d, {}, shape);
}

const cases: Case[] = [];
for (const fromLogits of [true, false]) {
  for (const soft of [false, true]) {
    for (const labelSmoothing of [0, 0.1]) {
      for (const alpha of [0.25, [0.2, 1.5, 0.7, 1]] as const) {
        for (const gamma of [0, 0.5, 2, [0, 0.5, 2, 5]] as const) {
          for (const [shape, axis] of [[[3, 4], -1], [[2, 4, 3], 1]] as const) {
            cases.push({
              label: `logits=${fromLogits} soft=${soft} ls=${labelSmoothing} alpha=${JSON.stringify(alpha)} gamma=${JSON.stringify(gamma)} shape=[${shape}] axis=${axis}`,
              shape: shape.slice(),
              axis,
              soft,
              opts: { fromLogits, labelSmoothing, alpha: alpha as number | number[], gamma: gamma as number | number[], axis },
            });
          }
        }
      }
    }
  }
}

describe('categoricalFocalCrossentropy: gradcheck + gradgradcheck (float64)', () => {
  cases.forEach((c, n) => {
    it(c.label, () => {
      const rng = new Rng(1000 + n);
      const y = c.soft ? randSoftLabels(rng, c.shape, c.axis) : oneHotAlong(rng, c.shape, c.axis);
      const x = c.opts.fromLogits ? randLogits(rng, c.shape, 1.5) : randPositive(rng, c.shape, 0.05, 1);
      checkGrads(c.label, (yy, xx) => categoricalFocalCrossentropy(yy!, xx!, c.opts), [y, x], [1]);
    });
  });
});

describe('categoricalCrossentropy: gradcheck + gradgradcheck (float64)', () => {
  for (const fromLogits of [true, false]) {
    for (const labelSmoothing of [0, 0.2]) {
      for (const [shape, axis] of [[[3, 5], -1], [[2, 3, 4], 1], [[4, 2, 3], 0]] as const) {
        const label = `logits=${fromLogits} ls=${labelSmoothing} shape=[${shape}] axis=${axis}`;
        it(label, () => {
          const rng = new Rng(7 + shape[0]! * 10 + axis);
          const y = randSoftLabels(rng, shape.slice(), axis);
          const x = fromLogits ? randLogits(rng, shape.slice()) : randPositive(rng, shape.slice());
          checkGrads(label, (yy, xx) => categoricalCrossentropy(yy!, xx!, { fromLogits, labelSmoothing, axis }), [y, x], [1]);
        });
      }
    }
  }
});

describe('saturation: values and gradients stay finite', () => {
  const gammas = [0, 0.5, 2, 5];
  const logits = tensor(
    [
      [1e4, -1e4, 0.3],
      [-1e4, 1e4, -1e4],
      [1e4, 1e4, -1e4],
      [0.1, 0.2, 0.3],
    ],
    { dtype: 'float64' },
  );
  const yHard = tensor(oneHotRows([1, 1, 2, 0], 3), { dtype: 'float64' });
  const ySoft = tensor([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0, 0.5, 0.5], [1, 0, 0]], { dtype: 'float64' });

  for (const gamma of gammas) {
    for (const [yName, y] of [['one-hot', yHard], ['soft', ySoft]] as const) {
      it(`logits ±1e4, ${yName} labels, γ=${gamma}, label smoothing 0 and 0.1`, () => {
        for (const labelSmoothing of [0, 0.1]) {
          expectFiniteValueAndGrad(`cfce γ=${gamma}`, (z) => categoricalFocalCrossentropy(y, z, { gamma, fromLogits: true, labelSmoothing }), logits);
          expectFiniteValueAndGrad(`cce`, (z) => categoricalCrossentropy(y, z, { fromLogits: true, labelSmoothing }), logits);
          for (const dt of ['float32'] as const) {
            expectFiniteValueAndGrad(`cfce f32`, (z) => categoricalFocalCrossentropy(y, z, { gamma, fromLogits: true, labelSmoothing }), tensor(logits, { dtype: dt }));
          }
        }
      });
    }
  }

  it('confidently wrong logits: exact log-softmax (loss α·Δz, gradient ±α), not Keras’s 16.118 cap', () => {
    const z = tensor([[1e4, -1e4, 0]], { dtype: 'float64' });
    const { value, grad: g } = expectFiniteValueAndGrad('wrong', (zz) => categoricalFocalCrossentropy([[0, 1, 0]], zz, { fromLogits: true }), z);
    expectClose(value, [0.25 * 2e4], { atol: 0, rtol: 1e-15 });
    expectClose(g, [[0.25, -0.25, 0]], { atol: 1e-300, rtol: 1e-15 });
  });

  for (const gamma of gammas) {
    it(`probabilities exactly 0 and 1, γ=${gamma}: finite, and no gradient through clipped entries`, () => {
      const p = tensor([[0, 1, 0], [1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]], { dtype: 'float64' });
      const y = tensor(oneHotRows([1, 1, 2, 2], 3), { dtype: 'float64' });
      const { value, grad: g } = expectFiniteValueAndGrad(`probs γ=${gamma}`, (pp) => categoricalFocalCrossentropy(y, pp, { gamma }), p);
      // row 0: correct and saturated: o_t = 1 − 1e-7, loss α·(1e-7)^γ·1e-7; the target is clipped
      // (gradient 0) and so the whole row's gradient is 0.
      expectClose(value.toArray()[0], 0.25 * 1e-7 ** gamma * -Math.log(1 - 1e-7), { atol: 1e-30, rtol: 1e-6 });
      expect(Array.from(g.data.slice(0, 3))).toEqual([0, 0, 0]);
      // row 1: wrong and saturated: capped at −log(1e-7), gradient 0 (clip), as in Keras
      expectClose(value.toArray()[1], 0.25 * (1 - 1e-7) ** gamma * -Math.log(1e-7), { atol: 0, rtol: 1e-12 });
      expect(Array.from(g.data.slice(3, 6))).toEqual([0, 0, 0]);
      expectFiniteValueAndGrad(`probs soft γ=${gamma}`, (pp) => categoricalFocalCrossentropy(ySoft, pp, { gamma, labelSmoothing: 0.1 }), p);
      expectFiniteValueAndGrad(`probs cce`, (pp) => categoricalCrossentropy(ySoft, pp), p);
    });
  }

  it('second derivatives (Hessian-vector products) stay finite at saturation too, γ ∈ {0, 0.5, 1, 2, 5}', () => {
    const p = tensor([[0, 1, 0], [1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]], { dtype: 'float64' });
    for (const gamma of [0, 0.5, 1, 2, 5]) {
      for (const y of [yHard, ySoft]) {
        const hz = grad((zz: Tensor) => grad((w: Tensor) => categoricalFocalCrossentropy(y, w, { gamma, fromLogits: true, labelSmoothing: 0.1 }).sum())(zz).square().sum())(logits);
        for (const v of hz.data) expect(Number.isFinite(v), `logits γ=${gamma}: ${Array.from(hz.data)}`).toBe(true);
        const hp = grad((pp: Tensor) => grad((w: Tensor) => categoricalFocalCrossentropy(y, w, { gamma }).sum())(pp).square().sum())(p);
        for (const v of hp.data) expect(Number.isFinite(v), `probs γ=${gamma}: ${Array.from(hp.data)}`).toBe(true);
      }
    }
  });
});

describe('the gradient equals autodiff through softmax of the probability path, away from saturation', () => {
  it('d/dz cfce(y, z, fromLogits) = d/dz cfce(y, softmax(z)) for soft labels, per-class α and γ', () => {
    const rng = new Rng(31);
    const z = randLogits(rng, [4, 5], 1);
    const y = randSoftLabels(rng, [4, 5], -1);
    const o = { alpha: [0.1, 0.2, 0.3, 0.4, 0.5], gamma: [0, 0.5, 1, 2, 3], labelSmoothing: 0.05 };
    const a = grad((w: Tensor) => categoricalFocalCrossentropy(y, w, { ...o, fromLogits: true }).sum())(z);
    const b = grad((w: Tensor) => categoricalFocalCrossentropy(y, softmax(w, -1), o).sum())(z);
    expectClose(a, b, { atol: 1e-13, rtol: 1e-10 });
    expect(gradgradcheck((w) => categoricalFocalCrossentropy(y, w, { ...o, fromLogits: true }), [z]).ok).toBe(true);
  });
});

describe('the residual path and the recompute path (second backward through a retained graph) are bit-identical', () => {
  for (const fromLogits of [true, false]) {
    it(`fromLogits=${fromLogits}: both backward passes agree`, () => {
      const rng = new Rng(78);
      const x = (fromLogits ? randLogits(rng, [4, 5]) : randPositive(rng, [4, 5])).requireGrad();
      const y = randSoftLabels(rng, [4, 5], -1);
      const perRow = categoricalFocalCrossentropy(y, x, { gamma: 1.5, alpha: [1, 2, 3, 4, 5], fromLogits, labelSmoothing: 0.1 });
      expect(perRow.node!.saved).toBeDefined(); // the forward kept its unit-upstream gradient
      const loss = perRow.mul(tensor([3, 1, 0.5, 2], { dtype: 'float64' })).sum();
      loss.backward(undefined, { retainGraph: true });
      expect(perRow.node!.saved).toBeUndefined(); // taken by the first backward
      const first = Array.from(x.grad!.data);
      x.zeroGrad();
      loss.backward();
      expect(Array.from(x.grad!.data)).toEqual(first);
    });
  }
});
