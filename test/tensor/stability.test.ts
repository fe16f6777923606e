/**
 * Numerical stability at saturated inputs: values and gradients (first and second order) of the
 * log-domain and squashing ops stay finite for logits of ±1e4, in float32 and float64, and -Infinity
 * entries (masked logits) behave as their limits say.
 *
 * Exact reference values come from the definitions: log σ(x) = -log(1 + e^-x), so log σ(-1e4) =
 * -1e4 - log1p(e^-1e4) = -1e4 in floating point (e^-1e4 underflows to 0); softplus(1e4) = 1e4;
 * logSumExp([c, c]) = c + ln 2; logSoftmax([c, 0]) = [-log1p(e^-c), -c - log1p(e^-c)].
 */
import { describe, expect, it } from 'vitest';
import {
  type DType, type Tensor, abs, clip, grad, logSigmoid, logSoftmax, logSumExp, max, maximum, min, minimum, relu, sigmoid,
  softmax, softplus, sum, tensor, vjp,
} from '@focalgrad/tensor';
import { expectAllClose, expectFinite } from './helpers.js';
import * as R from './ref.js';

const dtypes: DType[] = ['float64', 'float32'];
const BIG = 1e4;
const saturated = [-BIG, BIG, 0, -BIG, 3, BIG];

const ops: [string, (x: Tensor) => Tensor][] = [
  ['sigmoid', sigmoid],
  ['logSigmoid', logSigmoid],
  ['softplus', softplus],
  ['softmax', (x) => softmax(x, -1)],
  ['logSoftmax', (x) => logSoftmax(x, -1)],
  ['softmax axis 0', (x) => softmax(x, 0)],
  ['logSoftmax axis 0', (x) => logSoftmax(x, 0)],
  ['logSumExp', (x) => logSumExp(x, -1)],
  ['logSumExp all', (x) => logSumExp(x)],
];

describe('finite values, gradients and second derivatives at ±1e4', () => {
  for (const dtype of dtypes) {
    for (const [name, f] of ops) {
      it(`${name} (${dtype})`, () => {
        const x = tensor(saturated, { dtype }).reshape([2, 3]);
        const [y, back] = vjp(f, x);
        expectFinite(y, `${name} value`);
        const cot = tensor(Array.from({ length: y.size }, (_, i) => (i % 2 ? -1 : 1) * (i + 1)), { dtype }).reshape(y.shape.slice());
        const [g] = back(cot);
        expectFinite(g!, `${name} gradient`);
        // Hessian-vector product: d/dx <∇(Σ f·c), v>
        const v = tensor([1, -2, 0.5, 3, -1, 2], { dtype }).reshape([2, 3]);
        const hv = grad((x: Tensor) => grad((x: Tensor) => f(x).mul(cot).sum())(x).mul(v).sum())(x);
        expectFinite(hv, `${name} Hessian-vector product`);
      });
    }
  }
});

describe('exact saturated values', () => {
  for (const dtype of dtypes) {
    const round = dtype === 'float32' ? Math.fround : (v: number) => v;
    it(`logSigmoid, softplus, sigmoid at ±1e4 (${dtype})`, () => {
      const x = tensor([-BIG, BIG], { dtype });
      expect(logSigmoid(x).toArray()).toEqual([-BIG, 0]);
      expect(softplus(x).toArray()).toEqual([0, BIG]);
      expect(sigmoid(x).toArray()).toEqual([0, 1]);
      // d/dx log σ(x) = σ(-x): 1 at -1e4, e^-1e4 = 0 at 1e4; d/dx softplus = σ(x)
      expect(grad((x: Tensor) => logSigmoid(x).sum())(x).toArray()).toEqual([1, 0]);
      expect(grad((x: Tensor) => softplus(x).sum())(x).toArray()).toEqual([0, 1]);
      expect(grad((x: Tensor) => sigmoid(x).sum())(x).toArray()).toEqual([0, 0]);
    });
    it(`logSumExp([1e4, 1e4]) = 1e4 + ln 2 and logSoftmax([1e4, 0]) = [0, -1e4] (${dtype})`, () => {
      expect(logSumExp(tensor([BIG, BIG], { dtype }), 0).item()).toBe(round(BIG + Math.LN2));
      expect(logSumExp(tensor([-BIG, -BIG], { dtype }), 0).item()).toBe(round(-BIG + Math.LN2));
      expect(logSoftmax(tensor([BIG, 0], { dtype })).toArray()).toEqual([0, -BIG]);
      expect(logSoftmax(tensor([-BIG, -BIG], { dtype })).toArray()).toEqual([round(-Math.LN2), round(-Math.LN2)]);
      expect(softmax(tensor([BIG, 0], { dtype })).toArray()).toEqual([1, 0]);
      // ∂/∂x logSumExp = softmax: [0.5, 0.5]
      expect(grad((x: Tensor) => logSumExp(x, 0))(tensor([BIG, BIG], { dtype })).toArray()).toEqual([0.5, 0.5]);
    });
  }
});

