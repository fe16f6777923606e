/**
 * First and second derivatives of the integer-label losses (sparseCategoricalCrossentropy,
 * sparseCategoricalFocalLoss) in float64 against finite differences, for every option combination
 * (logits / probabilities, γ ∈ {0, 0.5, 2, 5, per class}, classWeight, last / middle class axis,
 * ignored labels, labels with a trailing 1), one line per case; then finiteness and the exact
 * limits at saturation (logits ±1e4, probabilities exactly 0 and 1, γ ∈ {0, 0.5, 5}).
 */
import { describe, expect, it } from 'vitest';
import { Rng, type Tensor, grad, tensor } from '@focalgrad/tensor';
import { sparseCategoricalCrossentropy, sparseCategoricalFocalLoss, type SparseCategoricalFocalLossOptions } from '@focalgrad/losses';
import { checkGrads, expectClose, expectFiniteValueAndGrad, randLabels, randLogits, randPositive } from './harness.js';

/** Labels for yPred of `shape` with class axis `axis`; a few set to `ignore` if given. */
function labelsFor(rng: Rng, shape: number[], axis: number, ignore: number | null, trailing1: boolean): Tensor {
  const ax = axis < 0 ? axis + shape.length : axis;
  const rows = shape.filter((_, d) => d !== ax);
  const t = randLabels(rng, rows, shape[ax]!);
  if (ignore !== null) {
    t.data[0] = ignore;
    if (t.size > 3) t.data[3] = ignore;
  }
  return trailing1 ? t.reshape([...rows, 1]) : t;
}

describe('sparseCategoricalFocalLoss: gradcheck + gradgradcheck (float64)', () => {
  let n = 0;
  for (const fromLogits of [true, false]) {
    for (const gamma of [0, 0.5, 2, 5, [0, 0.5, 2, 5]] as const) {
      for (const classWeight of [null, [0.5, 2, 1, 0.25]] as const) {
        for (const [shape, axis] of [[[5, 4], -1], [[2, 4, 3], 1]] as const) {
          for (const ignoreClass of [null, -1] as const) {
            const trailing1 = n % 3 === 0;
            const seed = 500 + n++;
            const label = `logits=${fromLogits} gamma=${JSON.stringify(gamma)} classWeight=${JSON.stringify(classWeight)} shape=[${shape}] axis=${axis} ignore=${ignoreClass} trailing1=${trailing1}`;
            it(label, () => {
              const rng = new Rng(seed);
              const y = labelsFor(rng, shape.slice(), axis, ignoreClass, trailing1);
              const x = fromLogits ? randLogits(rng, shape.slice(), 1.5) : randPositive(rng, shape.slice(), 0.05, 0.9);
              const o: SparseCategoricalFocalLossOptions = { gamma: gamma as number | number[], classWeight, fromLogits, axis, ignoreClass };
              checkGrads(label, (yy, xx) => sparseCategoricalFocalLoss(yy!, xx!, o), [y, x], [1]);
            });
          }
        }
      }
    }
  }
});

describe('sparseCategoricalCrossentropy: gradcheck + gradgradcheck (float64)', () => {
  let n = 0;
  for (const fromLogits of [true, false]) {
    for (const [shape, axis] of [[[5, 4], -1], [[2, 4, 3], 1], [[3, 2, 2], 0]] as const) {
      for (const ignoreClass of [null, 255] as const) {
        const seed = 900 + n++;
        const label = `logits=${fromLogits} shape=[${shape}] axis=${axis} ignore=${ignoreClass}`;
        it(label, () => {
          const rng = new Rng(seed);
          const y = labelsFor(rng, shape.slice(), axis, ignoreClass, false);
          const x = fromLogits ? randLogits(rng, shape.slice()) : randPositive(rng, shape.slice());
          checkGrads(label, (yy, xx) => sparseCategoricalCrossentropy(yy!, xx!, { fromLogits, axis, ignoreClass }), [y, x], [1]);
        });
      }
    }
  }
});

