/**
 * optim: every update is checked against a plain-JS transcription of the algorithm boxes in
 * PyTorch's documentation, run side by side over several steps on float64 parameters:
 * - SGD: https://pytorch.org/docs/stable/generated/torch.optim.SGD.html (with `maximize` negating
 *   the gradient first, as the implementation does and the docs say since pytorch/pytorch#149884)
 * - Adam: https://pytorch.org/docs/stable/generated/torch.optim.Adam.html (AMSGrad as
 *   `v_max ← max(v_max, v_t)`, `v̂ ← v_max / (1 - β₂ᵗ)`, the box since pytorch/pytorch#142351)
 * - AdamW: https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html
 * - StepLR / ExponentialLR / CosineAnnealingLR: the formulas on their pages under
 *   https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate
 * The objective is f(θ) = Σ ½cᵢθᵢ² + dᵢθᵢ (gradient cᵢθᵢ + dᵢ), differentiated by the library's
 * autograd on one side and by hand on the other.
 */
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, Tensor, ValueError, nn, optim, softplus, tensor } from '@focalgrad/tensor';

const THETA0 = [0.5, -1.5, 2.0, -0.25, 1.0, 3.0];
const C = [1.0, 2.0, 0.5, 4.0, 1.5, 0.1];
const D = [0.3, -0.2, 0.1, 0.0, -0.7, 0.4];
const STEPS = 6;

/** ∇f(θ) by hand. */
const gradOf = (theta: readonly number[]): number[] => theta.map((t, i) => C[i]! * t + D[i]!);

function libLoss(p: Tensor): Tensor {
  const c = tensor(C, { dtype: 'float64' }).reshape([2, 3]);
  const d = tensor(D, { dtype: 'float64' }).reshape([2, 3]);
  return p.square().mul(c).mul(0.5).add(p.mul(d)).sum();
}

/** Runs `make(params)` for `STEPS` steps; returns θ after each step, checking the bystander `q`. */
function runLib(make: (params: Tensor[]) => optim.Optimizer, steps = STEPS, between?: (opt: optim.Optimizer, t: number) => void): number[][] {
  const p = tensor([THETA0.slice(0, 3), THETA0.slice(3)], { dtype: 'float64', requiresGrad: true });
  const q = tensor([7, -8], { dtype: 'float64', requiresGrad: true }); // never receives a gradient
  const data = p.data;
  const opt = make([p, q]);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    between?.(opt, t);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    libLoss(p).backward();
    opt.step();
    out.push(Array.from(p.data));
  }
  expect(p.data).toBe(data); // updated in place
  expect(Array.from(q.data)).toEqual([7, -8]); // params without grad are untouched
  expect(q.grad).toBeNull();
  return out;
}

function expectTrajectories(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, t) =>
    row.forEach((a, i) => {
      const e = expected[t]![i]!;
      // float64 on both sides; only the order of rounding differs.
      if (!(Math.abs(a - e) <= 1e-14 + 1e-12 * Math.abs(e))) throw new Error(`step ${t + 1}, θ[${i}]: got ${a}, expected ${e}`);
    }),
  );
}

