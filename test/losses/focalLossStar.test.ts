// FL* beyond the value table of losses.test.ts: its limits and its argument errors.
import { FocalLossStar, binaryCrossentropy, focalLossStar } from '@focalgrad/losses';
import { ValueError, grad, tensor } from '@focalgrad/tensor';
import { describe, expect, it } from 'vitest';

const Y = tensor([[0, 1, 1], [1, 0, 0.3]], { dtype: 'float64' });
const X = tensor([[-1.2, 0.5, 2.3], [0.7, -0.4, 1.9]], { dtype: 'float64' });

describe('focalLossStar', () => {
  it('is the BCE with logits at γ = 1, β = 0, soft labels included', () => {
    const a = focalLossStar(Y, X, { gamma: 1, beta: 0 }).toArray() as number[];
    const b = binaryCrossentropy(Y, X, { fromLogits: true }).toArray() as number[];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 14));
  });

  it('has a gradient bounded by 1 per element, whatever γ', () => {
    for (const gamma of [0.1, 2, 50]) {
      const g = grad((x) => focalLossStar(Y, x, { gamma, beta: 1 }).sum())(tensor([[-1e4, 3, 1e4], [0, 40, -40]], { dtype: 'float64' })).data;
      for (const v of g) expect(Math.abs(v)).toBeLessThanOrEqual(1 / 3 + 1e-15);
    }
  });

  it('rejects γ ≤ 0, a non-finite β and labels outside [0, 1], naming the argument', () => {
    for (const gamma of [0, -1, Number.NaN, Infinity]) {
      expect(() => focalLossStar(Y, X, { gamma })).toThrow(ValueError);
      expect(() => focalLossStar(Y, X, { gamma })).toThrow(/gamma.*> 0/);
      expect(() => new FocalLossStar({ gamma })).toThrow(/gamma/);
    }
    expect(() => focalLossStar(Y, X, { beta: Number.NaN })).toThrow(/beta/);
    expect(() => new FocalLossStar({ beta: Infinity })).toThrow(/beta/);
    expect(() => focalLossStar([[2]], [[0.5]])).toThrow(/yTrue/);
  });

  it('round-trips its config', () => {
    const loss = new FocalLossStar({ gamma: 4, beta: 0, reduction: 'sum' });
    expect(FocalLossStar.fromConfig(loss.getConfig()).getConfig()).toEqual(loss.getConfig());
  });
});
