/**
 * GEMM throughput of the two backends through the public `matmul` (so the copies in and out of
 * wasm memory and the output allocation are included): float32 at n = 128…1024 and float64 at
 * n = 512, in GFLOP/s (2n³ / time). Each case warms up for 300 ms first (V8 tiers new wasm code
 * up after about 50 ms; a shorter warm-up makes the small sizes mislead), then runs 5 rounds of
 * at least 200 ms per backend, interleaved so that machine noise hits both, and reports medians.
 *
 * Run: `npx tsx --conditions=@focalgrad/source bench/gemm.ts` (`--sizes 256,512` to choose sizes).
 * Relaxed SIMD on Node 20: `node --experimental-wasm-relaxed-simd --import tsx
 * --conditions=@focalgrad/source bench/gemm.ts`.
 */
import { cpus, loadavg } from 'node:os';
import { type Backend, type Tensor, matmul, randn, setBackend } from '@focalgrad/tensor';
import { hasRelaxedSimd } from '../packages/tensor/src/kernels/wasm/features.js';

const WARMUP_MS = 300;
const ROUND_MS = 200;
const ROUNDS = 5;
const BACKENDS: Backend[] = ['js', 'wasm'];

/** Milliseconds per call of `f`, over back-to-back calls filling at least `ms`. */
function timePerCall(f: () => void, ms: number): number {
  const t0 = performance.now();
  let calls = 0;
  let t = t0;
  do {
    f();
    calls++;
    t = performance.now();
  } while (t - t0 < ms);
  return (t - t0) / calls;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function measure(dtype: 'float32' | 'float64', n: number): Record<Backend, number> {
  const a = randn([n, n], { seed: 1, dtype });
  const b = randn([n, n], { seed: 2, dtype });
  let sink: Tensor | null = null;
  const run = (): void => {
    sink = matmul(a, b);
  };
  for (const backend of BACKENDS) {
    setBackend(backend);
    timePerCall(run, WARMUP_MS);
  }
  const times: Record<Backend, number[]> = { js: [], wasm: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const backend of BACKENDS) {
      setBackend(backend);
      times[backend].push(timePerCall(run, ROUND_MS));
    }
  }
  if (sink === null) throw new Error('no result');
  const gflops = (ms: number): number => (2 * n ** 3) / (ms * 1e6);
  return { js: gflops(median(times.js)), wasm: gflops(median(times.wasm)) };
}

function sizesFromArgs(): number[] {
  const i = process.argv.indexOf('--sizes');
  return i < 0 ? [128, 256, 512, 1024] : process.argv[i + 1]!.split(',').map(Number);
}

const cases: ['float32' | 'float64', number][] = [...sizesFromArgs().map((n) => ['float32', n] as ['float32', number]), ['float64', 512]];
const load0 = loadavg()[0]!;
const rows: string[] = [];
for (const [dtype, n] of cases) {
  const r = measure(dtype, n);
  rows.push(`| ${dtype} | ${n} | ${r.js.toFixed(1)} | ${r.wasm.toFixed(1)} | ${(r.wasm / r.js).toFixed(1)}× |`);
}
console.log(
  `matmul GFLOP/s, medians of ${ROUNDS} interleaved rounds after ${WARMUP_MS} ms warm-up · ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
    `Node ${process.version}, relaxed SIMD ${hasRelaxedSimd() ? 'on' : 'off'} · load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end`,
);
console.log('| dtype | n | js | wasm | wasm / js |\n| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