interface SGDRef {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/** torch.optim.SGD's algorithm box, element by element. `lrAt(t)` overrides the rate for step t (1-based). */
function refSGD(o: SGDRef, steps = STEPS, lrAt?: (t: number) => number): number[][] {
  const { momentum: mu = 0, dampening: tau = 0, weightDecay: lambda = 0, nesterov = false, maximize = false } = o;
  const theta = THETA0.slice();
  const b = new Array<number>(theta.length).fill(0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const gamma = lrAt ? lrAt(t) : o.lr;
    const g0 = gradOf(theta);
    for (let i = 0; i < theta.length; i++) {
      let g = maximize ? -g0[i]! : g0[i]!;
      if (lambda !== 0) g = g + lambda * theta[i]!;
      if (mu !== 0) {
        b[i] = t > 1 ? mu * b[i]! + (1 - tau) * g : g;
        g = nesterov ? g + mu * b[i]! : b[i]!;
      }
      theta[i] = theta[i]! - gamma * g;
    }
    out.push(theta.slice());
  }
  return out;
}

interface AdamRef {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  decoupled?: boolean;
}

/** torch.optim.Adam's algorithm box (and AdamW's, with `decoupled`), element by element. */
function refAdam(o: AdamRef, steps = STEPS): { theta: number[][]; maxWasActive: boolean } {
  const { betas: [b1, b2] = [0.9, 0.999], eps = 1e-8, weightDecay: lambda = 0, amsgrad = false, maximize = false, decoupled = false } = o;
  const gamma = o.lr;
  const theta = THETA0.slice();
  const n = theta.length;
  const m = new Array<number>(n).fill(0);
  const v = new Array<number>(n).fill(0);
  const vMax = new Array<number>(n).fill(0);
  let maxWasActive = false;
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g0 = gradOf(theta);
    for (let i = 0; i < n; i++) {
      let g = maximize ? -g0[i]! : g0[i]!;
      if (lambda !== 0) {
        if (decoupled) theta[i] = theta[i]! - gamma * lambda * theta[i]!; // AdamW: θ ← θ − γλθ
        else g = g + lambda * theta[i]!; // Adam: g ← g + λθ
      }
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      const mHat = m[i]! / (1 - b1 ** t);
      let vHat: number;
      if (amsgrad) {
        if (vMax[i]! > v[i]!) maxWasActive = true;
        vMax[i] = Math.max(vMax[i]!, v[i]!);
        vHat = vMax[i]! / (1 - b2 ** t);
      } else {
        vHat = v[i]! / (1 - b2 ** t);
      }
      theta[i] = theta[i]! - (gamma * mHat) / (Math.sqrt(vHat) + eps);
    }
    out.push(theta.slice());
  }
  return { theta: out, maxWasActive };
}

