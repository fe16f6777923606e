/**
 * Tensor creation, properties, dtype promotion, the seeded Rng, comparisons and argmax/argmin.
 */
import { describe, expect, it } from 'vitest';
import {
  Rng, Tensor, add, arange, argmax, argmin, astype, clone, div, equal, exp, eye, full, fullLike, greater, greaterEqual, less,
  lessEqual, linspace, logicalAnd, logicalOr, manualSeed, maximum, mean, mul, neg, notEqual, ones, onesLike, rand, randint,
  randn, sum, tensor, where, zeros, zerosLike,
} from '@focalgrad/tensor';

describe('creation', () => {
  it('from nested arrays: float32 by default, shape inferred', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6.5]]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6.5]]);
    // stored in float32: 0.1 becomes the nearest float32
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).data[0]).toBe(0.1);
    expect(tensor([[[1], [2]]]).shape).toEqual([1, 2, 1]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([1.9, -1.9], { dtype: 'int32' }).toArray()).toEqual([1, -1]);
  });

  it('from typed arrays: no copy, the array type gives the dtype, an optional shape', () => {
    const f64 = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(f64, {}, [2, 3]);
    expect(t.dtype).toBe('float64');
    expect(t.data).toBe(f64);
    expect(t.shape).toEqual([2, 3]);
    expect(tensor(new Int32Array([3, 1])).dtype).toBe('int32');
    expect(tensor(new Float32Array([1])).dtype).toBe('float32');
    expect(tensor(new Float64Array([1.5, -2.5]), { dtype: 'int32' }).toArray()).toEqual([1, -2]);
    expect(() => tensor(new Float64Array(5), {}, [2, 3])).toThrow();
  });

  it('from a scalar and from another tensor (a copy)', () => {
    const s = tensor(3.5, { dtype: 'float64' });
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.size).toBe(1);
    expect(s.item()).toBe(3.5);
    expect(s.toArray()).toBe(3.5);
    const a = tensor([1, 2]);
    const b = tensor(a);
    expect(b.data).not.toBe(a.data);
    expect(b.toArray()).toEqual([1, 2]);
    expect(tensor(a, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('zeros, ones, full, zerosLike, onesLike, fullLike', () => {
    expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2], { dtype: 'float64' }).toArray()).toEqual([1, 1]);
    expect(ones([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(full([2, 1], 7, { dtype: 'int32' }).toArray()).toEqual([[7], [7]]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([0, 3]).size).toBe(0);
    const x = tensor([[1, 2]], { dtype: 'float64' });
    expect(zerosLike(x).dtype).toBe('float64');
    expect(zerosLike(x).shape).toEqual([1, 2]);
    expect(onesLike(x).toArray()).toEqual([[1, 1]]);
    expect(onesLike(x, { dtype: 'int32' }).dtype).toBe('int32');
    expect(fullLike(x, -2).toArray()).toEqual([[-2, -2]]);
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('arange, linspace, eye', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 1, -2).toArray()).toEqual([5, 3]);
    expect(arange(3, 3).shape).toEqual([0]);
    // linspace hits both ends exactly
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const l = linspace(-1, 0.3, 7, { dtype: 'float64' });
    expect(l.data[0]).toBe(-1);
    expect(l.data[6]).toBe(0.3);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });
});

describe('properties and conversions', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });

  it('shape, dtype, size, ndim, data, toArray, item, isLeaf', () => {
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('float64');
    expect(x.size).toBe(6);
    expect(x.ndim).toBe(2);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(x.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => x.item()).toThrow();
    expect(x.isLeaf).toBe(true);
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });

  it('astype converts (truncating toward zero for int32) and keeps the shape', () => {
    const f = tensor([1.7, -1.7, 2.5]);
    expect(astype(f, 'int32').toArray()).toEqual([1, -1, 2]);
    expect(f.astype('float64').dtype).toBe('float64');
    expect(f.astype('float64').data[0]).toBe(Math.fround(1.7));
    expect(astype(f, 'float32')).toBe(f); // same dtype: no copy
    expect(tensor([[1, 2]]).astype('int32').shape).toEqual([1, 2]);
  });

  it('detach shares data without history; clone copies data and keeps gradient flow', () => {
    const w = tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
    const y = w.mul(3);
    const d = y.detach();
    expect(d.data).toBe(y.data);
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    const c = clone(w);
    expect(c.data).not.toBe(w.data);
    expect(c.toArray()).toEqual([1, 2]);
    expect(c.requiresGrad).toBe(true);
    c.mul(c).sum().backward();
    expect(w.grad!.toArray()).toEqual([2, 4]);
    expect(w.clone().isLeaf).toBe(false);
  });

  it('toString shows values, shape, dtype and requiresGrad, eliding long axes', () => {
    const s = tensor([[1, 2.5], [3, 4]], { dtype: 'float64', requiresGrad: true }).toString();
    expect(s).toContain('shape=[2, 2]');
    expect(s).toContain('dtype=float64');
    expect(s).toContain('requiresGrad=true');
    expect(s).toContain('2.5');
    expect(s).toMatch(/^tensor\(/);
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2], shape=[2], dtype=int32)');
    const long = arange(100).toString();
    expect(long).toContain('...');
    expect(long).toContain('99.0');
    expect(long).not.toContain('50.0');
    expect(String(tensor(2))).toContain('shape=[]');
  });
});

