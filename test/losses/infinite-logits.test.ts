// Infinite logits give the limits of the loss, its gradient and its second derivatives; NaN logits
// and softmax rows without a limit are ValueErrors. The expected limits are derived by hand in
// each test: a binary loss at x → ±∞ keeps only its linear part, (1 − y)·x at +∞ and y·|x| at −∞
// (times the focal factor's limit and the weights); a softmax row with a −∞ logit is the softmax
// of its other logits (an action mask), and one with a +∞ logit puts all mass there.
import { describe, expect, it } from 'vitest';
import * as L from '@focalgrad/losses';
import { ValueError, grad, tensor, type Tensor } from '@focalgrad/tensor';
import { expectClose } from './expect.js';

const dtypes = ['float32', 'float64'] as const;

/** Value, gradient and the Hessian's diagonal-sum direction (an HVP with a ones vector). */
function derivatives(f: (x: Tensor) => Tensor, x: Tensor): { value: number; g: number[]; h: number[] } {
  const value = f(x).sum().item();
  const g = Array.from(grad((p: Tensor) => f(p).sum())(x).data);
  const h = Array.from(grad((p: Tensor) => grad((q: Tensor) => f(q).sum())(p).sum())(x).data);
  return { value, g, h };
}

describe('binary losses at ±∞', () => {
  for (const dtype of dtypes) {
    it(`binaryCrossentropy: +∞ on the wrong side, 0 on the right side; gradient σ(±∞) − y; Hessian 0 (${dtype})`, () => {
      const f = (y: number[]) => (x: Tensor) => L.binaryCrossentropy(tensor(y, { dtype }), x, { fromLogits: true });
      const x = tensor([Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity], { dtype });
      const y = [1, 0, 0, 1, 0.3, 0.3];
      // One per-sample mean over six elements: any wrong-side element makes it +∞.
      const r = derivatives(f(y), x);
      expect(r.value).toBe(Infinity);
      expectClose(r.g, [0, 0, 1, -1, 0.7, -0.3].map((v) => v / 6), { atol: 0, rtol: 1e-7 });
      expect(r.h).toEqual([0, 0, 0, 0, 0, 0]);
      // Only right-side elements: the limit 0.
      const ok = derivatives(f([1, 0]), tensor([Infinity, -Infinity], { dtype }));
      expect(ok.value).toBe(0);
      expect(ok.g.map(Math.abs)).toEqual([0, 0]);
    });

    it(`binaryFocalCrossentropy, binaryFocalLoss, sigmoidFocalLoss per element (${dtype})`, () => {
      const x = tensor([Infinity, Infinity, Infinity, -Infinity, -Infinity], { dtype });
      const yv = [1, 0, 0.3, 0, 1];
      const y = tensor(yv, { dtype });
      // Keras, no balancing, γ = 2, per element (axis over a trailing 1): the focal factor tends to
      // (1 − y)² at +∞ (p_t → y), so the gradient tends to (1 − y)²·(1 − y) there; at −∞, y²·(−y).
      const bfce = derivatives((p) => L.binaryFocalCrossentropy(y.reshape([5, 1]), p.reshape([5, 1]), { fromLogits: true, gamma: 2 }), x);
      const perElement = (p: Tensor) => L.binaryFocalCrossentropy(y.reshape([5, 1]), p.reshape([5, 1]), { fromLogits: true, gamma: 2 });
      expect(Array.from(perElement(x).data)).toEqual([0, Infinity, Infinity, 0, Infinity]);
      expectClose(bfce.g, [0, 1, 0.7 ** 3, 0, -1], { atol: 0, rtol: 1e-6 });
      expect(bfce.h.every((v) => v === 0)).toBe(true);
      // torchvision, α = 0.25: weights α for positives, 1 − α for negatives, on the same limits.
      const sfl = derivatives((p) => L.sigmoidFocalLoss(p, y, { alpha: 0.25, gamma: 2 }), x);
      expectClose(sfl.g, [0, 0.75, 0.7 ** 3 * (0.3 * 0.25 + 0.7 * 0.75), 0, -0.25], { atol: 0, rtol: 1e-6 });
      expect(Array.from(L.sigmoidFocalLoss(x, y).data)).toEqual([0, Infinity, Infinity, 0, Infinity]);
      // focal-loss, hard labels: a positive (y ≠ 0) at +∞ and a negative at −∞ give 0.
      const hard = tensor([1, 0], { dtype });
      const fl = derivatives((p) => L.binaryFocalLoss(hard, p, { gamma: 2, fromLogits: true }), tensor([Infinity, -Infinity], { dtype }));
      expect(fl.value).toBe(0);
      expect(fl.g.map(Math.abs)).toEqual([0, 0]);
      expect(Array.from(L.binaryFocalLoss(hard, tensor([-Infinity, Infinity], { dtype }), { gamma: 2, fromLogits: true }).data)).toEqual([Infinity, Infinity]);
    });
  }

  it('finite logits next to infinite ones keep their own values', () => {
    const y = tensor([1, 0, 1], { dtype: 'float64' });
    const x = tensor([2, Infinity, -0.5], { dtype: 'float64' });
    const v = L.binaryFocalCrossentropy(y.reshape([3, 1]), x.reshape([3, 1]), { fromLogits: true, gamma: 2 });
    const finite = L.binaryFocalCrossentropy(tensor([[1], [1]], { dtype: 'float64' }), tensor([[2], [-0.5]], { dtype: 'float64' }), { fromLogits: true, gamma: 2 });
    expect([v.data[0], v.data[2]]).toEqual(Array.from(finite.data));
    expect(v.data[1]).toBe(Infinity);
  });
});