describe('SGD matches the PyTorch algorithm', () => {
  const cases: Array<[string, SGDRef]> = [
    ['plain', { lr: 0.1 }],
    ['momentum (first buffer = gradient)', { lr: 0.1, momentum: 0.9 }],
    ['momentum + dampening', { lr: 0.1, momentum: 0.9, dampening: 0.3 }],
    ['Nesterov', { lr: 0.1, momentum: 0.9, nesterov: true }],
    ['weight decay', { lr: 0.1, weightDecay: 0.05 }],
    ['weight decay + Nesterov', { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1 }],
    ['maximize + weight decay + momentum', { lr: 0.01, momentum: 0.5, weightDecay: 0.05, maximize: true }],
  ];
  for (const [name, o] of cases) {
    it(name, () => {
      expectTrajectories(runLib((ps) => new optim.SGD(ps, o)), refSGD(o));
    });
  }

  it('keeps the momentum buffer as Float64Array state and none for grad-less params', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const q = tensor([3], { requiresGrad: true });
    const opt = new optim.SGD([p, q], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([0.5, -0.5]);
    opt.step();
    expect(opt.momentumBuffer(0)).toBeInstanceOf(Float64Array);
    expect(Array.from(opt.momentumBuffer(0)!)).toEqual([0.5, -0.5]);
    expect(opt.momentumBuffer(1)).toBeNull();
    expect(opt.stepCount).toBe(1);
  });

  it('defaults to PyTorch ≥ 2.3 lr 1e-3 and validates its options', () => {
    const p = () => [tensor([1], { requiresGrad: true })];
    expect(new optim.SGD(p()).lr).toBe(1e-3);
    expect(() => new optim.SGD(p(), { lr: -1 })).toThrow(ValueError);
    expect(() => new optim.SGD(p(), { lr: NaN })).toThrow(ValueError);
    expect(() => new optim.SGD(p(), { momentum: -0.1 })).toThrow(ValueError);
    expect(() => new optim.SGD(p(), { nesterov: true })).toThrow(/requires momentum > 0 and dampening = 0/);
    expect(() => new optim.SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(ValueError);
    expect(() => new optim.SGD([])).toThrow(/empty parameter list/);
    const t = tensor([1], { requiresGrad: true });
    expect(() => new optim.SGD([t, t])).toThrow(/same tensor twice/);
    expect(() => new optim.SGD([tensor([1], { dtype: 'int32' })])).toThrow(DTypeError);
    expect(() => new optim.SGD([t.mul(2)])).toThrow(/leaf/);
  });
});

describe('Adam and AdamW match the PyTorch algorithms', () => {
  const cases: Array<[string, AdamRef]> = [
    ['Adam', { lr: 0.1 }],
    ['Adam with betas and eps', { lr: 0.05, betas: [0.8, 0.99], eps: 1e-3 }],
    ['Adam with L2 weight decay', { lr: 0.1, weightDecay: 0.1 }],
    ['Adam maximize + weight decay', { lr: 0.01, weightDecay: 0.1, maximize: true }],
  ];
  for (const [name, o] of cases) {
    it(name, () => {
      const lib = runLib((ps) => new optim.Adam(ps, { lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weightDecay, maximize: o.maximize }));
      expectTrajectories(lib, refAdam(o).theta);
    });
  }

  it('Adam with AMSGrad (the running max changes the result)', () => {
    // β₂ = 0.5 forgets fast, so v falls below its past maximum as the gradients shrink.
    const o: AdamRef = { lr: 0.3, betas: [0.9, 0.5], amsgrad: true };
    const ref = refAdam(o, 8);
    expect(ref.maxWasActive).toBe(true);
    const plain = refAdam({ ...o, amsgrad: false }, 8).theta;
    expect(plain[7]).not.toEqual(ref.theta[7]);
    expectTrajectories(runLib((ps) => new optim.Adam(ps, { lr: 0.3, betas: [0.9, 0.5], amsgrad: true }), 8), ref.theta);
  });

  it('AdamW: decoupled decay θ ← θ − γλθ, default λ = 1e-2', () => {
    expectTrajectories(runLib((ps) => new optim.AdamW(ps, { lr: 0.1 })), refAdam({ lr: 0.1, weightDecay: 1e-2, decoupled: true }).theta);
    expectTrajectories(
      runLib((ps) => new optim.AdamW(ps, { lr: 0.05, weightDecay: 0.3, amsgrad: true })),
      refAdam({ lr: 0.05, weightDecay: 0.3, decoupled: true, amsgrad: true }).theta,
    );
    // Adam's decoupledWeightDecay option is the same update.
    expectTrajectories(
      runLib((ps) => new optim.Adam(ps, { lr: 0.1, weightDecay: 0.2, decoupledWeightDecay: true })),
      refAdam({ lr: 0.1, weightDecay: 0.2, decoupled: true }).theta,
    );
    expect(new optim.AdamW([tensor([1], { requiresGrad: true })]).weightDecay).toBe(1e-2);
  });

  it('counts steps per parameter for the bias corrections', () => {
    const p = tensor([1], { dtype: 'float64', requiresGrad: true });
    const q = tensor([1], { dtype: 'float64', requiresGrad: true });
    const opt = new optim.Adam([p, q], { lr: 0.1 });
    p.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    opt.step();
    q.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    expect(opt.paramState(0)!.step).toBe(3);
    expect(opt.paramState(1)!.step).toBe(1);
    // q's first update is a first update: m̂/√v̂ = g/|g| = 1, so θ moves by lr (minus the ε effect).
    expect(q.data[0]).toBeCloseTo(1 - 0.1 / (1 + 1e-8), 15);
  });

  it('validates betas and eps', () => {
    const p = () => [tensor([1], { requiresGrad: true })];
    expect(() => new optim.Adam(p(), { betas: [1, 0.999] })).toThrow(ValueError);
    expect(() => new optim.Adam(p(), { betas: [0.9, -0.1] })).toThrow(ValueError);
    expect(() => new optim.Adam(p(), { eps: -1 })).toThrow(ValueError);
    expect(() => new optim.AdamW(p(), { weightDecay: -1 })).toThrow(/AdamW: argument 'weightDecay'/);
  });
});

describe('float32 parameters', () => {
  it('update in float64 with Float64Array state, rounded once per step', () => {
    const g32 = [0.3, -1.2, 2.5].map(Math.fround);
    const p = tensor([0.1, 0.2, -0.3], { requiresGrad: true });
    const opt = new optim.Adam([p], { lr: 0.01 });
    // Reference: Adam's box in float64, θ rounded to float32 after every step.
    const theta = [0.1, 0.2, -0.3].map(Math.fround);
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    for (let t = 1; t <= 4; t++) {
      p.grad = tensor(g32);
      opt.step();
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g32[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g32[i]! ** 2;
        const exact = theta[i]! - (0.01 * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
        theta[i] = Math.fround(exact);
        // Within one float32 ulp of the float32 rounding of the float64 update.
        expect(Math.abs(p.data[i]! - theta[i]!)).toBeLessThanOrEqual(2 ** -23 * Math.abs(theta[i]!));
      }
    }
    expect(p.dtype).toBe('float32');
    expect(opt.paramState(0)!.m).toBeInstanceOf(Float64Array);
  });

  it('rejects a grad whose shape does not match', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 2, 3]);
    expect(() => opt.step()).toThrow(ShapeError);
  });
});

