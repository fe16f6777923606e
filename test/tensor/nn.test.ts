/**
 * nn: Module tree and naming, Linear (forward against a hand-written x @ Wᵀ + b, PyTorch's default
 * init bounds, gradcheck of a Linear+Tanh+Linear stack wrt its parameters), Sequential,
 * activations, initializers (bounds and moments from their defining formulas) and the focal-loss
 * prior-probability biases.
 */
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  Rng,
  ShapeError,
  Tensor,
  ValueError,
  gradcheck,
  nn,
  randn,
  tensor,
  zeros,
} from '@focalgrad/tensor';

/** x @ Wᵀ + b for x [n, in], W [out, in], b [out], by plain loops in float64. */
function refLinear(x: ArrayLike<number>, n: number, w: ArrayLike<number>, inF: number, outF: number, b: ArrayLike<number> | null): number[] {
  const y: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b === null ? 0 : b[o]!;
      for (let i = 0; i < inF; i++) s += x[r * inF + i]! * w[o * inF + i]!;
      y.push(s);
    }
  }
  return y;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

function moments(d: ArrayLike<number>): { mean: number; variance: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    s += d[i]!;
    min = Math.min(min, d[i]!);
    max = Math.max(max, d[i]!);
  }
  const mean = s / d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i]! - mean) ** 2;
  return { mean, variance: v / d.length, min, max };
}

class MLP extends nn.Module {
  layers = this.registerModule(
    'layers',
    new nn.Sequential(new nn.Linear(3, 4, { seed: 0 }), new nn.Tanh(), new nn.Linear(4, 2, { seed: 1 })),
  );
  head = this.registerModule('head', new nn.Linear(2, 1, { seed: 2, bias: false }));
  forward(x: Tensor): Tensor {
    return this.head.forward(this.layers.forward(x));
  }
}

