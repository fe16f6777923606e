import { createRequire } from 'node:module';
import path from 'node:path';
import * as fg from '@focalgrad/tensor';
import { SparseCategoricalFocalLoss, CategoricalFocalCrossentropy } from '@focalgrad/losses';

const log = console.log; const warn = console.warn;
console.log = () => {}; console.warn = () => {};
const tf = await import('@tensorflow/tfjs');
const wasm = await import('@tensorflow/tfjs-backend-wasm');
const require = createRequire(import.meta.url);
wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
wasm.setThreadsCount(1);
await tf.setBackend('cpu'); await tf.setBackend('wasm');
console.log = log; console.warn = warn;

function time(f: () => unknown, reps: number): number {
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

for (const [rows, k] of [[65536, 10], [8192, 1000]] as const) {
  const rng = new fg.Rng(1);
  const zd = new Float32Array(rows * k).map(() => rng.normal() * 2);
  const lab = new Int32Array(rows).map(() => rng.int(0, k));
  const z = fg.tensor(zd, {}, [rows, k]);
  const y = fg.tensor(lab, {}, [rows]);
  const loss = new SparseCategoricalFocalLoss({ gamma: 2, classWeight: new Array(k).fill(0.25), fromLogits: true });
  const vg = fg.valueAndGrad((x: fg.Tensor) => loss.call(y, x));
  const tFg = time(() => vg(z)[0].item(), 15);
  const cf = new CategoricalFocalCrossentropy({ gamma: 2, alpha: 0.25, fromLogits: true });
  const yOh = fg.oneHot(y, k);
  const vg2 = fg.valueAndGrad((x: fg.Tensor) => cf.call(yOh, x));
  const tFgDense = time(() => vg2(z)[0].item(), 15);
  const res: Record<string, number> = { focalgrad: tFg, 'focalgrad CFCE one-hot': tFgDense };
  for (const b of ['cpu', 'wasm'] as const) {
    await tf.setBackend(b);
    const x = tf.tensor2d(zd, [rows, k]);
    const oh = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(lab, 'int32'), k), 'float32'));
    const f = (zz: any) => { const logPt = tf.sum(tf.mul(tf.logSoftmax(zz), oh), -1); const pt = tf.exp(logPt); return tf.mean(tf.mul(tf.mul(tf.square(tf.sub(1, pt)), logPt), -0.25)); };
    const tvg = tf.valueAndGrad(f as any);
    const fv = () => tf.tidy(() => { const r = tvg(x); r.grad.dataSync(); return r.value.dataSync()[0]; });
    res[`tfjs-${b}`] = time(fv, b === 'cpu' ? 7 : 15);
    // cross-check
    const [v, g] = vg(z);
    const chk = tf.tidy(() => { const r = tvg(x); return [r.value.dataSync()[0]!, r.grad.dataSync()[5]!]; });
    log(`  check ${b}: value ${v.item()} vs ${chk[0]}, g[5] ${g.data[5]} vs ${chk[1]}`);
    tf.dispose([x, oh]);
  }
  log(`${rows}x${k}:`, Object.entries(res).map(([a, t]) => `${a} ${t.toFixed(2)} ms`).join(', '), ` speedup cpu ${(res['tfjs-cpu']! / tFg).toFixed(1)}x wasm ${(res['tfjs-wasm']! / tFg).toFixed(1)}x`);
}