describe('learning rate: setter, schedule hook, schedulers', () => {
  it('a settable lr takes effect at the next step', () => {
    const lib = runLib(
      (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 }),
      STEPS,
      (opt, t) => {
        if (t === 3) opt.lr = 0.02;
      },
    );
    expectTrajectories(lib, refSGD({ lr: 0.1, momentum: 0.9 }, STEPS, (t) => (t <= 3 ? 0.1 : 0.02)));
    const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    expect(() => (opt.lr = -0.1)).toThrow(ValueError);
  });

  it('schedule(step, baseLr) sets lr before each step (step 0 first)', () => {
    const seen: Array<[number, number]> = [];
    const schedule = (step: number, baseLr: number): number => {
      seen.push([step, baseLr]);
      return baseLr * 0.5 ** step;
    };
    const lrs: number[] = [];
    const lib = runLib(
      (ps) => new optim.SGD(ps, { lr: 0.2, momentum: 0.5, schedule }),
      STEPS,
      (opt, t) => {
        if (t > 0) lrs.push(opt.lr);
      },
    );
    expect(seen).toEqual(Array.from({ length: STEPS }, (_, t) => [t, 0.2]));
    expect(lrs).toEqual(Array.from({ length: STEPS - 1 }, (_, t) => 0.2 * 0.5 ** t));
    expectTrajectories(lib, refSGD({ lr: 0.2, momentum: 0.5 }, STEPS, (t) => 0.2 * 0.5 ** (t - 1)));
    // Adam follows the schedule too.
    const warm = (step: number, base: number): number => base * Math.min(1, (step + 1) / 3);
    const p = tensor([1], { dtype: 'float64', requiresGrad: true });
    const adam = new optim.Adam([p], { lr: 0.3, schedule: warm });
    const got: number[] = [];
    for (let i = 0; i < 5; i++) {
      p.grad = tensor([1], { dtype: 'float64' });
      adam.step();
      got.push(adam.lr);
    }
    expect(got).toEqual([1 / 3, 2 / 3, 1, 1, 1].map((f) => 0.3 * f)); // warm-up over 3 steps, then flat
  });

  it('StepLR: the PyTorch docs example (lr 0.05, stepSize 30, gamma 0.1)', () => {
    const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.05 });
    const sched = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 });
    const lrs = [opt.lr];
    for (let e = 1; e < 90; e++) {
      sched.step();
      lrs.push(opt.lr);
    }
    // "lr = 0.05 if epoch < 30; lr = 0.005 if 30 <= epoch < 60; lr = 0.0005 if 60 <= epoch < 90"
    expect(lrs[0]).toBe(0.05);
    expect(lrs[29]).toBe(0.05);
    expect(lrs[30]).toBeCloseTo(0.005, 15);
    expect(lrs[59]).toBeCloseTo(0.005, 15);
    expect(lrs[60]).toBeCloseTo(0.0005, 15);
    expect(lrs[89]).toBeCloseTo(0.0005, 15);
    expect(sched.getLastLr()).toBe(opt.lr);
  });

  it('ExponentialLR and CosineAnnealingLR follow their formulas', () => {
    const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    const exp = new optim.ExponentialLR(opt, { gamma: 0.9 });
    for (let e = 1; e <= 5; e++) {
      exp.step();
      expect(opt.lr).toBeCloseTo(0.1 * 0.9 ** e, 15);
    }
    const opt2 = new optim.Adam([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    const cos = new optim.CosineAnnealingLR(opt2, { tMax: 10, etaMin: 0.001 });
    expect(opt2.lr).toBe(0.1);
    for (let e = 1; e <= 10; e++) {
      cos.step();
      // η_t = η_min + ½(η_max − η_min)(1 + cos(π·T_cur/T_max))
      expect(opt2.lr).toBeCloseTo(0.001 + 0.5 * (0.1 - 0.001) * (1 + Math.cos((Math.PI * e) / 10)), 15);
    }
    expect(opt2.lr).toBeCloseTo(0.001, 15); // T_cur = T_max
    const opt3 = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
    const lam = new optim.LambdaLR(opt3, (e) => 1 / (1 + e));
    lam.step();
    lam.step();
    expect(opt3.lr).toBeCloseTo(1 / 3, 15);
  });

  it('a scheduler refuses an optimizer that already has a schedule', () => {
    const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1, schedule: (t, b) => b });
    expect(() => new optim.StepLR(opt, { stepSize: 1 })).toThrow(ValueError);
    const plain = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    expect(() => new optim.StepLR(plain, { stepSize: 0 })).toThrow(ValueError);
    expect(() => new optim.CosineAnnealingLR(plain, { tMax: 0 })).toThrow(ValueError);
  });
});

