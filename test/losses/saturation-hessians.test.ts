// Second derivatives at saturation. From logits, the binary focal losses' Hessians were NaN for
// every γ but 0 and 2 once |x| > 372.57 (float64) or 51.99 (float32): the composite divided by
// u = 1 − p_t, and the derivative of that quotient by u², which underflows. On the probability
// paths, two NaN Hessians, now finite:
// - binaryFocalCrossentropy from probabilities with 1 < γ < 2 at p ∈ {0, 1}: the composite
//   differentiated (1 − p_t)^(γ−1) at 1 − p_t = 0, where its derivative is infinite;
// - categoricalFocalCrossentropy from probabilities, K = 1, p = 1e-45, γ = 1: the row is wholly
//   in the clip zone (its loss is constant), but the derivative of x / Σx divided by (Σx)², which
//   overflows, and met a zero.
// Inside the clip zone (1 − p_t < 1e-7) the focal factor's powers with an exponent below 1 are
// frozen for the second order, as the fused first-order gradient already freezes the base at
// 1e-7 for γ < 1; outside it the composites are exact (gradgradcheck below).
import { describe, expect, it } from 'vitest';
import * as L from '@focalgrad/losses';
import { binaryFocalCrossentropy, categoricalFocalCrossentropy } from '@focalgrad/losses';
import { grad, gradgradcheck, tensor, type Tensor } from '@focalgrad/tensor';

/** The Hessian of the summed loss applied to a ones vector (its diagonal for an elementwise loss). */
const hvp = (f: (p: Tensor) => Tensor, x: Tensor): number[] => Array.from(grad((p: Tensor) => grad((q: Tensor) => f(q).sum())(p).sum())(x).data);

describe('binary focal losses from logits: finite Hessians past the underflow of u²', () => {
  it('the reproducer: sigmoidFocalLoss at x = 400 (float64), γ = 1, and at x = 52 (float32)', () => {
    for (const [x, dtype] of [[400, 'float64'], [-400, 'float64'], [52, 'float32'], [-52, 'float32'], [1e4, 'float64']] as const) {
      for (const gamma of [0.5, 1, 1.5, 3]) {
        const y = tensor([x > 0 ? 1 : 0], { dtype });
        const h = hvp((p) => L.sigmoidFocalLoss(p, y, { gamma }), tensor([x], { dtype }));
        const hb = hvp((p) => L.binaryFocalCrossentropy(y, p, { gamma, fromLogits: true }), tensor([x], { dtype }));
        // The exact Hessian is of order x²·e^(−(γ+1)|x|) (every term carries σ(−|x|)^(γ+1)).
        const bound = (1 + Math.abs(x)) ** 2 * Math.exp(-(gamma + 1) * Math.abs(x));
        for (const v of [h[0]!, hb[0]!]) expect(Math.abs(v) <= bound, `x = ${x}, γ = ${gamma}: ${v} (bound ${bound})`).toBe(true);
      }
    }
  });
});

describe('binaryFocalCrossentropy from probabilities: finite Hessians at p ∈ {0, 1}', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const gamma of [0.5, 1.25, 1.5, 1.75, [1.5, 0.5]]) {
      it(`γ = ${JSON.stringify(gamma)}, ${dtype}: p_t = 1 gives a zero Hessian, p_t = 0 a finite one`, () => {
        const y = tensor([[1, 0]], { dtype });
        // p_t = 1 on both: the loss is flat there (clipped BCE, focal factor frozen).
        const right = hvp((p) => binaryFocalCrossentropy(y, p, { gamma }), tensor([[1, 0]], { dtype }));
        expect(right.map(Math.abs)).toEqual([0, 0]);
        // p_t = 0 on both (u = 1): u^γ and u^(γ−1) are smooth there.
        const wrong = hvp((p) => binaryFocalCrossentropy(y, p, { gamma, applyClassBalancing: true }), tensor([[0, 1]], { dtype }));
        for (const v of wrong) expect(Number.isFinite(v), `${wrong}`).toBe(true);
      });
    }
  }
  it('outside the clip zone the composite is the exact derivative of the fused gradient (gradgradcheck, float64)', () => {
    const y = [[1, 0, 0.3], [0, 1, 1]];
    const p = [[0.999, 1e-3, 0.4], [0.2, 0.9999, 0.5]];
    for (const gamma of [0.5, 1.25, 1.5, 3, [1.5, 0.5, 1.75]]) {
      const report = gradgradcheck((q: Tensor) => binaryFocalCrossentropy(tensor(y, { dtype: 'float64' }), q, { gamma }), [tensor(p, { dtype: 'float64' })]);
      expect(report.ok, `γ = ${JSON.stringify(gamma)}: max abs error ${report.maxAbsError}`).toBe(true);
    }
  });
});

describe('categoricalFocalCrossentropy from probabilities: a saturated row', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`K = 1, p = 1e-45, γ = 1 (${dtype}): loss, gradient and Hessian are finite, the Hessian [[0]]`, () => {
      const f = (p: Tensor) => categoricalFocalCrossentropy([[1]], p, { gamma: 1 });
      const x = tensor([[1e-45]], { dtype });
      expect(Number.isFinite(f(x).item())).toBe(true);
      expect(Array.from(grad((p: Tensor) => f(p).sum())(x).data)).toEqual([0]);
      expect(hvp(f, x)).toEqual([0]);
    });
  }
  it('float64, a row of denormals in the clip zone: zero gradient and Hessian', () => {
    const f = (p: Tensor) => categoricalFocalCrossentropy([[1, 0]], p, { gamma: 1.5 });
    const x = tensor([[5e-323, 0]], { dtype: 'float64' });
    expect(Array.from(grad((p: Tensor) => f(p).sum())(x).data).map(Math.abs)).toEqual([0, 0]);
    expect(hvp(f, x).map(Math.abs)).toEqual([0, 0]);
  });
  it('sparseCategoricalCrossentropy (Keras probabilities): a one-class row of a denormal, zero Hessian', () => {
    for (const [v, dtype] of [[1e-45, 'float32'], [5e-324, 'float64']] as const) {
      const f = (p: Tensor) => L.sparseCategoricalCrossentropy([0], p);
      const x = tensor([[v]], { dtype });
      expect(Array.from(grad((p: Tensor) => f(p).sum())(x).data)).toEqual([0]);
      expect(hvp(f, x)).toEqual([0]);
    }
  });
  it('rows in range are unchanged: gradgradcheck (float64)', () => {
    const report = gradgradcheck((q: Tensor) => categoricalFocalCrossentropy([[0, 1, 0], [1, 0, 0]], q, { gamma: 1.5, alpha: [0.25, 0.5, 0.25] }), [
      tensor([[0.2, 0.7, 0.1], [0.5, 0.3, 0.2]], { dtype: 'float64' }),
    ]);
    expect(report.ok, `max abs error ${report.maxAbsError}`).toBe(true);
  });
});
