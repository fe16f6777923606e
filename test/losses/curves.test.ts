import { describe, expect, it } from 'vitest';
import { ValueError, Tensor, grad, sum, tensor, linspace } from '@focalgrad/tensor';
import { binaryFocalCrossentropy, focalCurves } from '@focalgrad/losses';
import { expectClose } from './harness.js';

const pts = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
const GAMMAS = [0, 0.5, 1, 2, 5]; // Lin et al. 2017, Fig. 1

describe('focalCurves against the closed forms (Lin et al. 2017 appendix B; Mukhoti et al. 2020)', () => {
  for (const alpha of [1, 0.25]) {
    it(`alpha = ${alpha}: FL, dFL/dx_t and g(p_t, γ) for γ ∈ {0, 0.5, 1, 2, 5}`, () => {
      const { pt, logit, curves } = focalCurves({ gammas: GAMMAS, alpha, pt: pts });
      expect(pt).toEqual(pts);
      expectClose(logit, pts.map((p) => Math.log(p / (1 - p))), { atol: 1e-14, rtol: 1e-12 });
      curves.forEach((c, k) => {
        const g = GAMMAS[k]!;
        expect(c.gamma).toBe(g);
        expectClose(c.loss, pts.map((p) => -alpha * (1 - p) ** g * Math.log(p)), { atol: 1e-15, rtol: 1e-12 }, `loss γ=${g}`);
        expectClose(c.dLogit, pts.map((p) => alpha * (1 - p) ** g * (g * p * Math.log(p) + p - 1)), { atol: 1e-15, rtol: 1e-11 }, `dLogit γ=${g}`);
        expectClose(c.ratio, pts.map((p) => (1 - p) ** g - g * p * (1 - p) ** (g - 1) * Math.log(p)), { atol: 1e-14, rtol: 1e-10 }, `ratio γ=${g}`);
      });
    });
  }
  it('the cross-entropy curve (γ = 0) at p_t = 0.5 is log 2 with ratio 1', () => {
    const c = focalCurves({ gammas: [0], pt: [0.5] }).curves[0]!;
    expectClose(c.loss, [Math.LN2], { atol: 0, rtol: 1e-15 });
    expectClose(c.ratio, [1], { atol: 0, rtol: 1e-15 });
  });
  it('endpoints: p_t = 0 (loss ∞, derivative −α, ratio 1) and p_t = 1 (0, 0, ratio 1 for γ = 0 else 0)', () => {
    const { curves, logit } = focalCurves({ gammas: [0, 0.5, 2], alpha: 0.25, pt: [0, 1] });
    expect(logit).toEqual([-Infinity, Infinity]);
    for (const c of curves) {
      expect(c.loss).toEqual([Infinity, 0]);
      expectClose(c.dLogit, [-0.25, 0], { atol: 0, rtol: 1e-15 });
      expect(c.ratio).toEqual([1, c.gamma === 0 ? 1 : 0]);
    }
  });
  it('accepts a 1-D tensor of points', () => {
    const a = focalCurves({ gammas: [2], pt: linspace(0.1, 0.9, 9, { dtype: 'float64' }) });
    expect(a.pt.length).toBe(9);
  });
});

describe('focalCurves against autograd of the loss', () => {
  it('loss and dLogit equal binaryFocalCrossentropy (fromLogits, y = 1, class-balanced) and its gradient', () => {
    const alpha = 0.4;
    for (const gamma of GAMMAS) {
      const c = focalCurves({ gammas: [gamma], alpha, pt: pts }).curves[0]!;
      const x = tensor(pts.map((p) => [Math.log(p) - Math.log1p(-p)]), { dtype: 'float64' });
      const y = tensor(pts.map(() => [1]), { dtype: 'float64' });
      const f = (z: Tensor) => binaryFocalCrossentropy(y, z, { gamma, alpha, applyClassBalancing: true, fromLogits: true });
      expectClose(c.loss, f(x), { atol: 1e-15, rtol: 1e-13 });
      expectClose(c.dLogit, grad((z: Tensor) => sum(f(z)))(x), { atol: 1e-15, rtol: 1e-13 });
    }
  });
});

describe('bad inputs', () => {
  const bad = (f: () => unknown, arg: string) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ValueError);
      expect((e as ValueError).arg).toBe(arg);
      return;
    }
    expect.fail(`expected a ValueError naming '${arg}'`);
  };
  it('gammas, alpha and points are validated', () => {
    bad(() => focalCurves({ gammas: [2, -1], pt: [0.5] }), 'gammas[1]');
    bad(() => focalCurves({ gammas: [NaN], pt: [0.5] }), 'gammas[0]');
    bad(() => focalCurves({ gammas: [2], pt: [0.5, 1.5] }), 'pt[1]');
    bad(() => focalCurves({ gammas: [2], alpha: Infinity, pt: [0.5] }), 'alpha');
    bad(() => focalCurves({ gammas: 2 as unknown as number[], pt: [0.5] }), 'gammas');
  });
});