describe('end to end', () => {
  it('a 2-layer MLP trained with Adam fits an XOR-like problem', () => {
    // Four Gaussian blobs at (±1, ±1), label 1 where the signs differ: not linearly separable.
    const rng = new Rng(0);
    const xs: number[][] = [];
    const ys: number[][] = [];
    for (let i = 0; i < 64; i++) {
      const a = i % 2 === 0 ? 1 : -1;
      const b = i % 4 < 2 ? 1 : -1;
      xs.push([a + 0.15 * rng.normal(), b + 0.15 * rng.normal()]);
      ys.push([a * b < 0 ? 1 : 0]);
    }
    const x = tensor(xs);
    const y = tensor(ys);
    const model = new nn.Sequential(new nn.Linear(2, 8, { seed: 1 }), new nn.Tanh(), new nn.Linear(8, 1, { seed: 2 }));
    const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
    // Binary crossentropy from logits: mean(softplus(z) − y·z).
    const lossFn = (): Tensor => {
      const z = model.forward(x);
      return softplus(z).sub(y.mul(z)).mean();
    };
    const first = lossFn().item();
    let last = first;
    for (let step = 0; step < 300; step++) {
      opt.zeroGrad();
      const loss = lossFn();
      loss.backward();
      opt.step();
      last = loss.item();
    }
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(0.02);
    const pred = model.forward(x).data;
    ys.forEach(([label], i) => expect(pred[i]! > 0 ? 1 : 0).toBe(label));
  });
});