describe('dtype promotion', () => {
  const f32 = tensor([1, 2]);
  const f64 = tensor([1, 2], { dtype: 'float64' });
  const i32 = tensor([1, 2], { dtype: 'int32' });

  it('the wider float wins', () => {
    expect(add(f32, f64).dtype).toBe('float64');
    expect(mul(f64, f32).dtype).toBe('float64');
    expect(add(i32, f64).dtype).toBe('float64');
    expect(add(i32, f32).dtype).toBe('float32');
  });

  it('a bare number takes the tensor dtype; a fractional number lifts int32 to float32', () => {
    expect(f64.mul(2).dtype).toBe('float64');
    expect(f32.mul(2).dtype).toBe('float32');
    expect(i32.add(2).dtype).toBe('int32');
    expect(i32.add(2).toArray()).toEqual([3, 4]);
    const h = i32.add(0.5);
    expect(h.dtype).toBe('float32');
    expect(h.toArray()).toEqual([1.5, 2.5]);
    expect(add(2, f64).dtype).toBe('float64');
    // 0.1 in a float64 op is the float64 0.1, not a float32-rounded one
    expect(f64.mul(0.1).data[0]).toBe(0.1);
  });

  it('nested arrays adopt the float dtype of the tensor they meet', () => {
    expect(add(f64, [0.1, 0.2]).data[0]).toBe(1.1);
    expect(add(f64, [0.1, 0.2]).dtype).toBe('float64');
    expect(add(f32, [1, 2]).dtype).toBe('float32');
  });

  it('division and transcendental ops of int32 give float32; sign-preserving ops keep int32', () => {
    expect(div(i32, tensor([2, 4], { dtype: 'int32' })).dtype).toBe('float32');
    expect(div(i32, tensor([2, 4], { dtype: 'int32' })).toArray()).toEqual([0.5, 0.5]);
    expect(exp(i32).dtype).toBe('float32');
    expect(neg(i32).dtype).toBe('int32');
    expect(maximum(i32, 1).dtype).toBe('int32');
    expect(sum(i32).dtype).toBe('int32');
    expect(mean(i32).dtype).toBe('float32');
    expect(mean(i32).item()).toBe(1.5);
  });

  it('where takes the dtype of its branches, not of the mask', () => {
    const m = tensor([1, 0], { dtype: 'int32' });
    expect(where(m, f64, 0).dtype).toBe('float64');
    expect(where(m, 0, f32).dtype).toBe('float32');
    expect(where(m, f64, 0).toArray()).toEqual([1, 0]);
  });
});

