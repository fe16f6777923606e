import { gemmStrided } from '../packages/tensor/src/kernels/matmul.js';
const N = 100000, d = 32;
const X = new Float32Array(N * d).map(() => Math.random()); const w = new Float32Array(d).map(() => Math.random());
const y = new Float32Array(N); const g = new Float32Array(N).map(() => Math.random()); const gw = new Float32Array(d);
let f = 1e9, b = 1e9;
for (let r = 0; r < 40; r++) {
  let t0 = performance.now();
  gemmStrided(N, 1, d, X, 0, d, 1, w, 0, 1, d, y, 0, 1, false);
  let t1 = performance.now();
  gemmStrided(1, d, N, g, 0, 1, 1, X, 0, d, 1, gw, 0, d, false);
  let t2 = performance.now();
  f = Math.min(f, t1 - t0); b = Math.min(b, t2 - t1);
}
console.log('min fwd', f.toFixed(2), 'ms; bwd', b.toFixed(2), 'ms  (3.2M MACs each)');
