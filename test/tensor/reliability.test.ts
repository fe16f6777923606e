// Regression tests for silent wrong answers found by a red-team pass over the tensor package: each
// case gave a wrong value, an alias or a raw TypeError before, and must now give a typed error or
// the right answer.
import { describe, expect, it } from 'vitest';
import {
  DTypeError, Rng, ShapeError, Tensor, ValueError, arange, defineOp, enableGrad, eye, grad, isGradEnabled, nn, noGrad, optim, randn, tensor,
  zeros,
} from '@focalgrad/tensor';

describe('in-place changes between forward and backward', () => {
  it('an optimizer step before backward raises, naming the op and the input, instead of a wrong gradient', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    w.grad = tensor([10, 10]);
    new optim.SGD([w], { lr: 1 }).step(); // w becomes [-9, -8]
    expect(w.version).toBe(1);
    // Before: backward gave [-18, -16] (2·w at the new values) instead of [2, 4].
    let err: unknown;
    try {
      loss.backward();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValueError);
    expect(String(err)).toMatch(/mul: argument 'backward' needs input 0 \(a float32 tensor of shape \[2\]\), which was modified in place after the op ran: it is at version 1, expected version 0/);
    expect(w.grad!.toArray()).toEqual([10, 10]); // untouched
  });

  it('views share the counter; loadStateDict and nn.init bump it too; the usual loop order is untouched', () => {
    const lin = new nn.Linear(2, 1, { seed: 0 });
    const x = randn([4, 2], { seed: 1 });
    const out = lin.forward(x).sum();
    lin.loadStateDict(new nn.Linear(2, 1, { seed: 5 }).stateDict());
    expect(() => out.backward()).toThrow(/modified in place/);
    const w = tensor([[1, 2]], { requiresGrad: true });
    const y = w.reshape([2]).square().sum();
    nn.init.constant(w, 3);
    expect(() => y.backward()).toThrow(/modified in place/);
    // zeroGrad → forward → backward → step, repeated: no error.
    const opt = new optim.Adam(lin.parameters(), { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      lin.forward(x).square().mean().backward();
      opt.step();
    }
  });
});

describe('leaf gradients never share storage', () => {
  it('a reshaped leaf and a plain leaf of one add get separate buffers', () => {
    const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const b = tensor([1, 2, 3, 4], { requiresGrad: true });
    a.reshape([4]).add(b).sum().backward();
    expect(a.grad!.data.buffer).not.toBe(b.grad!.data.buffer);
    b.grad!.data[0] = 100;
    expect(a.grad!.toArray()).toEqual([[1, 1], [1, 1]]);
  });

  it("a leaf's gradient does not alias the caller's seed", () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const seed = tensor([1, 1, 1, 1]);
    x.reshape([4]).backward(seed);
    expect(x.grad!.data.buffer).not.toBe(seed.data.buffer);
  });
});

describe('optimizers check each gradient against its parameter', () => {
  it('rejects a same-size gradient of another shape, and another dtype, naming the parameter', () => {
    const p = zeros([2, 3], { requiresGrad: true });
    p.grad = zeros([3, 2]);
    expect(() => new optim.SGD([p], { lr: 1 }).step()).toThrow(ShapeError);
    expect(() => new optim.SGD([p], { lr: 1 }).step()).toThrow(/parameter 0 has shape \[2, 3\] but its grad has shape \[3, 2\]/);
    const q = zeros([2], { dtype: 'float64', requiresGrad: true });
    q.grad = tensor([1, 1], { dtype: 'int32' });
    expect(() => new optim.Adam([q]).step()).toThrow(DTypeError);
    expect(() => new optim.Adam([q]).step()).toThrow(/parameter 0 has dtype float64 but its grad has dtype int32/);
  });
});

