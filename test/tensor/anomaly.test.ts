// Anomaly mode: a NaN or infinity in a gradient names the op, where it was created and the input.
import { describe, expect, it } from 'vitest';
import { AnomalyError, detectAnomaly, grad, isAnomalyEnabled, setDetectAnomaly, tensor, type Tensor } from '@focalgrad/tensor';

function makeBadGraph(): Tensor {
  const x = tensor([0, 4], { requiresGrad: true });
  return x.sqrt().sum(); // d sqrt/dx at 0 is +Infinity
}

describe('detectAnomaly', () => {
  it('names the op, the input and the line of user code that created the op', () => {
    let err: unknown;
    try {
      detectAnomaly(() => makeBadGraph().backward());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnomalyError);
    const a = err as AnomalyError;
    expect(a.op).toBe('sqrt');
    expect(a.arg).toBe('input 0');
    expect(a.message).toMatch(/sqrt: argument 'input 0' backward produced Infinity at flat index 0 of the gradient for input 0 \(shape \[2\]\)/);
    expect(a.creationSite).toMatch(/anomaly\.test\.ts/); // this file, not focalgrad's internals
    expect(a.creationSite).not.toMatch(/packages[\\/]tensor/);
  });

  it('is off by default, scoped by detectAnomaly, and global with setDetectAnomaly', () => {
    expect(isAnomalyEnabled()).toBe(false);
    const g = grad((x: Tensor) => x.sqrt().sum())(tensor([0, 4]));
    expect(g.toArray()).toEqual([Infinity, 0.25]); // not checked: the IEEE result
    expect(() => detectAnomaly(() => grad((x: Tensor) => x.sqrt().sum())(tensor([0, 4])))).toThrow(AnomalyError);
    expect(isAnomalyEnabled()).toBe(false);
    setDetectAnomaly(true);
    try {
      expect(() => makeBadGraph().backward()).toThrow(/backward produced Infinity/);
    } finally {
      setDetectAnomaly(false);
    }
  });

  it('finite gradients pass through unchanged, to second order', () => {
    const h = detectAnomaly(() => grad((x: Tensor) => grad((x: Tensor) => x.pow(3).sum())(x).sum())(tensor([2], { dtype: 'float64' })));
    expect(h.item()).toBe(12);
  });

  it('refuses an async function', () => {
    expect(() => detectAnomaly(async () => 1)).toThrow(/detectAnomaly: argument 'fn' returned a promise/);
    expect(isAnomalyEnabled()).toBe(false);
  });
});