describe('nn.Linear', () => {
  it('has PyTorch layout and computes x @ Wᵀ + b (float64)', () => {
    const lin = new nn.Linear(3, 2, { dtype: 'float64', seed: 0 });
    expect(lin.weight.shape).toEqual([2, 3]);
    expect(lin.bias!.shape).toEqual([2]);
    expect(lin.weight.dtype).toBe('float64');
    expect(lin.weight.requiresGrad && lin.bias!.requiresGrad).toBe(true);
    const x = randn([5, 3], { dtype: 'float64', seed: 1 });
    const y = lin.forward(x);
    expect(y.shape).toEqual([5, 2]);
    expectClose(y.data, refLinear(x.data, 5, lin.weight.data, 3, 2, lin.bias!.data), 1e-14, 1e-14);
    // call() is the same computation.
    expectClose(lin.call(x).data, y.data, 0);
  });

  it('computes x @ Wᵀ + b in float32 and without bias', () => {
    const lin = new nn.Linear(4, 3, { seed: 5 });
    const x = randn([6, 4], { seed: 6 });
    expect(lin.forward(x).dtype).toBe('float32');
    // float32 result of a float64 reference: a few float32 ulps of the largest term.
    expectClose(lin.forward(x).data, refLinear(x.data, 6, lin.weight.data, 4, 3, lin.bias!.data), 1e-6, 1e-6);
    const nob = new nn.Linear(4, 3, { seed: 5, bias: false });
    expect(nob.bias).toBeNull();
    expect(nob.parameters()).toHaveLength(1);
    expectClose(nob.forward(x).data, refLinear(x.data, 6, nob.weight.data, 4, 3, null), 1e-6, 1e-6);
  });

  it('accepts 1-D and batched inputs [..., in]', () => {
    const lin = new nn.Linear(3, 2, { dtype: 'float64', seed: 0 });
    const v = tensor([1, -2, 0.5], { dtype: 'float64' });
    const y = lin.forward(v);
    expect(y.shape).toEqual([2]);
    expectClose(y.data, refLinear(v.data, 1, lin.weight.data, 3, 2, lin.bias!.data), 1e-14, 1e-14);
    const x3 = randn([2, 4, 3], { dtype: 'float64', seed: 2 });
    const y3 = lin.forward(x3);
    expect(y3.shape).toEqual([2, 4, 2]);
    expectClose(y3.data, refLinear(x3.data, 8, lin.weight.data, 3, 2, lin.bias!.data), 1e-14, 1e-14);
  });

  it('nn.functional.linear matches the layer and checks shapes', () => {
    const w = tensor([[1, 0], [0, 1], [1, 1]]);
    expect(nn.functional.linear(tensor([[1, 2]]), w, tensor([0, 0, 1])).toArray()).toEqual([[1, 2, 4]]);
    expect(nn.functional.linear(tensor([[1, 2]]), w).toArray()).toEqual([[1, 2, 3]]);
    expect(() => nn.functional.linear(tensor([[1, 2, 3]]), w)).toThrow(ShapeError);
    expect(() => nn.functional.linear(tensor([[1, 2]]), w, tensor([1, 2]))).toThrow(ShapeError);
    expect(() => nn.functional.linear(tensor([[1, 2]]), tensor([1, 2]))).toThrow(ShapeError);
  });

  it('uses PyTorch default init U(-1/√in, 1/√in) for weight and bias, reproducibly', () => {
    // torch.nn.Linear.reset_parameters: kaiming_uniform_(weight, a=√5) gives bound
    // √(2/(1+5))·√(3/fan_in) = 1/√fan_in; the bias is U(-1/√fan_in, 1/√fan_in).
    const inF = 50;
    const lin = new nn.Linear(inF, 400, { seed: 3 });
    const bound = 1 / Math.sqrt(inF);
    const w = moments(lin.weight.data);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThanOrEqual(bound);
    // 20000 samples: the extremes of U(-b, b) come within b/1000 of the bounds with probability ≈ 1 - 2e-9.
    expect(w.max).toBeGreaterThan(0.99 * bound);
    expect(w.min).toBeLessThan(-0.99 * bound);
    const b = moments(lin.bias!.data);
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max).toBeLessThanOrEqual(bound);
    // Same seed, same values; a different seed, different values.
    expect(Array.from(new nn.Linear(inF, 400, { seed: 3 }).weight.data)).toEqual(Array.from(lin.weight.data));
    expect(Array.from(new nn.Linear(inF, 400, { seed: 4 }).weight.data)).not.toEqual(Array.from(lin.weight.data));
    // An rng is advanced: two layers from one generator differ, and replay from the same seed.
    const r1 = new Rng(9);
    const a1 = new nn.Linear(2, 2, { rng: r1 });
    const a2 = new nn.Linear(2, 2, { rng: r1 });
    expect(Array.from(a1.weight.data)).not.toEqual(Array.from(a2.weight.data));
    const r2 = new Rng(9);
    expect(Array.from(new nn.Linear(2, 2, { rng: r2 }).weight.data)).toEqual(Array.from(a1.weight.data));
    expect(Array.from(new nn.Linear(2, 2, { rng: r2 }).bias!.data)).toEqual(Array.from(a2.bias!.data));
  });

  it('takes custom initializers', () => {
    const lin = new nn.Linear(8, 3, { seed: 0, weightInit: nn.init.zeros, biasInit: (b) => nn.init.priorBias(b, 0.01) });
    expect(Array.from(lin.weight.data)).toEqual(new Array(24).fill(0));
    for (const v of lin.bias!.data) expect(v).toBeCloseTo(-Math.log(99), 6);
    const he = new nn.Linear(8, 3, { seed: 1, dtype: 'float64', weightInit: nn.init.heNormal });
    const ref = nn.init.heNormal(zeros([3, 8], { dtype: 'float64' }), { seed: 1 });
    expect(Array.from(he.weight.data)).toEqual(Array.from(ref.data));
  });

  it('rejects bad arguments with typed errors', () => {
    expect(() => new nn.Linear(0, 2)).toThrow(ValueError);
    expect(() => new nn.Linear(2.5, 2)).toThrow(ValueError);
    expect(() => new nn.Linear(2, 2, { dtype: 'int32' as 'float32' })).toThrow(DTypeError);
    const lin = new nn.Linear(3, 2);
    expect(() => lin.forward(zeros([4, 2]))).toThrow(ShapeError);
    expect(() => lin.forward(zeros([4, 2]))).toThrow(/expected a tensor of shape \[\.\.\., 3\], got shape \[4, 2\]/);
  });
});