describe('int32 tensors refuse values they cannot hold', () => {
  it('NaN, ±Infinity and values beyond 2^31 raise instead of wrapping or becoming 0', () => {
    // Before: [-1294967296, 0, 0].
    expect(() => tensor([3e9, NaN, Infinity], { dtype: 'int32' })).toThrow(/tensor: argument 'values' element 0 is 3000000000, which int32 cannot hold/);
    expect(() => tensor([1, NaN], { dtype: 'int32' })).toThrow(/element 1 is NaN/);
    expect(() => tensor(-Infinity, { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor([1.5, 2 ** 31], { dtype: 'int32' })).toThrow(/element 1 is 2147483648/);
    expect(() => tensor([NaN]).astype('int32')).toThrow(/astype: argument 'values' element 0 is NaN/);
    expect(tensor([2147483647, -2147483648, 1.9, -1.9], { dtype: 'int32' }).toArray()).toEqual([2147483647, -2147483648, 1, -1]);
  });
});

describe('Rng seeds', () => {
  const first = (seed: number | bigint) => Array.from({ length: 4 }, ((r) => () => r.nextU32())(new Rng(seed)));
  it('different seeds give different streams; small seeds keep their streams', () => {
    // Before: Rng(0) equalled Rng(2**32), Rng(1) equalled Rng(1.5), Rng(-1) equalled Rng(2**32 - 1).
    expect(first(0)).not.toEqual(first(2 ** 32));
    expect(first(-1)).not.toEqual(first(2 ** 32 - 1));
    expect(first(2 ** 53 - 1)).not.toEqual(first(2 ** 21 - 1));
    expect(first(5n)).toEqual(first(5));
    expect(first(-1n)).toEqual(first(-1));
    expect(first(2n ** 64n + 3n)).toEqual(first(3));
    // The stream of seed 0 is the one every recorded example was made with.
    expect(first(0)).toEqual(first(0));
    expect(randn([3], { seed: 0 }).toArray()).toEqual(new Rng(0).randn([3]).toArray());
  });
  it('non-integer seeds are rejected', () => {
    expect(() => new Rng(1.5)).toThrow(/Rng: argument 'seed' expected a safe integer or a bigint, got 1.5/);
    expect(() => new Rng(2 ** 53)).toThrow(ValueError);
    expect(() => new Rng(NaN)).toThrow(ValueError);
  });
});

describe("defineOp checks the user's contract", () => {
  it('a forward that does not return a Tensor', () => {
    const bad = defineOp<void>({ name: 'badForward', forward: () => 3 as unknown as Tensor, nonDifferentiable: true });
    expect(() => bad([tensor([1])])).toThrow(/badForward: argument 'forward' returned number 3, expected a Tensor/);
  });
  it('a backward that returns undefined, too few gradients, a non-tensor, or a gradient of the wrong shape', () => {
    const mk = (backward: () => unknown) =>
      defineOp<void>({ name: 'myOp', forward: ([x, y]) => x!.mul(y!), backward: backward as never });
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 4], { requiresGrad: true });
    const run = (op: ReturnType<typeof mk>) => () => op([x, y]).sum().backward();
    expect(run(mk(() => undefined))).toThrow(/myOp: argument 'backward' returned undefined undefined, expected an array of 2/);
    expect(run(mk(() => [tensor([1, 1])]))).toThrow(/returned 1 gradients, expected an array of 2/);
    expect(run(mk(() => [5, null]))).toThrow(/returned an invalid gradient at index 0: expected a Tensor or null, got number 5/);
    expect(run(mk(() => [tensor([1, 1, 1, 1, 1]), null]))).toThrow(/myOp: argument 'backward' returned an invalid gradient at index 0: got shape \[5\] but expected shape compatible with \[2\]/);
    // A broadcast-shaped gradient is still summed back as before.
    const ok = defineOp<void>({ name: 'okOp', forward: ([x]) => x!.mul(1), backward: (g) => [g.reshape([1, 2]).broadcastTo([3, 2])] });
    expect(grad((x: Tensor) => ok([x]).sum())(tensor([1, 2])).toArray()).toEqual([3, 3]);
  });
});

describe('smaller items', () => {
  it('an impossible size is a ValueError, not a raw RangeError', () => {
    expect(() => zeros([1e6, 1e6])).toThrow(/allocate: argument 'size' a float32 tensor of 1000000000000 elements is larger than a typed array can hold/);
  });
  it('arange and eye name the argument that is wrong', () => {
    expect(() => arange(0, NaN)).toThrow(/arange: argument 'stop' expected a finite number, got NaN/);
    expect(() => arange(Infinity)).toThrow(/arange: argument 'stop'/);
    expect(() => eye(-1)).toThrow(/eye: argument 'n' expected a non-negative integer, got -1/);
    expect(() => eye(2, 1.5)).toThrow(/eye: argument 'm'/);
  });
  it('noGrad and enableGrad refuse an async function, whose grad mode would be lost at its first await', () => {
    expect(() => noGrad(async () => 1)).toThrow(/noGrad: argument 'fn' returned a promise/);
    expect(() => enableGrad(() => Promise.resolve(1))).toThrow(/enableGrad: argument 'fn' returned a promise/);
    expect(isGradEnabled()).toBe(true);
    expect(noGrad(() => 5)).toBe(5);
  });
});

describe('unknown option keys are errors that name the key and the nearest valid one', () => {
  it('across the tensor API', () => {
    expect(() => tensor([1], { dtpye: 'float64' } as never)).toThrow(/tensor: argument 'dtpye' is not an option of tensor; did you mean 'dtype'\? Options: dtype, requiresGrad\./);
    expect(() => zeros([2], { requireGrad: true } as never)).toThrow(/did you mean 'requiresGrad'/);
    expect(() => randn([2], { seeed: 1 } as never)).toThrow(/randn: argument 'seeed' .* did you mean 'seed'/);
    expect(() => new optim.Adam([zeros([1], { requiresGrad: true })], { learningRate: 0.1 } as never)).toThrow(/Adam: argument 'learningRate' is not an option of Adam\. Options: lr, schedule, maximize, betas/);
    expect(() => new optim.SGD([zeros([1], { requiresGrad: true })], { momentun: 0.9 } as never)).toThrow(/did you mean 'momentum'/);
    expect(() => new nn.Linear(2, 1, { sede: 0 } as never)).toThrow(/Linear: argument 'sede'.*did you mean 'seed'/);
    expect(() => nn.init.heUniform(zeros([2, 2]), { fan: 'fanIn' } as never)).toThrow(/heUniform: argument 'fan'/);
    const y = tensor([1], { requiresGrad: true }).mul(2);
    expect(() => y.backward(undefined, { retain_graph: true } as never)).toThrow(/backward: argument 'retain_graph'.*did you mean 'retainGraph'/);
    expect(() => new nn.Linear(2, 1).loadStateDict({}, { strcit: false } as never)).toThrow(/did you mean 'strict'/);
    expect(() => tensor([1], 'float64' as never)).toThrow(/tensor: argument 'options' expected an object of options, got string/);
  });
});
