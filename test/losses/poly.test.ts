// PolyLoss beyond the value table of losses.test.ts: its identities with the losses it extends,
// the class axis, the class's config, and its argument errors.
import { CategoricalCrossentropy, PolyLoss, categoricalCrossentropy, categoricalFocalCrossentropy, polyLoss } from '@focalgrad/losses';
import { ValueError, tensor, transpose } from '@focalgrad/tensor';
import { describe, expect, it } from 'vitest';

const f64 = (v: number[][]) => tensor(v, { dtype: 'float64' });
// optax PolyLossTest.test_equals_to_cross_entropy_when_eps0, its first case.
const Z = f64([[4.0, 2.0, 1.0], [0.0, 5.0, 1.0], [0.134, 1.234, 3.235]]);
const Y = f64([[1.0, 0.0, 0.0], [0.0, 0.8, 0.2], [0.34, 0.33, 0.33]]);

describe('polyLoss', () => {
  it('is the crossentropy at ε = 0 (optax test_equals_to_cross_entropy_when_eps0)', () => {
    const got = polyLoss(Y, Z, { epsilon: 0, fromLogits: true }).toArray() as number[];
    const want = categoricalCrossentropy(Y, Z, { fromLogits: true }).toArray() as number[];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
  });

  it('is the focal loss plus ε(1 − p_t)^(γ+1) for one-hot labels', () => {
    const y = f64([[0, 1, 0], [1, 0, 0]]);
    const z = f64([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]]);
    const eps = 1.5;
    const g = 2;
    const got = polyLoss(y, z, { epsilon: eps, gamma: g, alpha: 0.25, fromLogits: true }).toArray() as number[];
    const fl = categoricalFocalCrossentropy(y, z, { gamma: g, alpha: 0.25, fromLogits: true }).toArray() as number[];
    const zs = z.toArray() as number[][];
    const pt = zs.map((row, r) => Math.exp(row[r === 0 ? 1 : 0]!) / row.reduce((a, b) => a + Math.exp(b), 0));
    got.forEach((v, i) => expect(v).toBeCloseTo(fl[i]! + eps * (1 - pt[i]!) ** (g + 1), 13));
  });

  it('reduces over any class axis (optax test_axis)', () => {
    const alongLast = polyLoss(Y, Z, { fromLogits: true }).toArray() as number[];
    const alongFirst = polyLoss(transpose(Y), transpose(Z), { fromLogits: true, axis: 0 }).toArray() as number[];
    alongFirst.forEach((v, i) => expect(v).toBeCloseTo(alongLast[i]!, 14));
  });

  it('rejects ε below −1 or not a finite number, naming the argument', () => {
    for (const epsilon of [-1.5, Number.NaN, Infinity]) {
      expect(() => polyLoss(Y, Z, { epsilon, fromLogits: true })).toThrow(ValueError);
      expect(() => polyLoss(Y, Z, { epsilon, fromLogits: true })).toThrow(/epsilon.*expected a finite number >= -1/);
      expect(() => new PolyLoss({ epsilon })).toThrow(/epsilon/);
    }
    expect(() => polyLoss(Y, Z, { gamma: -1, fromLogits: true })).toThrow(/gamma/);
  });
});

describe('PolyLoss', () => {
  it('round-trips its config and matches the function under each reduction', () => {
    const loss = new PolyLoss({ epsilon: -1, gamma: [2, 1, 0.5], fromLogits: true, reduction: 'sum' });
    const again = PolyLoss.fromConfig(loss.getConfig());
    expect(again.getConfig()).toEqual(loss.getConfig());
    const perSample = polyLoss(Y, Z, { epsilon: -1, gamma: [2, 1, 0.5], fromLogits: true }).toArray() as number[];
    expect(again.call(Y, Z).item()).toBeCloseTo(perSample.reduce((a, b) => a + b, 0), 13);
  });

  it('with ε = 0 is Keras CategoricalCrossentropy', () => {
    const a = new PolyLoss({ epsilon: 0, fromLogits: true }).call(Y, Z, [0.2, 0.5, 0.3]).item();
    const b = new CategoricalCrossentropy({ fromLogits: true }).call(Y, Z, [0.2, 0.5, 0.3]).item();
    expect(a).toBeCloseTo(b, 14);
  });
});

describe('option keys', () => {
  it('rejects a misspelt option of the function and of the class', () => {
    expect(() => polyLoss(Y, Z, { epsilom: 1 } as never)).toThrow(/epsilom/);
    expect(() => new PolyLoss({ epsilom: 1 } as never)).toThrow(/epsilom/);
  });
});