describe('-Infinity entries (masked logits)', () => {
  for (const dtype of dtypes) {
    const round = dtype === 'float32' ? Math.fround : (v: number) => v;
    // softmax([-inf, 0, ln 3]) = [0, 1/4, 3/4]
    const masked = () => tensor([-Infinity, 0, Math.log(3)], { dtype });

    // The reference works on the values actually stored (ln 3 rounded to the dtype), in float64;
    // the result may then be off by rounding to the dtype: 1 ulp is a relative 1.2e-7 in float32.
    const rtol = dtype === 'float32' ? 1.2e-7 : 1e-15;

    it(`softmax and logSoftmax give the masked entry probability 0 and a finite gradient (${dtype})`, () => {
      const stored = Array.from(masked().data);
      expectAllClose(softmax(masked()), R.softmaxVec(stored), { atol: 0, rtol });
      expectAllClose(softmax(masked()), [0, 0.25, 0.75], { atol: 0, rtol: dtype === 'float32' ? 1e-7 : 1e-15 });
      const ls = logSoftmax(masked());
      expect(ls.data[0]).toBe(-Infinity);
      expectAllClose(ls, R.logSoftmaxVec(stored), { atol: 0, rtol });
      const c = tensor([1, 2, 3], { dtype });
      // ∂/∂x₀ Σ c·softmax(x) = p₀(c₀ - Σ p c) = 0 since p₀ = 0; ∂/∂x₀ Σ c·logSoftmax(x) = c₀ - p₀ Σ c = c₀,
      // the masked entry's own output (-Infinity) still moving one-for-one with its logit.
      for (const [f, g0] of [[(x: Tensor) => softmax(x), 0], [(x: Tensor) => logSoftmax(x), 1]] as const) {
        const g = grad((x: Tensor) => f(x).mul(c).sum())(masked());
        expectFinite(g, 'gradient with a -Infinity logit');
        expect(g.data[0] === g0).toBe(true); // +0 and -0 both count as 0
        const hv = grad((x: Tensor) => grad((x: Tensor) => f(x).mul(c).sum())(x).mul(c).sum())(masked());
        expectFinite(hv, 'second derivative with a -Infinity logit');
      }
    });

    it(`logSumExp ignores -Infinity entries (${dtype})`, () => {
      // logSumExp([-inf, 0, ln 3]) = ln(1 + 3) = ln 4
      expect(logSumExp(masked(), 0).item()).toBeCloseTo(Math.log(4), dtype === 'float32' ? 6 : 14);
      const g = grad((x: Tensor) => logSumExp(x, 0))(masked());
      expectAllClose(g, R.softmaxVec(Array.from(masked().data)), { atol: 0, rtol });
      const rows = tensor([[-Infinity, 1], [2, -Infinity]], { dtype });
      expect(logSumExp(rows, 1).toArray()).toEqual([1, 2]);
      expect(grad((x: Tensor) => logSumExp(x, 1).sum())(rows).toArray()).toEqual([[0, 1], [1, 0]]);
    });

    it(`logSigmoid, softplus and sigmoid at ±Infinity take their limits (${dtype})`, () => {
      const x = tensor([-Infinity, Infinity], { dtype });
      expect(logSigmoid(x).toArray()).toEqual([-Infinity, 0]);
      expect(softplus(x).toArray()).toEqual([0, Infinity]);
      expect(sigmoid(x).toArray()).toEqual([0, 1]);
      expect(grad((x: Tensor) => logSigmoid(x).sum())(x).toArray()).toEqual([1, 0]);
      expect(grad((x: Tensor) => softplus(x).sum())(x).toArray()).toEqual([0, 1]);
      expect(grad((x: Tensor) => sigmoid(x).sum())(x).toArray()).toEqual([0, 0]);
    });
  }
});

describe('NaN propagates instead of being masked', () => {
  it('through elementwise ops, reductions and the softmax family', () => {
    const x = tensor([NaN, 1, -2], { dtype: 'float64' });
    const fs: [string, (x: Tensor) => Tensor][] = [
      ['relu', relu],
      ['abs', abs],
      ['sigmoid', sigmoid],
      ['logSigmoid', logSigmoid],
      ['softplus', softplus],
      ['clip', (x) => clip(x, -1, 1)],
      ['maximum', (x) => maximum(x, 0)],
      ['minimum', (x) => minimum(0, x)],
    ];
    for (const [name, f] of fs) expect(Number.isNaN(f(x).data[0]!), name).toBe(true);
    for (const [name, f] of [['max', max], ['min', min], ['sum', sum], ['logSumExp', logSumExp]] as const) {
      expect(Number.isNaN(f(x).item()), name).toBe(true);
    }
    expect(Array.from(softmax(x).data).every(Number.isNaN)).toBe(true);
    expect(Array.from(logSoftmax(x).data).every(Number.isNaN)).toBe(true);
  });
});

