/**
 * The autograd engine and the functional transforms: accumulation, graph retention and release,
 * createGraph, grad modes, detach, argnums, higher-order derivatives, Hessians and HVPs.
 */
import { describe, expect, it } from 'vitest';
import {
  DTypeError, Rng, type Tensor, ValueError, add, concat, detach, enableGrad, exp, gather, grad, isGradEnabled, matmul,
  mean, mul, noGrad, reshape, slice, square, sum, tanh, tensor, valueAndGrad, vjp, zeros,
} from '@focalgrad/tensor';
import { expectAllClose } from './helpers.js';

const f64 = (v: number | number[] | number[][], requiresGrad = false): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('backward()', () => {
  it('accumulates over every use of a tensor (a diamond graph)', () => {
    const x = f64([1, 2, 3], true);
    // y = x·x + x + exp(x)·x, dy/dx = 2x + 1 + exp(x)(1 + x)
    const y = x.mul(x).add(x).add(exp(x).mul(x)).sum();
    y.backward();
    expectAllClose(x.grad!, [1, 2, 3].map((v) => 2 * v + 1 + Math.exp(v) * (1 + v)), { atol: 0, rtol: 1e-15 });
  });

  it('a leaf used in two separate backward calls accumulates both gradients', () => {
    const x = f64([1, -2], true);
    x.mul(3).sum().backward();
    x.square().sum().backward();
    expect(x.grad!.toArray()).toEqual([3 + 2, 3 - 4]);
  });

  it('a second backward through the same graph needs retainGraph', () => {
    const x = f64([1, 2], true);
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(ValueError);
    expect(() => y.backward()).toThrow(/retainGraph/);

    const z = f64([1, 2], true);
    const w = z.mul(z).sum();
    w.backward(undefined, { retainGraph: true });
    w.backward();
    expect(z.grad!.toArray()).toEqual([4, 8]);
    expect(() => w.backward()).toThrow(/retainGraph/);
  });

  it('createGraph records the backward pass so .grad can be differentiated again', () => {
    const x = f64([2, -1], true);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.toArray()).toEqual([12, 3]); // 3x²
    expect(g.requiresGrad).toBe(true);
    x.zeroGrad();
    g.sum().backward();
    expect(x.grad!.toArray()).toEqual([12, -6]); // 6x
  });

  it('without createGraph the gradient carries no graph', () => {
    const x = f64([2], true);
    x.pow(3).sum().backward();
    expect(x.grad!.requiresGrad).toBe(false);
    expect(x.grad!.node).toBeNull();
  });

  it('zeroGrad clears .grad', () => {
    const x = f64([1], true);
    x.mul(2).sum().backward();
    expect(x.grad).not.toBeNull();
    x.zeroGrad();
    expect(x.grad).toBeNull();
    x.mul(5).sum().backward();
    expect(x.grad!.toArray()).toEqual([5]);
  });

  it('a non-scalar output needs a seed gradient of its shape', () => {
    const x = f64([1, 2, 3], true);
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(ValueError);
    expect(() => y.backward()).toThrow(/grad.*non-scalar.*\[3\]/);
    expect(() => y.backward(f64([1, 1]))).toThrow(/expected shape \[3\], got \[2\]/);
    y.backward(f64([1, 0, -1]));
    expect(x.grad!.toArray()).toEqual([2, 0, -2]);
  });

  it('backward on a tensor that does not require grad throws a ValueError', () => {
    expect(() => zeros([1]).backward()).toThrow(ValueError);
  });

  it('broadcast inputs receive gradients of their own shape', () => {
    const x = f64([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], true);
    const b = f64([1, 1, 1, 1], true);
    const c = f64([[1], [2], [3]], true);
    const s = tensor(2, { dtype: 'float64', requiresGrad: true });
    x.add(b).mul(c).mul(s).sum().backward();
    expect(b.grad!.shape).toEqual([4]);
    expect(b.grad!.toArray()).toEqual([12, 12, 12, 12]); // Σ_i c_i s = (1+2+3)·2
    expect(c.grad!.shape).toEqual([3, 1]);
    expect(c.grad!.toArray()).toEqual([[2 * (10 + 4)], [2 * (26 + 4)], [2 * (42 + 4)]]);
    expect(s.grad!.shape).toEqual([]);
    expect(s.grad!.item()).toBe(14 + 2 * 30 + 3 * 46);
  });

  it('walks a deep chain without recursion', () => {
    const x = f64([0.5], true);
    let y: Tensor = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([1]);
  });

  it('int32 tensors cannot require grad', () => {
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(DTypeError);
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => (i.requiresGrad = true)).toThrow(DTypeError);
    expect(() => i.requireGrad()).toThrow(DTypeError);
    expect(() => grad((x: Tensor) => x.sum())(i)).toThrow(DTypeError);
  });

  it('each leaf gets a gradient of its own dtype when dtypes mix', () => {
    const a = tensor([1, 2], { requiresGrad: true }); // float32
    const b = f64([0.1, 0.2], true);
    const y = a.mul(b).add(a.square());
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    // d/da = b + 2a (rounded to float32), d/db = a
    expect(Array.from(a.grad!.data)).toEqual([Math.fround(0.1 + 2), Math.fround(0.2 + 4)]);
    expect(b.grad!.toArray()).toEqual([1, 2]);
  });

  it('int32 operands do not receive gradients, float operands do', () => {
    const x = f64([1, 2], true);
    const mask = tensor([1, 0], { dtype: 'int32' });
    x.mul(mask).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 0]);
    expect(mask.grad).toBeNull();
  });
});

