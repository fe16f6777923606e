import * as fg from '@focalgrad/tensor';
import { sparseCategoricalFocalLoss } from '@focalgrad/losses';
const rows = 65536, k = 10;
const rng = new fg.Rng(1);
const zd = new Float32Array(rows * k).map(() => rng.normal() * 2);
const lab = new Int32Array(rows).map(() => rng.int(0, k));
const z = fg.tensor(zd, {}, [rows, k]);
const y = fg.tensor(lab, {}, [rows]);
const zg = fg.tensor(zd, {}, [rows, k]).requireGrad();
for (let i = 0; i < 200; i++) { const l = sparseCategoricalFocalLoss(y, zg, { gamma: 2, fromLogits: true }).sum(); l.backward(); zg.grad = null; }