describe('saturation: values and gradients stay finite, with the right limits', () => {
  const z = tensor([[1e4, -1e4, 0.3], [-1e4, 1e4, -1e4], [1e4, 1e4, -1e4], [0.1, 0.2, 0.3], [-1e4, -1e4, -1e4]], { dtype: 'float64' });
  const labels = tensor(new Int32Array([1, 1, 2, 0, 2]), {}, [5]);

  for (const gamma of [0, 0.5, 2, 5, [0.5, 5, 0]]) {
    it(`logits ±1e4, γ=${JSON.stringify(gamma)} (float64 and float32), class weights`, () => {
      for (const x of [z, tensor(z, { dtype: 'float32' })]) {
        const { value, grad: g } = expectFiniteValueAndGrad(`sfl γ=${gamma}`, (w) => sparseCategoricalFocalLoss(labels, w, { gamma, fromLogits: true, classWeight: [1, 2, 3] }), x);
        // row 0: label 1 has p = 0 exactly: loss = w·2e4 (no cap), gradient w·(p − e_t) = [2, −2, 0]
        expectClose(value.toArray()[0], 2 * 2e4, { atol: 0, rtol: 1e-6 });
        expectClose(g.toArray()[0], [2, -2, 0], { atol: 1e-30, rtol: 1e-6 });
        // row 1: correct and saturated: loss 0, gradient 0
        expectClose(g.toArray()[1], [0, 0, 0], { atol: 1e-30, rtol: 0 });
      }
      expectFiniteValueAndGrad('scce', (w) => sparseCategoricalCrossentropy(labels, w, { fromLogits: true }), z);
    });
  }

  it('second derivatives are finite even at saturation (logits ±1e4, probabilities 0 and 1)', () => {
    const p = tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]], { dtype: 'float64' });
    for (const gamma of [0, 0.5, 1, 2, 5]) {
      // The crossentropy has no γ (an unknown option is an error), so it runs once per γ unchanged.
      const losses = [(v: Tensor) => sparseCategoricalFocalLoss([1, 1, 0, 2, 1], v, { gamma }), (v: Tensor) => sparseCategoricalCrossentropy([1, 1, 0, 2, 1], v)];
      for (const f of losses) {
        const h = grad((w: Tensor) => grad((v: Tensor) => f(v).sum())(w).square().sum())(p);
        for (const v of h.data) expect(Number.isFinite(v), `probs γ=${gamma}: ${Array.from(h.data)}`).toBe(true);
      }
    }
    for (const gamma of [0, 0.5, 1, 2, 5]) {
      const h = grad((w: Tensor) => grad((v: Tensor) => sparseCategoricalFocalLoss(labels, v, { gamma, fromLogits: true }).sum())(w).square().sum())(z);
      for (const v of h.data) expect(Number.isFinite(v), `γ=${gamma}: ${Array.from(h.data)}`).toBe(true);
    }
  });

  for (const gamma of [0, 0.5, 1, 2, 5]) {
    it(`probabilities exactly 0 and 1, γ=${gamma}: finite values and gradients`, () => {
      const p = tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0.3, 0.3, 0.4]], { dtype: 'float64' });
      const y = [1, 1, 0, 2];
      const { value, grad: g } = expectFiniteValueAndGrad(`fl probs γ=${gamma}`, (w) => sparseCategoricalFocalLoss(y, w, { gamma }), p);
      const eps = 1e-7;
      const X0 = Math.log(1 - eps + 2 * eps) - Math.log(1 - eps); // log Σ clip − log clip(p_t)
      // row 0: p_t = 1: modulation 0^γ (1 for γ = 0)
      expectClose(value.toArray()[0], (gamma === 0 ? 1 : 0) * X0, { atol: 1e-30, rtol: 1e-9 });
      // ∂L/∂p_t: the clip kills the xent part; the modulation's derivative −γ(1 − p_t)^(γ−1) is
      // taken at the clip boundary for 0 < γ < 1 (finite), exactly 0 for γ > 1, −1 for γ = 1.
      const dM = gamma === 0 ? 0 : gamma < 1 ? -gamma * eps ** (gamma - 1) : gamma === 1 ? -1 : 0;
      expectClose(g.toArray()[0][1], dM * X0, { atol: 1e-30, rtol: 1e-9 });
      // row 1: p_t = 0: xent capped at log Σ clip − log 1e-7, modulation 1
      expectClose(value.toArray()[1], Math.log(1 - eps + 2 * eps) - Math.log(eps), { atol: 0, rtol: 1e-12 });
      expectFiniteValueAndGrad('scce probs', (w) => sparseCategoricalCrossentropy(y, w), p);
    });
  }

  it('p_t > 1 (where focal-loss gives NaN for fractional γ) is a ValueError naming the value', () => {
    const p = tensor([[0.1, 1.2, 0.1]], { dtype: 'float64' });
    expect(() => sparseCategoricalFocalLoss([1], p, { gamma: 0.5 })).toThrow(
      "sparseCategoricalFocalLoss: argument 'yPred' expected probabilities (fromLogits is false) in [0, 1], got 1.2 at flat index 1",
    );
  });
});

describe('the residual path and the recompute path (second backward through a retained graph) are bit-identical', () => {
  for (const [fromLogits, shape, axis] of [[true, [6, 5], -1], [true, [2, 5, 3], 1], [false, [6, 5], -1]] as const) {
    it(`fromLogits=${fromLogits} shape=[${shape}] axis=${axis}: both backward passes agree, ignored rows included`, () => {
      const rng = new Rng(77);
      const x = fromLogits ? randLogits(rng, shape.slice()) : randPositive(rng, shape.slice(), 0.05, 0.9);
      x.requireGrad();
      const y = labelsFor(rng, shape.slice(), axis, -1, false);
      const perRow = sparseCategoricalFocalLoss(y, x, { gamma: 2, classWeight: [1, 2, 3, 4, 5], fromLogits, axis, ignoreClass: -1 });
      expect(perRow.node!.saved).toBeDefined(); // the forward kept its gradient work
      const loss = perRow.mul(tensor([3, 1, 0.5, 2, 1.5, 4].slice(0, perRow.shape[perRow.ndim - 1]), { dtype: 'float64' })).sum();
      loss.backward(undefined, { retainGraph: true });
      expect(perRow.node!.saved).toBeUndefined(); // taken by the first backward
      const first = Array.from(x.grad!.data);
      x.zeroGrad();
      loss.backward();
      expect(Array.from(x.grad!.data)).toEqual(first);
    });
  }
});