describe('grad modes and detach', () => {
  it('noGrad records nothing; enableGrad records inside noGrad; the mode is restored after a throw', () => {
    const x = f64([1], true);
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('grad and vjp differentiate even when called inside noGrad', () => {
    const x = f64([1, 2]);
    const g = noGrad(() => grad((x: Tensor) => x.mul(x).sum())(x));
    expect(g.toArray()).toEqual([2, 4]);
    const [, back] = noGrad(() => vjp((x: Tensor) => x.mul(3), x));
    expect(back(f64([1, 1]))[0]!.toArray()).toEqual([3, 3]);
    expect(isGradEnabled()).toBe(true);
  });

  it('detach stops the gradient', () => {
    const x = f64([3], true);
    x.mul(detach(x)).sum().backward();
    expect(x.grad!.toArray()).toEqual([3]); // not 2x = 6
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.node).toBeNull();
  });
});

describe('functional transforms', () => {
  it('grad, valueAndGrad and vjp leave .grad untouched', () => {
    const x = f64([1, 2], true);
    const f = (x: Tensor) => x.mul(x).sum();
    expect(grad(f)(x).toArray()).toEqual([2, 4]);
    const [v, g] = valueAndGrad(f)(x);
    expect(v.item()).toBe(5);
    expect(g.toArray()).toEqual([2, 4]);
    const [, back] = vjp((x: Tensor) => x.mul(3), x);
    expect(back(f64([1, 1]))[0]!.toArray()).toEqual([3, 3]);
    expect(x.grad).toBeNull();

    x.mul(10).sum().backward();
    const before = x.grad;
    grad(f)(x);
    expect(x.grad).toBe(before);
    expect(x.grad!.toArray()).toEqual([10, 10]);
  });

  it('a functional grad does not release graph it did not walk', () => {
    const w = f64([1, 2], true);
    const h = w.mul(2); // an outside graph node that f closes over
    const g = grad((x: Tensor) => x.mul(h).sum())(f64([5, 7]));
    expect(g.toArray()).toEqual([2, 4]);
    h.sum().backward();
    expect(w.grad!.toArray()).toEqual([2, 2]);
  });

  it('a functional grad walks past graph released before it started, which cannot lead to its arguments', () => {
    const w = f64([1, 2], true);
    const h = w.mul(2);
    h.sum().backward(); // releases h's node
    expect(grad((x: Tensor) => x.mul(h).sum())(f64([5, 7])).toArray()).toEqual([2, 4]);
    const [, back] = vjp((x: Tensor) => x.mul(h), f64([5, 7]));
    expect(back(f64([1, 1]))[0]!.toArray()).toEqual([2, 4]);
    // ...but graph released while f runs may lie on the path to the argument: that still throws
    expect(() =>
      grad((x: Tensor) => {
        const y = x.mul(x);
        y.sum().backward();
        return y.sum();
      })(f64([1, 2])),
    ).toThrow(/retainGraph/);
  });

  it('argnums selects arguments; an array gives an array of gradients', () => {
    const f = (a: Tensor, b: Tensor, c: Tensor) => a.mul(b).add(c.mul(c)).sum();
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const c = f64([5, 6]);
    expect(grad(f, 1)(a, b, c).toArray()).toEqual([1, 2]);
    const [ga, gc] = grad(f, [0, 2])(a, b, c);
    expect(ga!.toArray()).toEqual([3, 4]);
    expect(gc!.toArray()).toEqual([10, 12]);
    const [v, [gb]] = valueAndGrad(f, [1])(a, b, c);
    expect(v.item()).toBe(3 + 8 + 25 + 36);
    expect(gb!.toArray()).toEqual([1, 2]);
    expect(() => grad(f, 3)(a, b, c)).toThrow(ValueError);
    expect(() => grad(f, 3)(a, b, c)).toThrow(/argnums/);
  });

  it('grad of an argument f does not use gives zeros of its shape', () => {
    const [ga, gb] = grad((a: Tensor, _b: Tensor) => a.sum(), [0, 1])(f64([1, 2]), f64([[1, 2, 3]]));
    expect(ga!.toArray()).toEqual([1, 1]);
    expect(gb!.toArray()).toEqual([[0, 0, 0]]);
  });

  it('grad requires a one-element output', () => {
    expect(() => grad((x: Tensor) => x.mul(2))(f64([1, 2]))).toThrow(/scalar/);
  });

  it('vjp: the pullback can be called repeatedly, with the cotangent shape checked', () => {
    const [y, back] = vjp((a: Tensor, b: Tensor) => a.mul(b), f64([1, 2]), f64([3, 4]));
    expect(y.toArray()).toEqual([3, 8]);
    const [ga, gb] = back(f64([1, 1]));
    expect(ga!.toArray()).toEqual([3, 4]);
    expect(gb!.toArray()).toEqual([1, 2]);
    expect(back(f64([2, 0]))[0]!.toArray()).toEqual([6, 0]);
    expect(() => back(f64([1, 1, 1]))).toThrow(ValueError);
    expect(() => back()).toThrow(/cotangent/);
  });
});

describe('higher order', () => {
  const cube = (x: Tensor) => x.pow(3);

  it('grad(grad(x³)) = 6x and the third derivative is 6', () => {
    for (const v of [-1.5, 0, 2]) {
      const x = tensor(v, { dtype: 'float64' });
      expect(grad(cube)(x).item()).toBe(3 * v * v);
      expect(grad(grad(cube))(x).item()).toBe(6 * v);
      expect(grad(grad(grad(cube)))(x).item()).toBe(6);
      expect(grad(grad(grad(grad(cube))))(x).item()).toBe(0);
    }
  });

  it('higher derivatives of exp∘tanh match their closed forms', () => {
    // f = tanh(x), f' = 1 - t², f'' = -2t(1 - t²), f''' = (6t² - 2)(1 - t²)
    const f = (x: Tensor) => tanh(x);
    const v = 0.7;
    const t = Math.tanh(v);
    const x = tensor(v, { dtype: 'float64' });
    expect(grad(f)(x).item()).toBeCloseTo(1 - t * t, 14);
    expect(grad(grad(f))(x).item()).toBeCloseTo(-2 * t * (1 - t * t), 14);
    expect(grad(grad(grad(f)))(x).item()).toBeCloseTo((6 * t * t - 2) * (1 - t * t), 13);
  });

  // A 3-4-1 tanh MLP with its 21 parameters packed into one vector θ.
  const rng = new Rng(7);
  const X = tensor(Float64Array.from({ length: 5 * 3 }, () => rng.normal()), { dtype: 'float64' }, [5, 3]);
  const Y = tensor(Float64Array.from({ length: 5 }, () => rng.normal()), { dtype: 'float64' }, [5, 1]);
  const theta0 = tensor(Float64Array.from({ length: 21 }, () => 0.5 * rng.normal()), { dtype: 'float64' });
  const loss = (theta: Tensor): Tensor => {
    const w1 = reshape(slice(theta, [0], [12]), [3, 4]);
    const b1 = slice(theta, [12], [4]);
    const w2 = reshape(slice(theta, [16], [4]), [4, 1]);
    const b2 = slice(theta, [20], [1]);
    const out = add(matmul(tanh(add(matmul(X, w1), b1)), w2), b2);
    return mean(square(out.sub(Y)));
  };
  const n = 21;
  const gradAt = (theta: Float64Array): Float64Array => Float64Array.from(grad(loss)(tensor(theta, { dtype: 'float64' })).data);

  // The Hessian by nested grad, one row per parameter: H[i, :] = ∇_θ (∇_θ L)_i.
  const hessian = (): number[][] =>
    Array.from({ length: n }, (_, i) => Array.from(grad((t: Tensor) => gather(grad(loss)(t), [i]).sum())(theta0).data));

  it('the Hessian of an MLP loss by nested grad matches central differences of the gradient', () => {
    const H = hessian();
    // Central differences of the analytic gradient, column by column: truncation O(eps²) ≈ 1e-10.
    const eps = 1e-5;
    const base = Float64Array.from(theta0.data);
    const fd: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let j = 0; j < n; j++) {
      const p = base.slice();
      const m = base.slice();
      p[j] = base[j]! + eps;
      m[j] = base[j]! - eps;
      const gp = gradAt(p);
      const gm = gradAt(m);
      for (let i = 0; i < n; i++) fd[i]![j] = (gp[i]! - gm[i]!) / (2 * eps);
    }
    expectAllClose(H, fd, { atol: 1e-7, rtol: 1e-6 }, 'Hessian vs finite differences');
    // symmetric up to rounding
    const HT = H.map((_, i) => H.map((row) => row[i]!));
    expectAllClose(H, HT, { atol: 1e-12, rtol: 1e-12 }, 'Hessian symmetry');
  });

  it('the Hessian-vector product grad(x => <grad(f)(x), v>) equals H v', () => {
    const v = tensor(Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1)), { dtype: 'float64' });
    const hvp = grad((t: Tensor) => mul(grad(loss)(t), v).sum())(theta0);
    const H = hessian();
    const Hv = H.map((row) => row.reduce((s, h, j) => s + h * v.data[j]!, 0));
    expectAllClose(hvp, Hv, { atol: 1e-12, rtol: 1e-10 });
  });

  it('createGraph backward and nested grad agree', () => {
    const x = f64([0.3, -0.8, 1.1], true);
    const f = (x: Tensor) => sum(tanh(x).mul(exp(x)));
    f(x).backward(undefined, { createGraph: true });
    const g1 = x.grad!;
    const v = f64([1, 2, 3]);
    x.zeroGrad();
    g1.mul(v).sum().backward();
    const hvpBackward = x.grad!;
    const hvpGrad = grad((t: Tensor) => grad(f)(t).mul(v).sum())(f64([0.3, -0.8, 1.1]));
    expectAllClose(hvpBackward, hvpGrad, { atol: 0, rtol: 1e-14 });
  });

  it('concat and gather in a second-order path', () => {
    const f = (x: Tensor) => concat([x, x.mul(x)]).pow(3).sum();
    // d/dx Σ (x³ + x⁶) = 3x² + 6x⁵, d²/dx² = 6x + 30x⁴
    const x = f64([0.5, -1]);
    expectAllClose(grad((t: Tensor) => grad(f)(t).sum())(x), [0.5, -1].map((v) => 6 * v + 30 * v ** 4), { atol: 0, rtol: 1e-14 });
  });
});

describe('leaf gradients own their tensors', () => {
  it('gives each leaf of add its own .grad object', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    a.add(b).sum().backward();
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad!.data).not.toBe(b.grad!.data);
    expect(a.grad!.toArray()).toEqual([1, 1]);
    expect(b.grad!.toArray()).toEqual([1, 1]);
  });
  it('does not store the caller-provided seed as a leaf gradient', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const seed = tensor([5, 6]);
    a.backward(seed);
    expect(a.grad).not.toBe(seed);
    expect(a.grad!.toArray()).toEqual([5, 6]);
  });
});
