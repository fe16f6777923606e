// Unknown option keys: every loss function and loss class names the unknown key, the nearest valid
// one and the full list, instead of running with the default (before, `new
// BinaryFocalCrossentropy({ gama: 5 })` ran with γ = 2, and `{ modulator: 'detached' }` was
// ignored). Keras raises `TypeError: Unrecognized keyword arguments` for the same mistake.
import { describe, expect, it } from 'vitest';
import * as L from '@focalgrad/losses';
import { ValueError } from '@focalgrad/tensor';

type AnyFn = (a: unknown, b: unknown, o?: unknown) => unknown;
type AnyClass = new (o?: unknown) => L.Loss;

// [name, the options it accepts, a valid base (required options), a misspelling and the key it should suggest]
const functions: [string, string[], Record<string, unknown>][] = [
  ['binaryCrossentropy', ['fromLogits', 'labelSmoothing', 'axis'], {}],
  ['binaryFocalCrossentropy', ['applyClassBalancing', 'alpha', 'gamma', 'fromLogits', 'labelSmoothing', 'axis'], {}],
  ['binaryFocalLoss', ['gamma', 'posWeight', 'fromLogits', 'labelSmoothing'], { gamma: 2 }],
  ['sigmoidFocalLoss', ['alpha', 'gamma', 'reduction'], {}],
  ['categoricalCrossentropy', ['fromLogits', 'labelSmoothing', 'axis'], {}],
  ['categoricalFocalCrossentropy', ['alpha', 'gamma', 'fromLogits', 'labelSmoothing', 'axis'], {}],
  ['sparseCategoricalCrossentropy', ['fromLogits', 'axis', 'ignoreClass'], {}],
  ['sparseCategoricalFocalLoss', ['gamma', 'classWeight', 'fromLogits', 'axis', 'ignoreClass'], { gamma: 2 }],
  ['polyLoss', ['epsilon', 'gamma', 'alpha', 'fromLogits', 'labelSmoothing', 'axis'], {}],
  ['focalLossStar', ['gamma', 'beta', 'axis'], {}],
  ['logitAdjustedCrossentropy', ['priors', 'tau', 'axis', 'labelSmoothing', 'ignoreClass'], { priors: [1, 1] }],
];
const classes: [string, Record<string, unknown>][] = [
  ['BinaryCrossentropy', {}],
  ['BinaryFocalCrossentropy', {}],
  ['BinaryFocalLoss', { gamma: 2 }],
  ['CategoricalCrossentropy', {}],
  ['CategoricalFocalCrossentropy', {}],
  ['SparseCategoricalCrossentropy', {}],
  ['SparseCategoricalFocalLoss', { gamma: 2 }],
  ['PolyLoss', {}],
  ['FocalLossStar', {}],
  ['LogitAdjustedCrossentropy', { priors: [1, 1] }],
];

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const sparse = (name: string) => name.toLowerCase().startsWith('sparse');
const args = (name: string): [unknown, unknown] => (sparse(name) ? [[1], [[0.3, 0.7]]] : name === 'sigmoidFocalLoss' ? [[0.3], [1]] : [[[0, 1]], [[0.3, 0.7]]]);

describe('unknown option keys are typed errors naming the key and the valid ones', () => {
  for (const [name, known, base] of functions) {
    it(`${name}: a misspelt key and a foreign key`, () => {
      const fn = (L as unknown as Record<string, AnyFn>)[name]!;
      const [a, b] = args(name);
      fn(a, b, { ...base }); // the valid base runs
      const e = thrown(() => fn(a, b, { ...base, fromLogit: true }));
      expect(e).toBeInstanceOf(ValueError);
      expect((e as ValueError).op).toBe(name);
      expect((e as ValueError).arg).toBe('fromLogit');
      expect(String(e)).toContain(`Options: ${known.join(', ')}.`);
      if (known.includes('fromLogits')) expect(String(e)).toContain("did you mean 'fromLogits'?");
      expect(() => fn(a, b, { ...base, modulator: 'detached' })).toThrow(/argument 'modulator' is not an option of/);
    });
  }
  for (const [name, base] of classes) {
    it(`new ${name}(…): a misspelt key; reduction, name and dtype are accepted; getConfig round-trips`, () => {
      const C = (L as unknown as Record<string, AnyClass>)[name]!;
      const e = thrown(() => new C({ ...base, gama: 5 }));
      expect(e).toBeInstanceOf(ValueError);
      expect((e as ValueError).op).toBe(name);
      expect(String(e)).toContain(`argument 'gama' is not an option of ${name}`);
      if ('gamma' in base || name.includes('Focal')) expect(String(e)).toContain("did you mean 'gamma'?");
      expect(String(e)).toContain('reduction, name, dtype.');
      const loss = new C({ ...base, reduction: 'sum', name: 'x', dtype: 'float64' });
      const again = (C as unknown as { fromConfig(c: unknown): L.Loss }).fromConfig(loss.getConfig());
      expect(again.getConfig()).toEqual(loss.getConfig());
    });
  }
  it('the issue reproducer: new BinaryFocalCrossentropy({ gama: 5 }) suggests gamma', () => {
    expect(() => new L.BinaryFocalCrossentropy({ gama: 5 } as never)).toThrow(
      "BinaryFocalCrossentropy: argument 'gama' is not an option of BinaryFocalCrossentropy; did you mean 'gamma'? Options: applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing, axis, reduction, name, dtype.",
    );
  });
  it('options that are not an object are rejected', () => {
    expect(() => L.binaryCrossentropy([1], [0.5], 3 as never)).toThrow(/argument 'options' expected an object of options, got number/);
  });
});
