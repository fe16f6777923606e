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
const which = process.argv[2] ?? 'all';
for (const [rows, k] of [[65536, 10], [8192, 1000]] as const) {
  const rng = new fg.Rng(1);
  const zd = new Float32Array(rows * k).map(() => rng.normal() * 2);
  const lab = new Int32Array(rows).map(() => rng.int(0, k));
  const z = fg.tensor(zd, {}, [rows, k]);
  const y = fg.tensor(lab, {}, [rows]);
  const loss = new SparseCategoricalFocalLoss({ gamma: 2, classWeight: new Array(k).fill(0.25), fromLogits: true });
  const vg = fg.valueAndGrad((x: fg.Tensor) => loss.call(y, x));
  const cf = new CategoricalFocalCrossentropy({ gamma: 2, alpha: 0.25, fromLogits: true });
  const yOh = fg.oneHot(y, k);
  const vg2 = fg.valueAndGrad((x: fg.Tensor) => cf.call(yOh, x));
  const impls: Record<string, () => Promise<void> | void> = {
    'focalgrad sparse': () => { vg(z)[0].item(); },
    'focalgrad dense(one-hot)': () => { vg2(z)[0].item(); },
  };
  const tfx: Record<string, any> = {};
  for (const b of ['cpu', 'wasm'] as const) {
    if (which !== 'all' && b === 'cpu') continue;
    await tf.setBackend(b);
    const x = tf.tensor2d(zd, [rows, k]);
    const oh = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(lab, 'int32'), k), 'float32'));
    const f = (zz: any) => { const logPt = tf.sum(tf.mul(tf.logSoftmax(zz), oh), -1); const pt = tf.exp(logPt); return tf.mean(tf.mul(tf.mul(tf.square(tf.sub(1, pt)), logPt), -0.25)); };
    const tvg = tf.valueAndGrad(f as any);
    tfx[b] = { x, oh, tvg };
  }
  const ts: Record<string, number[]> = {};
  const rounds = 6;
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(impls)) { for (let i = 0; i < 3; i++) { const t0 = performance.now(); run(); (ts[name] ??= []).push(performance.now() - t0); } }
    for (const b of Object.keys(tfx)) {
      if (b === 'cpu' && r > 1) continue;
      await tf.setBackend(b);
      const { x, tvg } = tfx[b];
      for (let i = 0; i < (b === 'cpu' ? 1 : 3); i++) { const t0 = performance.now(); tf.tidy(() => { const o = tvg(x); o.grad.dataSync(); return o.value.dataSync()[0]; }); (ts['tfjs-' + b] ??= []).push(performance.now() - t0); }
    }
  }
  const st = (a: number[]) => { const s = a.slice(1).sort((p, q) => p - q); return { min: s[0]!, med: s[Math.floor(s.length / 2)]! }; };
  const res = Object.fromEntries(Object.entries(ts).map(([n, a]) => [n, st(a)]));
  log(`${rows}x${k}: ` + Object.entries(res).map(([n, v]) => `${n} min ${v.min.toFixed(1)} med ${v.med.toFixed(1)}`).join(' | '));
  const f = res['focalgrad sparse']!, w = res['tfjs-wasm']!, c = res['tfjs-cpu'];
  log(`   sparse vs wasm: min ${(w.min / f.min).toFixed(2)}x med ${(w.med / f.med).toFixed(2)}x` + (c ? ` | vs cpu: min ${(c.min / f.min).toFixed(1)}x med ${(c.med / f.med).toFixed(1)}x` : ''));
}