describe('Rng', () => {
  it('the same seed gives the same stream bit for bit; different seeds differ', () => {
    const a = randn([1000], { seed: 42, dtype: 'float64' });
    const b = randn([1000], { seed: 42, dtype: 'float64' });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    const c = randn([1000], { seed: 43, dtype: 'float64' });
    expect(Array.from(c.data)).not.toEqual(Array.from(a.data));
    expect(Array.from(new Rng(42).randn([1000], { dtype: 'float64' }).data)).toEqual(Array.from(a.data));

    const r1 = new Rng(7);
    const r2 = new Rng(7);
    for (let i = 0; i < 100; i++) expect(r2.nextU32()).toBe(r1.nextU32());
  });

  it('an rng option advances the generator; manualSeed resets the global one', () => {
    const rng = new Rng(1);
    const first = rand([4], { rng });
    const second = rand([4], { rng });
    expect(Array.from(second.data)).not.toEqual(Array.from(first.data));
    const both = new Rng(1).rand([8]);
    expect(Array.from(both.data)).toEqual([...Array.from(first.data), ...Array.from(second.data)]);

    manualSeed(3);
    const g1 = randn([5]);
    manualSeed(3);
    const g2 = randn([5]);
    expect(Array.from(g2.data)).toEqual(Array.from(g1.data));
  });

  it('randn has mean ≈ 0 and std ≈ 1 (generous 5σ bounds), scaled by mean and std options', () => {
    const n = 20000;
    const x = Array.from(randn([n], { seed: 0, dtype: 'float64' }).data);
    const m = x.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1));
    // standard errors: mean 1/√n ≈ 0.0071, sample std ≈ 1/√(2n) = 0.005; 5σ bounds
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sd - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    const y = Array.from(randn([n], { seed: 1, dtype: 'float64', mean: 3, std: 0.5 }).data);
    const my = y.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(my - 3)).toBeLessThan((5 * 0.5) / Math.sqrt(n));
  });

  it('rand stays in [low, high); randint covers [low, high) and nothing else', () => {
    const u = rand([5000], { seed: 2, low: -1, high: 3, dtype: 'float64' });
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u.data)).toBeLessThan(3);
    const r = randint(-2, 3, [5000], { seed: 4 });
    expect(r.dtype).toBe('int32');
    const seen = new Set(r.data);
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    // each of the 5 values has probability 1/5: 1000 expected, binomial std ≈ 28
    for (const v of seen) {
      const count = r.data.filter((x) => x === v).length;
      expect(Math.abs(count - 1000)).toBeLessThan(5 * Math.sqrt(5000 * 0.2 * 0.8));
    }
  });

  it('permutation is a permutation', () => {
    const p = new Rng(9).permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('comparisons and argmax', () => {
  const a = tensor([1, 2, 3], { requiresGrad: true, dtype: 'float64' });
  const b = tensor([3, 2, 1], { dtype: 'float64' });

  it('return int32 0/1 masks without gradient, with broadcasting', () => {
    const cases: [(x: Tensor, y: Tensor) => Tensor, number[]][] = [
      [greater, [0, 0, 1]],
      [greaterEqual, [0, 1, 1]],
      [less, [1, 0, 0]],
      [lessEqual, [1, 1, 0]],
      [equal, [0, 1, 0]],
      [notEqual, [1, 0, 1]],
    ];
    for (const [f, expected] of cases) {
      const m = f(a, b);
      expect(m.dtype).toBe('int32');
      expect(m.toArray()).toEqual(expected);
      expect(m.requiresGrad).toBe(false);
      expect(m.node).toBeNull();
    }
    expect(a.greater(2).toArray()).toEqual([0, 0, 1]);
    expect(greater(tensor([[1], [3]]), tensor([2, 0])).toArray()).toEqual([[0, 1], [1, 1]]);
    expect(logicalAnd(tensor([1, 1, 0]), tensor([1, 0, 0])).toArray()).toEqual([1, 0, 0]);
    expect(logicalOr(tensor([1, 0, 0]), tensor([0, 0, 1])).toArray()).toEqual([1, 0, 1]);
    // NaN compares false with everything, and unequal to itself (IEEE 754)
    expect(equal(tensor([NaN]), tensor([NaN])).toArray()).toEqual([0]);
    expect(notEqual(tensor([NaN]), tensor([NaN])).toArray()).toEqual([1]);
  });

  it('argmax and argmin: int32 indices, first index on ties, keepDims, any axis', () => {
    const x = tensor([[1, 5, 5], [7, 4, 7]]);
    expect(argmax(x).toArray()).toEqual([1, 0]);
    expect(argmin(x).toArray()).toEqual([0, 1]);
    expect(argmax(x).dtype).toBe('int32');
    expect(argmax(x, 0).toArray()).toEqual([1, 0, 1]);
    expect(argmin(x, -2, true).toArray()).toEqual([[0, 1, 0]]);
    expect(x.argmax(1, true).shape).toEqual([2, 1]);
    const w = tensor([[1, 2]], { requiresGrad: true });
    expect(argmax(w).requiresGrad).toBe(false);
  });
});

describe('method forms', () => {
  it('every method equals the function of the same name', async () => {
    const F = await import('@focalgrad/tensor');
    const x = tensor([[0.5, -1.5, 2], [1, 0.25, -0.75]], { dtype: 'float64' });
    const y = tensor([[2, 1, -1], [0.5, 3, 1]], { dtype: 'float64' });
    const pos = tensor([[0.5, 1.5, 2], [1, 0.25, 0.75]], { dtype: 'float64' });
    const same = (a: Tensor, b: Tensor): void => {
      expect(a.shape).toEqual(b.shape);
      expect(a.dtype).toBe(b.dtype);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
    };
    const fns = F as unknown as Record<string, (...args: unknown[]) => Tensor>;
    const call = (name: string, t: Tensor, ...args: unknown[]): void => {
      const m = (t as unknown as Record<string, (...a: unknown[]) => Tensor>)[name]!;
      expect(typeof m, name).toBe('function');
      same(m.apply(t, args), fns[name]!(t, ...args));
    };
    for (const name of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual']) {
      call(name, pos, y);
    }
    for (const name of ['neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'abs', 'sign', 'square', 'sigmoid', 'logSigmoid', 'softplus', 'tanh', 'relu', 'flatten', 'detach', 'clone']) {
      call(name, pos);
    }
    for (const name of ['sum', 'mean', 'max', 'min', 'logSumExp']) {
      call(name, x);
      call(name, x, 1, true);
      call(name, x, [0, 1]);
    }
    call('argmax', x, 0, true);
    call('argmin', x);
    call('softmax', x, 0);
    call('logSoftmax', x);
    call('clip', x, -1, 1);
    call('matmul', x, F.transpose(y));
    call('transpose', x);
    call('transpose', x, [1, 0]);
    call('permute', x, [1, 0]);
    call('reshape', x, [3, 2]);
    call('squeeze', F.reshape(x, [1, 2, 3]));
    call('expandDims', x, 1);
    call('broadcastTo', x, [4, 2, 3]);
    call('slice', x, [0, 1], [2, 2]);
    call('gather', x, [1, 0, 1], 1);
    call('astype', x, 'float32');
  });
});

