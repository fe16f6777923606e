import * as fg from '@focalgrad/tensor';
import { sparseCategoricalFocalLoss, SparseCategoricalFocalLoss } from '@focalgrad/losses';
function time(f: () => unknown, reps = 21): number {
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b); return ts[Math.floor(ts.length / 2)]!;
}
for (const [rows, k] of [[65536, 10], [8192, 1000]]) {
const rng = new fg.Rng(1);
const zd = new Float32Array(rows * k).map(() => rng.normal() * 2);
const lab = new Int32Array(rows).map(() => rng.int(0, k));
const z = fg.tensor(zd, {}, [rows, k]);
const y = fg.tensor(lab, {}, [rows]);
console.log(rows, k);
console.log(' exp loop', time(() => { let s = 0; for (let i = 0; i < zd.length; i++) s += Math.exp(zd[i]! - 3); return s; }));
console.log(' forward', time(() => sparseCategoricalFocalLoss(y, z, { gamma: 2, fromLogits: true })));
const loss = new SparseCategoricalFocalLoss({ gamma: 2, classWeight: new Array(k).fill(0.25), fromLogits: true });
console.log(' class forward', time(() => loss.call(y, z)));
console.log(' valueAndGrad', time(() => fg.valueAndGrad((x: fg.Tensor) => loss.call(y, x))(z)));
}
