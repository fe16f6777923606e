/**
 * The backend switch and autograd on the WebAssembly tier: `setBackend` / `getBackend` and
 * `FOCALGRAD_BACKEND`; gradients of `matmul` (2-D, batched with broadcasting, 1-D operands) and of
 * `linear` pass gradcheck and gradgradcheck in float64 on the wasm backend and equal the
 * JavaScript backend's; and the relaxed-SIMD GEMM, checked in a Node that enables it.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  Rng,
  Tensor,
  ValueError,
  getBackend,
  grad,
  gradcheck,
  gradgradcheck,
  matmul,
  nn,
  optim,
  randn,
  setBackend,
} from '@focalgrad/tensor';
import { initialBackend } from '../../packages/tensor/src/kernels/backend-env.js';
import { jsKernels, kernels } from '../../packages/tensor/src/kernels/index.js';
import { wasmKernels } from '../../packages/tensor/src/kernels/wasm/index.js';

const root = resolve(import.meta.dirname, '../..');
const loaded = getBackend();
afterEach(() => setBackend(loaded));

describe('setBackend / getBackend', () => {
  it('starts on wasm (Node 20 has SIMD128) unless FOCALGRAD_BACKEND=js', () => {
    expect(loaded).toBe(process.env.FOCALGRAD_BACKEND === 'js' ? 'js' : 'wasm');
  });

  it('installs the backend’s kernels, JavaScript for the kernels it lacks', () => {
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    expect(kernels.matmul).toBe(wasmKernels.matmul);
    expect(kernels.linear).toBe(wasmKernels.linear);
    expect(kernels.exp).toBe(jsKernels.exp);
    setBackend('js');
    expect(getBackend()).toBe('js');
    expect(kernels.matmul).toBe(jsKernels.matmul);
  });

  it('rejects other names with a ValueError naming the argument', () => {
    expect(() => setBackend('webgpu' as Backend)).toThrow(ValueError);
    expect(() => setBackend('webgpu' as Backend)).toThrow(`setBackend: argument 'backend' expected 'js' or 'wasm', got "webgpu"`);
  });

  it('the documented example runs', () => {
    const a = randn([64, 32], { seed: 0 });
    const b = randn([32, 16], { seed: 1 });
    setBackend('js');
    const reference = matmul(a, b);
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    expect(matmul(a, b).sub(reference).abs().max().item() < 1e-4).toBe(true);
  });

  it('FOCALGRAD_BACKEND: js, wasm, unset or empty (the default), anything else is an error', () => {
    const saved = process.env.FOCALGRAD_BACKEND;
    try {
      const pick = (value: string | undefined, available: boolean): string => {
        if (value === undefined) delete process.env.FOCALGRAD_BACKEND;
        else process.env.FOCALGRAD_BACKEND = value;
        return initialBackend(available);
      };
      expect(pick('js', true)).toBe('js');
      expect(pick('wasm', true)).toBe('wasm');
      expect(pick(undefined, true)).toBe('wasm');
      expect(pick('', true)).toBe('wasm');
      expect(pick('wasm', false)).toBe('js'); // falls back silently, as the default does
      expect(pick(undefined, false)).toBe('js');
      expect(() => pick('WASM', true)).toThrow(`FOCALGRAD_BACKEND: expected 'js' or 'wasm', got "WASM"`);
    } finally {
      if (saved === undefined) delete process.env.FOCALGRAD_BACKEND;
      else process.env.FOCALGRAD_BACKEND = saved;
    }
  });
});

describe('autograd on the wasm backend', () => {
  const rng = new Rng(99);
  const f64 = (shape: number[]) => rng.randn(shape, { dtype: 'float64' });

  /** Gradients of `f` at `inputs` on one backend. */
  function gradsOn(backend: Backend, f: (...t: Tensor[]) => Tensor, inputs: Tensor[]): Tensor[] {
    setBackend(backend);
    const argnums = inputs.map((_, i) => i);
    return grad((...t: Tensor[]) => f(...t).square().sum(), argnums)(...inputs) as Tensor[];
  }

  const CASES: [string, (...t: Tensor[]) => Tensor, number[][]][] = [
    ['matmul 2-D', (a, b) => matmul(a!, b!), [[7, 9], [9, 5]]],
    ['matmul batched, B broadcast', (a, b) => matmul(a!, b!), [[2, 3, 4, 6], [3, 6, 5]]],
    ['matmul batched, A broadcast', (a, b) => matmul(a!, b!), [[4, 6], [3, 6, 5]]],
    ['matmul vector · matrix', (a, b) => matmul(a!, b!), [[6], [6, 5]]],
    ['matmul matrix · vector', (a, b) => matmul(a!, b!), [[4, 6], [6]]],
    ['linear with bias', (x, w, b) => nn.functional.linear(x!, w!, b!), [[2, 5, 6], [3, 6], [3]]],
    ['linear without bias', (x, w) => nn.functional.linear(x!, w!), [[9, 6], [4, 6]]],
  ];

  for (const [name, f, shapes] of CASES) {
    it(`${name}: gradcheck and gradgradcheck in float64, and the JavaScript backend's gradients`, () => {
      const inputs = shapes.map(f64);
      setBackend('wasm');
      expect(gradcheck(f, inputs).ok).toBe(true);
      expect(gradgradcheck(f, inputs).ok).toBe(true);
      const onWasm = gradsOn('wasm', f, inputs);
      const onJs = gradsOn('js', f, inputs);
      for (let i = 0; i < inputs.length; i++) {
        const scale = onJs[i]!.abs().max().item();
        for (let j = 0; j < onJs[i]!.size; j++) expect(Math.abs(onWasm[i]!.data[j]! - onJs[i]!.data[j]!)).toBeLessThanOrEqual(1e-12 * scale);
      }
    });
  }

  it('a float32 layer trains the same on both backends, to float32 rounding', () => {
    const run = (backend: Backend): number[] => {
      setBackend(backend);
      const model = new nn.Sequential(new nn.Linear(20, 32, { seed: 1 }), new nn.ReLU(), new nn.Linear(32, 1, { seed: 2 }));
      const x = randn([64, 20], { seed: 3 });
      const y = randn([64, 1], { seed: 4 });
      const opt = new optim.SGD(model.parameters(), { lr: 0.05 });
      const losses: number[] = [];
      for (let step = 0; step < 5; step++) {
        opt.zeroGrad();
        const loss = model.forward(x).sub(y).square().mean();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return losses;
    };
    const js = run('js');
    const wasm = run('wasm');
    for (let i = 0; i < js.length; i++) expect(Math.abs(wasm[i]! - js[i]!)).toBeLessThan(1e-5 * js[i]!);
  });
});

describe('relaxed SIMD', () => {
  it('the GEMM with relaxed multiply-add (Node with --experimental-wasm-relaxed-simd) stays within the accuracy bound', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--conditions=@focalgrad/source', 'test/fixtures/wasm/relaxed-gemm.ts'],
      { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const { relaxed, worst } = JSON.parse(stdout) as { relaxed: boolean; worst: number };
    expect(relaxed).toBe(true);
    expect(worst).toBeLessThanOrEqual(1);
  });
});
