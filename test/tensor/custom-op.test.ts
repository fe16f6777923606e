/**
 * User-defined ops through `defineOp`: the worked softsign example from its TSDoc, a fused op with
 * a single-pass gradient op made differentiable to any order by `compositeVjp` (the pattern in
 * CONTRIBUTING.md), what gradcheck reports for wrong rules, and a linear model trained by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  FocalgradError, GradcheckError, type OpContext, Rng, Tensor, type TensorLike, abs, add, compositeVjp, defineOp, div,
  grad, gradcheck, gradgradcheck, linspace, matmul, mean, mul, square, tanh, tensor, valueAndGrad,
} from '@focalgrad/tensor';
import { expectAllClose } from './helpers.js';
import * as R from './ref.js';

describe('the softsign example from the defineOp TSDoc', () => {
  // Copied from the @example of defineOp in packages/tensor/src/op.ts.
  // softsign(x) = x / (1 + |x|), d/dx = 1 / (1 + |x|)^2
  const softsignOp = defineOp<void>({
    name: 'softsign',
    forward: ([x]) => div(x!, add(abs(x!), 1)),
    backward: (g, { inputs: [x] }) => [div(g, square(add(abs(x!), 1)))],
  });
  const softsign = (x: TensorLike) => softsignOp([x]);

  const x = tensor([-2, 0, 3], { dtype: 'float64' });

  it('computes x / (1 + |x|)', () => {
    expect(softsign(x).toArray()).toEqual([-2 / 3, 0, 3 / 4]);
    expect(softsign(x).dtype).toBe('float64');
  });

  it('passes gradcheck and gradgradcheck', () => {
    const r1 = gradcheck(softsign, [x]);
    expect(r1.ok, r1.message).toBe(true);
    const r2 = gradgradcheck(softsign, [x]);
    expect(r2.ok, r2.message).toBe(true);
    const y = new Rng(3).randn([4, 5], { dtype: 'float64' });
    expect(gradcheck(softsign, [y]).ok).toBe(true);
    expect(gradgradcheck(softsign, [y]).ok).toBe(true);
  });

  it('grad gives [1/9, 1, 1/16] as the example says', () => {
    expect(grad((x: Tensor) => softsign(x).sum())(x).toArray()).toEqual([1 / 9, 1, 1 / 16]);
  });

  it('records its own graph node and takes part in backward()', () => {
    const w = tensor([-2, 0, 3], { dtype: 'float64', requiresGrad: true });
    const y = softsign(w);
    expect(y.node?.op.name).toBe('softsign');
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([1 / 9, 1, 1 / 16]);
  });
});

describe('a fused op whose gradient is an op of its own, with a compositeVjp backward', () => {
  // logcosh(x) = log(cosh(x)), computed stably as |x| + log1p(e^{-2|x|}) - ln 2; d/dx = tanh(x).
  // The single-pass gradient op computes g·tanh(x) in one loop; its backward is the VJP of the same
  // formula written with tensor ops, so every derivative order is available.
  const logCoshGradOp = defineOp<void>({
    name: 'logCoshGrad',
    forward: ([x, g]) => {
      const out = new Float64Array(x!.size);
      for (let i = 0; i < out.length; i++) out[i] = g!.data[i]! * Math.tanh(x!.data[i]!);
      return tensor(x!.dtype === 'float64' ? out : Float32Array.from(out), {}, x!.shape.slice());
    },
    backward: (gg: Tensor, { inputs: [x, g] }: OpContext<void>) => compositeVjp((x, g) => mul(g!, tanh(x!)), [x!, g!], gg),
  });
  const logCoshOp = defineOp<void>({
    name: 'logCosh',
    forward: ([x]) => {
      const out = new Float64Array(x!.size);
      for (let i = 0; i < out.length; i++) {
        const a = Math.abs(x!.data[i]!);
        out[i] = a + Math.log1p(Math.exp(-2 * a)) - Math.LN2;
      }
      return tensor(x!.dtype === 'float64' ? out : Float32Array.from(out), {}, x!.shape.slice());
    },
    // g has the output's shape, which is x's shape here
    backward: (g, { inputs: [x] }) => [logCoshGradOp([x!, g])],
  });
  const logCosh = (x: TensorLike) => logCoshOp([x]);

  const x = new Rng(11).randn([2, 3], { dtype: 'float64' });

  it('forward matches log(cosh(x)) and stays finite at 1e4', () => {
    expectAllClose(logCosh(x), R.arr(x.shape, Array.from(x.data, (v) => Math.log(Math.cosh(v)))), { atol: 1e-15, rtol: 1e-14 });
    // log cosh(1e4) = 1e4 - ln 2 (+ e^{-2e4}, far below float64 resolution)
    expect(logCosh(tensor([1e4, -1e4], { dtype: 'float64' })).toArray()).toEqual([1e4 - Math.LN2, 1e4 - Math.LN2]);
  });

  it('passes gradcheck and gradgradcheck', () => {
    const r1 = gradcheck(logCosh, [x]);
    expect(r1.ok, r1.message).toBe(true);
    const r2 = gradgradcheck(logCosh, [x]);
    expect(r2.ok, r2.message).toBe(true);
  });

  it('the gradient op itself passes gradgradcheck (third order of logCosh)', () => {
    const g = new Rng(12).randn([2, 3], { dtype: 'float64' });
    const r = gradgradcheck((x, g) => logCoshGradOp([x!, g!]), [x, g]);
    expect(r.ok, r.message).toBe(true);
  });

  it('derivatives up to fourth order match the closed forms', () => {
    // f' = t, f'' = 1 - t², f''' = -2t(1 - t²), f'''' = (6t² - 2)(1 - t²), t = tanh(x)
    const f = (x: Tensor) => logCosh(x).sum();
    const d1 = grad(f);
    const d2 = grad((x: Tensor) => d1(x).sum());
    const d3 = grad((x: Tensor) => d2(x).sum());
    const d4 = grad((x: Tensor) => d3(x).sum());
    const t = R.map(R.fromTensor(x), Math.tanh);
    const tol = { atol: 1e-14, rtol: 1e-13 };
    expectAllClose(d1(x), t, tol, "f'");
    expectAllClose(d2(x), R.map(t, (v) => 1 - v * v), tol, "f''");
    expectAllClose(d3(x), R.map(t, (v) => -2 * v * (1 - v * v)), tol, "f'''");
    expectAllClose(d4(x), R.map(t, (v) => (6 * v * v - 2) * (1 - v * v)), tol, "f''''");
  });

  it('the fused gradient takes the single-pass path in first-order backward', () => {
    const w = tensor(x, { requiresGrad: true });
    logCosh(w).sum().backward();
    expect(w.grad!.node).toBeNull();
    expectAllClose(w.grad!, R.map(R.fromTensor(x), Math.tanh), { atol: 0, rtol: 1e-15 });
  });
});

describe('gradcheck catches wrong rules', () => {
  const x = tensor([-2, 0.5, 3], { dtype: 'float64' });

  it('a wrong first derivative fails gradcheck and the report names the element', () => {
    // forgot to square the denominator
    const bad = defineOp<void>({
      name: 'badSoftsign',
      forward: ([x]) => div(x!, add(abs(x!), 1)),
      backward: (g, { inputs: [x] }) => [div(g, add(abs(x!), 1))],
    });
    const r = gradcheck((x) => bad([x]), [x]);
    expect(r.ok).toBe(false);
    expect(r.mode).toBe('jacobian');
    expect(r.worst).not.toBeNull();
    expect(r.message).toMatch(/gradient mismatch/);
    // random-direction mode (used for large problems) catches it too, and raise throws the report
    const rd = gradcheck((x) => bad([x]), [x], { fullJacobianLimit: 0 });
    expect(rd.mode).toBe('directions');
    expect(rd.ok).toBe(false);
    expect(() => gradcheck((x) => bad([x]), [x], { raise: true })).toThrow(GradcheckError);
    try {
      gradcheck((x) => bad([x]), [x], { raise: true });
    } catch (e) {
      expect(e).toBeInstanceOf(FocalgradError);
      expect((e as GradcheckError).report.ok).toBe(false);
    }
  });

  it('random-direction mode passes correct rules, and gradcheck leaves its inputs unchanged', () => {
    const a = new Rng(1).randn([6, 5], { dtype: 'float64' });
    const b = new Rng(2).randn([5, 4], { dtype: 'float64' });
    const before = [Array.from(a.data), Array.from(b.data)];
    const r = gradcheck((a, b) => tanh(matmul(a!, b!)), [a, b], { fullJacobianLimit: 0, directions: 8 });
    expect(r.mode).toBe('directions');
    expect(r.checked).toBe(8);
    expect(r.ok, r.message).toBe(true);
    const r2 = gradgradcheck((a, b) => tanh(matmul(a!, b!)), [a, b], { fullJacobianLimit: 0 });
    expect(r2.ok, r2.message).toBe(true);
    expect([Array.from(a.data), Array.from(b.data)]).toEqual(before);
  });

  it('a backward computed on raw data (not with tensor ops) passes gradcheck but fails gradgradcheck', () => {
    // d/dx x³ = 3x², but written as a fresh tensor: the second derivative sees a constant.
    const cubeOp = defineOp<void>({
      name: 'rawCube',
      forward: ([x]) => tensor(Float64Array.from(x!.data, (v) => v ** 3), {}, x!.shape.slice()),
      backward: (g, { inputs: [x] }) => [tensor(Float64Array.from(x!.data, (v, i) => 3 * v * v * g.data[i]!), {}, x!.shape.slice())],
    });
    const cube = (x: Tensor) => cubeOp([x]);
    expect(gradcheck(cube, [x]).ok).toBe(true);
    expect(gradgradcheck(cube, [x]).ok).toBe(false);
  });
});

describe('train a linear model by hand with valueAndGrad', () => {
  it('gradient descent on y = 2x - 1 + noise recovers (2, -1), and the least-squares fit exactly', () => {
    const rng = new Rng(5);
    const n = 64;
    const xs = linspace(-1, 1, n, { dtype: 'float64' });
    const noise = rng.randn([n], { dtype: 'float64', std: 0.05 });
    const ys = add(mul(xs, 2), -1).add(noise);

    const loss = (w: Tensor, b: Tensor) => mean(square(add(mul(xs, w), b).sub(ys)));
    const step = valueAndGrad(loss, [0, 1]);
    let w = tensor(0, { dtype: 'float64' });
    let b = tensor(0, { dtype: 'float64' });
    const lr = 0.5;
    const losses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const [l, [gw, gb]] = step(w, b);
      losses.push(l.item());
      w = w.sub(gw!.mul(lr));
      b = b.sub(gb!.mul(lr));
    }
    // The loss decreases monotonically for this step size (lr ≤ 1/L, L = 2 max(E[x²], 1) = 2), checked
    // over the first 50 steps: later it sits at the minimum, where rounding moves it by an ulp.
    for (let i = 1; i < 50; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);

    // Ordinary least squares in closed form (plain JS): w = cov(x, y) / var(x), b = ȳ - w x̄.
    const X = Array.from(xs.data);
    const Y = Array.from(ys.data);
    const mx = X.reduce((s, v) => s + v, 0) / n;
    const my = Y.reduce((s, v) => s + v, 0) / n;
    const cov = X.reduce((s, v, i) => s + (v - mx) * (Y[i]! - my), 0);
    const vx = X.reduce((s, v) => s + (v - mx) ** 2, 0);
    const wOls = cov / vx;
    const bOls = my - wOls * mx;
    expect(w.item()).toBeCloseTo(wOls, 9);
    expect(b.item()).toBeCloseTo(bOls, 9);
    // and the data were generated by (2, -1) with noise of std 0.05
    expect(Math.abs(w.item() - 2)).toBeLessThan(0.05);
    expect(Math.abs(b.item() + 1)).toBeLessThan(0.05);
  });
});