describe('softmax losses at ±∞', () => {
  for (const dtype of dtypes) {
    it(`a −∞ logit masks its class out (${dtype})`, () => {
      const x = tensor([[-Infinity, 1, 2]], { dtype });
      const masked = tensor([[1, 2]], { dtype: 'float64' });
      // The loss of the other two classes: log(1 + e^{-1}) for the label on class 2.
      const want = Math.log1p(Math.exp(-1));
      expectClose(L.categoricalCrossentropy([[0, 0, 1]], x, { fromLogits: true }), want, { atol: 0, rtol: 1e-6 });
      expectClose(L.sparseCategoricalCrossentropy(tensor([2], { dtype: 'int32' }), x, { fromLogits: true }), want, { atol: 0, rtol: 1e-6 });
      const sf = derivatives((p) => L.sparseCategoricalFocalLoss(tensor([2], { dtype: 'int32' }), p, { gamma: 2, fromLogits: true }), x);
      const ref = derivatives((p) => L.sparseCategoricalFocalLoss(tensor([1], { dtype: 'int32' }), p, { gamma: 2, fromLogits: true }), masked);
      expectClose(sf.value, ref.value, { atol: 0, rtol: 1e-6 });
      expectClose(sf.g, [0, ...ref.g], { atol: 1e-7, rtol: 1e-5 });
      expectClose(sf.h, [0, ...ref.h], { atol: 1e-7, rtol: 1e-5 });
      // The label on the masked class: +∞, with the finite limit gradient softmax − onehot.
      const bad = derivatives((p) => L.categoricalFocalCrossentropy([[1, 0, 0]], p, { fromLogits: true }), x);
      expect(bad.value).toBe(Infinity);
      expect(bad.g.every(Number.isFinite) && bad.h.every(Number.isFinite)).toBe(true);
    });

    it(`a +∞ logit takes all the mass (${dtype})`, () => {
      const x = tensor([[Infinity, 0, 3]], { dtype });
      const right = derivatives((p) => L.categoricalCrossentropy([[1, 0, 0]], p, { fromLogits: true }), x);
      expect(right.value).toBe(0);
      expect(right.g.map(Math.abs)).toEqual([0, 0, 0]);
      const wrong = derivatives((p) => L.sparseCategoricalCrossentropy(tensor([1], { dtype: 'int32' }), p, { fromLogits: true }), x);
      expect(wrong.value).toBe(Infinity);
      expectClose(wrong.g, [1, -1, 0], { atol: 0, rtol: 0 }); // softmax − onehot
      expect(wrong.h).toEqual([0, 0, 0]);
    });
  }

  it('rows without a limit, and NaN logits, are ValueErrors', () => {
    expect(() => L.categoricalCrossentropy([[1, 0]], [[Infinity, Infinity]], { fromLogits: true })).toThrow(
      "categoricalCrossentropy: argument 'yPred' has a row along axis 1 with 2 logits of +Infinity (starting at flat index 0): its softmax has no limit",
    );
    expect(() => L.sparseCategoricalFocalLoss([0], [[-Infinity, -Infinity]], { gamma: 2, fromLogits: true })).toThrow(/with only logits of -Infinity/);
    expect(() => L.binaryCrossentropy([1, 0], [0.5, NaN], { fromLogits: true })).toThrow(ValueError);
    expect(() => L.binaryCrossentropy([1, 0], [0.5, NaN], { fromLogits: true })).toThrow("binaryCrossentropy: argument 'yPred' expected numbers, got NaN at flat index 1");
    expect(() => L.sigmoidFocalLoss([NaN], [1])).toThrow("sigmoidFocalLoss: argument 'inputs' expected numbers, got NaN at flat index 0");
  });

  it('the loss classes (fused reductions) take the same limits', () => {
    const x = tensor([[-Infinity, 1, 2], [0, 0, Infinity]], { dtype: 'float64' });
    const y = tensor([2, 2], { dtype: 'int32' });
    const cls = new L.SparseCategoricalFocalLoss({ gamma: 2, fromLogits: true });
    const per = L.sparseCategoricalFocalLoss(y, x, { gamma: 2, fromLogits: true });
    expectClose(cls.call(y, x), (per.data[0]! + per.data[1]!) / 2, { atol: 0, rtol: 1e-15 });
    expect(new L.BinaryCrossentropy({ fromLogits: true }).call([[1], [0]], [[Infinity], [Infinity]]).item()).toBe(Infinity);
  });
});