describe('nn.Module tree', () => {
  it('names parameters with dots in registration order and counts them', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.parameters()).toHaveLength(4);
    expect(seq.numParameters()).toBe(2 * 3 + 3 + 3 * 1 + 1);
    expect(seq.length).toBe(3);
    expect(seq.at(-1)).toBe(seq.at(2));
    expect([...seq]).toHaveLength(3);

    const mlp = new MLP();
    expect(mlp.namedParameters().map(([n]) => n)).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.2.weight',
      'layers.2.bias',
      'head.weight',
    ]);
    expect(mlp.numParameters()).toBe(3 * 4 + 4 + 4 * 2 + 2 + 2);
    expect(mlp.namedModules().map(([n]) => n)).toEqual(['', 'layers', 'layers.0', 'layers.1', 'layers.2', 'head']);
    expect(mlp.namedChildren().map(([n]) => n)).toEqual(['layers', 'head']);
    expect(mlp.namedParameters('model').map(([n]) => n)[0]).toBe('model.layers.0.weight');
    // parameters() hands out the live tensors the layers use.
    expect(mlp.parameters()[4]).toBe(mlp.head.weight);
  });

  it('lists a shared parameter once in parameters() but under every name in stateDict()', () => {
    const lin = new nn.Linear(2, 2);
    const seq = new nn.Sequential(lin, new nn.Tanh(), lin);
    expect(seq.parameters()).toHaveLength(2);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('Sequential chains its modules; activations match the ops', () => {
    const x = tensor([[-1, 0.5, 2]], { dtype: 'float64' });
    expect(new nn.ReLU().forward(x).toArray()).toEqual([[0, 0.5, 2]]);
    expect(new nn.Tanh().forward(x).toArray()[0]).toEqual([Math.tanh(-1), Math.tanh(0.5), Math.tanh(2)]);
    const sig = new nn.Sigmoid().forward(x).toArray()[0] as number[];
    expectClose(sig, [-1, 0.5, 2].map((v) => 1 / (1 + Math.exp(-v))), 1e-15, 1e-15);
    const l1 = new nn.Linear(3, 4, { dtype: 'float64', seed: 0 });
    const l2 = new nn.Linear(4, 2, { dtype: 'float64', seed: 1 });
    const seq = new nn.Sequential(l1, new nn.Sigmoid(), l2);
    expectClose(seq.forward(x).data, l2.forward(l1.forward(x).sigmoid()).data, 0);
    expect(new nn.Sequential().forward(x)).toBe(x);
  });

  it('zeroGrad clears every parameter grad; train/eval reach every submodule', () => {
    const mlp = new MLP();
    mlp.forward(randn([5, 3], { seed: 0 })).sum().backward();
    expect(mlp.parameters().every((p) => p.grad !== null)).toBe(true);
    mlp.zeroGrad();
    expect(mlp.parameters().every((p) => p.grad === null)).toBe(true);
    mlp.eval();
    expect(mlp.modules().every((m) => !m.training)).toBe(true);
    mlp.train();
    expect(mlp.modules().every((m) => m.training)).toBe(true);
    const visited: string[] = [];
    mlp.apply((m) => visited.push(m.constructor.name));
    expect(visited).toEqual(['Linear', 'Tanh', 'Linear', 'Sequential', 'Linear', 'MLP']);
    expect(String(mlp)).toContain('(layers): Sequential(');
    expect(String(mlp)).toContain('(head): Linear(inFeatures=2, outFeatures=1, bias=false)');
  });

  it('registration validates names, dtypes and leaves', () => {
    class M extends nn.Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new M();
    const w = m.registerParameter('w', zeros([2]));
    expect(w.requiresGrad).toBe(true);
    m.registerBuffer('mask', zeros([2], { dtype: 'int32' }));
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['mask']);
    expect(() => m.registerParameter('a.b', zeros([2]))).toThrow(ValueError);
    expect(() => m.registerParameter('', zeros([2]))).toThrow(ValueError);
    expect(() => m.registerParameter('i', zeros([2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => m.registerParameter('y', w.mul(2))).toThrow(/leaf/);
    expect(() => m.registerModule('w', new nn.ReLU())).toThrow(/already registered as a parameter/);
    expect(() => m.registerModule('self', m)).toThrow(ValueError);
  });
});

describe('gradients through modules', () => {
  it('gradcheck of Linear + Tanh + Linear in float64 wrt every parameter', () => {
    const model = new nn.Sequential(
      new nn.Linear(3, 5, { dtype: 'float64', seed: 0 }),
      new nn.Tanh(),
      new nn.Linear(5, 2, { dtype: 'float64', seed: 1 }),
    );
    const x = randn([4, 3], { dtype: 'float64', seed: 2 });
    const named = model.namedParameters();
    const names = named.map(([n]) => n);
    const f = (...ps: Tensor[]): Tensor => nn.functionalCall(model, Object.fromEntries(names.map((n, i) => [n, ps[i]!])), x);
    const report = gradcheck(f, named.map(([, p]) => p), { eps: 1e-6, atol: 1e-7, rtol: 1e-5 });
    expect(report.ok, report.message).toBe(true);
    expect(report.mode).toBe('jacobian');
    // functionalCall restored the module's own parameters.
    expect(model.parameters()).toEqual(named.map(([, p]) => p));
    expect((model.at(0) as nn.Linear).weight).toBe(named[0]![1]);
  });

  it('backward() through the module fills .grad with the central-difference gradient', () => {
    const model = new nn.Sequential(
      new nn.Linear(3, 4, { dtype: 'float64', seed: 3 }),
      new nn.Tanh(),
      new nn.Linear(4, 1, { dtype: 'float64', seed: 4 }),
    );
    const x = randn([6, 3], { dtype: 'float64', seed: 5 });
    const lossOf = (): number => model.forward(x).square().mean().item();
    model.forward(x).square().mean().backward();
    const eps = 1e-6;
    for (const [name, p] of model.namedParameters()) {
      const g = p.grad!;
      expect(g.shape, name).toEqual(p.shape);
      for (let i = 0; i < p.size; i++) {
        const orig = p.data[i]!;
        p.data[i] = orig + eps;
        const fp = lossOf();
        p.data[i] = orig - eps;
        const fm = lossOf();
        p.data[i] = orig;
        const num = (fp - fm) / (2 * eps);
        // Central differences are accurate to O(eps²)·f''' plus rounding ~1e-16/eps.
        expect(Math.abs(g.data[i]! - num), `${name}[${i}]`).toBeLessThan(1e-8 + 1e-6 * Math.abs(num));
      }
    }
  });

  it('functionalCall restores the parameters when forward throws and rejects unknown names', () => {
    const lin = new nn.Linear(2, 2, { dtype: 'float64', seed: 0 });
    const w = lin.weight;
    // The replacement is what forward sees: with a zero weight the output is the bias.
    const y = nn.functionalCall(lin, { weight: zeros([2, 2], { dtype: 'float64' }) }, tensor([[3, 4]], { dtype: 'float64' }));
    expect(Array.from(y.data)).toEqual(Array.from(lin.bias!.data));
    expect(lin.weight).toBe(w);
    expect(() => nn.functionalCall(lin, { weight: zeros([2, 2], { dtype: 'float64' }) }, zeros([3, 5], { dtype: 'float64' }))).toThrow(ShapeError);
    expect(lin.weight).toBe(w);
    expect(lin.namedParameters()[0]![1]).toBe(w);
    expect(() => nn.functionalCall(lin, { nope: w }, zeros([1, 2]))).toThrow(ValueError);
    expect(() => nn.functionalCall(lin, { 'a.weight': w }, zeros([1, 2]))).toThrow(/no submodule 'a'/);
  });
});

describe('nn.init', () => {
  // Sample size for the moment checks; tolerances are 5 standard errors of the estimator.
  const shape = [300, 200];
  const n = 300 * 200;

  it('fans follow PyTorch (_calculate_fan_in_and_fan_out)', () => {
    expect(nn.init.fans([16, 8])).toEqual([8, 16]);
    expect(nn.init.fans([16, 8, 3, 3])).toEqual([72, 144]);
    expect(() => nn.init.fans([5])).toThrow(ShapeError);
    expect(() => nn.init.glorotUniform(zeros([5]))).toThrow(ShapeError);
  });

  it('glorotUniform: U(-b, b), b = √(6/(fanIn+fanOut))', () => {
    const t = nn.init.glorotUniform(zeros(shape), { seed: 0 });
    const b = Math.sqrt(6 / (200 + 300)); // Glorot & Bengio 2010, eq. 16
    const m = moments(t.data);
    expect(m.min).toBeGreaterThanOrEqual(-b);
    expect(m.max).toBeLessThanOrEqual(b);
    expect(m.max).toBeGreaterThan(0.999 * b);
    expect(m.min).toBeLessThan(-0.999 * b);
    // mean: sd b/√(3n); variance b²/3: sd of the estimate b²·√(4/45/n).
    expect(Math.abs(m.mean)).toBeLessThan(5 * b / Math.sqrt(3 * n));
    expect(Math.abs(m.variance - b * b / 3)).toBeLessThan(5 * b * b * Math.sqrt(4 / 45 / n));
    const g = nn.init.glorotUniform(zeros(shape), { seed: 0, gain: 2 });
    expectClose(g.data, Array.from(t.data, (v) => 2 * v), 1e-6, 1e-6);
  });

  it('glorotNormal: N(0, 2/(fanIn+fanOut))', () => {
    const t = nn.init.glorotNormal(zeros(shape, { dtype: 'float64' }), { seed: 1 });
    const s2 = 2 / (200 + 300);
    const m = moments(t.data);
    expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(s2 / n));
    // sd of the sample variance of a normal: σ²·√(2/n).
    expect(Math.abs(m.variance - s2)).toBeLessThan(5 * s2 * Math.sqrt(2 / n));
  });

  it('heUniform: U(-b, b), b = √(6/fanIn); a=√5 gives 1/√fanIn; fanOut mode', () => {
    const t = nn.init.heUniform(zeros(shape), { seed: 2 });
    const b = Math.sqrt(6 / 200); // He et al. 2015 with gain √2: √2·√(3/fanIn)
    const m = moments(t.data);
    expect(m.min).toBeGreaterThanOrEqual(-b);
    expect(m.max).toBeLessThanOrEqual(b);
    expect(m.max).toBeGreaterThan(0.999 * b);
    expect(Math.abs(m.variance - b * b / 3)).toBeLessThan(5 * b * b * Math.sqrt(4 / 45 / n));
    const a5 = moments(nn.init.heUniform(zeros(shape), { seed: 2, a: Math.sqrt(5) }).data);
    expect(a5.max).toBeLessThanOrEqual(1 / Math.sqrt(200));
    expect(a5.max).toBeGreaterThan(0.999 / Math.sqrt(200));
    const out = moments(nn.init.heUniform(zeros(shape), { seed: 2, mode: 'fanOut' }).data);
    expect(out.max).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    expect(out.max).toBeGreaterThan(0.999 * Math.sqrt(6 / 300));
  });

  it('heNormal: N(0, 2/fanIn)', () => {
    const t = nn.init.heNormal(zeros(shape, { dtype: 'float64' }), { seed: 3 });
    const s2 = 2 / 200;
    const m = moments(t.data);
    expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(s2 / n));
    expect(Math.abs(m.variance - s2)).toBeLessThan(5 * s2 * Math.sqrt(2 / n));
  });

  it('is reproducible from a seed or an Rng, and fills in place', () => {
    const a = zeros([4, 5]);
    const data = a.data;
    expect(nn.init.heNormal(a, { seed: 7 })).toBe(a);
    expect(a.data).toBe(data);
    const b = nn.init.heNormal(zeros([4, 5]), new Rng(7));
    const c = nn.init.heNormal(zeros([4, 5]), { rng: new Rng(7) });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(c.data)).toEqual(Array.from(a.data));
    expect(() => nn.init.heNormal(zeros([2, 2], { dtype: 'int32' }))).toThrow(DTypeError);
  });

  it('zeros, ones, constant, uniform, normal', () => {
    expect(nn.init.constant(zeros([3]), 0.25).toArray()).toEqual([0.25, 0.25, 0.25]);
    expect(nn.init.ones(zeros([2])).toArray()).toEqual([1, 1]);
    expect(nn.init.zeros(tensor([1, 2])).toArray()).toEqual([0, 0]);
    const u = moments(nn.init.uniform(zeros([1000]), -3, -2, { seed: 0 }).data);
    expect(u.min).toBeGreaterThanOrEqual(-3);
    expect(u.max).toBeLessThanOrEqual(-2);
    const nm = moments(nn.init.normal(zeros([n], { dtype: 'float64' }), 5, 0.5, { seed: 0 }).data);
    expect(Math.abs(nm.mean - 5)).toBeLessThan(5 * 0.5 / Math.sqrt(n));
    expect(() => nn.init.uniform(zeros([2]), 1, 0)).toThrow(ValueError);
    expect(nn.init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(nn.init.calculateGain('tanh')).toBe(5 / 3);
  });

  it('priorBias(0.01) = -log((1-π)/π) = -log 99 ≈ -4.59512 (Lin et al. 2017, §4.1)', () => {
    const b = nn.init.priorBias(zeros([3], { dtype: 'float64' }), 0.01);
    for (const v of b.data) {
      expect(v).toBeCloseTo(-Math.log(99), 14);
      expect(Math.abs(v - -4.59512)).toBeLessThan(5e-6); // -ln 99 = -4.595119850...
      expect(1 / (1 + Math.exp(-v))).toBeCloseTo(0.01, 15); // the sigmoid starts at π
    }
    expect(nn.init.priorBias(zeros([1], { dtype: 'float64' })).item()).toBe(b.data[0]); // default π = 0.01
    expect(nn.init.priorBias(zeros([1], { dtype: 'float64' }), 0.5).item()).toBe(0);
    expect(() => nn.init.priorBias(zeros([1]), 0)).toThrow(ValueError);
    expect(() => nn.init.priorBias(zeros([1]), 1)).toThrow(ValueError);
  });

  it('softmaxPriorBias: b_k = log π_k, so softmax(b) = π', () => {
    const priors = [0.9, 0.09, 0.01];
    const b = nn.init.softmaxPriorBias(zeros([3], { dtype: 'float64' }), priors);
    expectClose(b.data, priors.map(Math.log), 1e-15, 1e-15);
    expectClose(b.softmax().data, priors, 1e-15, 1e-14);
    // Counts are normalised: same bias as the frequencies.
    const c = nn.init.softmaxPriorBias(zeros([3], { dtype: 'float64' }), [900, 90, 10]);
    expectClose(c.data, b.data, 1e-15, 1e-14);
    expect(() => nn.init.softmaxPriorBias(zeros([2]), priors)).toThrow(ShapeError);
    expect(() => nn.init.softmaxPriorBias(zeros([2]), [1, 0])).toThrow(ValueError);
  });
});
