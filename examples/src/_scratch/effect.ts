import { astype, nn, type Tensor } from '@focalgrad/tensor';
import { makeBinary, trainTestSplit, classCounts, type Batch } from '../data.js';
import { train, predictLogits } from '../train.js';
import { binaryReport } from '../metrics.js';
import { silentIo } from '../cli.js';
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')).map(([k, v]) => [k, Number(v)]));
const n = args.n ?? 20000, rate = args.rate ?? 0.01, sep = args.sep ?? 2.5, epochs = args.epochs ?? 20, lr = args.lr ?? 0.05, bs = args.bs ?? 500, gamma = args.gamma ?? 2, alpha = args.alpha ?? -1, dim = args.dim ?? 2;
const lossFn = (g: number | null) => (z: Tensor, b: Batch) => {
  const y = astype(b.y, 'float64').reshape([b.idx.length, 1]);
  const s = y.mul(2).sub(1);
  const xt = z.mul(s);
  let l = xt.neg().softplus();
  if (g !== null) l = l.mul(xt.softplus().mul(-g).exp());
  if (g !== null && alpha >= 0) l = l.mul(y.mul(alpha).add(y.neg().add(1).mul(1 - alpha)));
  return l.mean();
};
const rows: string[] = [];
for (const seed of (args.seeds ? [...Array(args.seeds).keys()] : [0, 1, 2, 3, 4])) {
  const data = makeBinary({ n, dim, positiveRate: rate, separation: sep, seed });
  const { train: tr, test } = trainTestSplit(data, 0.25, seed + 1);
  const pi = classCounts(tr.y, 2)[1]! / tr.n;
  const out: string[] = [];
  for (const g of [null, gamma]) {
    const m = new nn.Linear(dim, 1, { dtype: 'float64', seed, weightInit: (w, r) => nn.init.normal(w, 0, 0.01, r), biasInit: (b) => nn.init.priorBias(b, pi) });
    const res = train(m, tr, lossFn(g), { epochs, batchSize: bs, lr, shuffleSeed: seed + 2, label: '', io: silentIo, quiet: true });
    const p = Float64Array.from(predictLogits(m, test).sigmoid().data);
    const r = binaryReport(test.y, p);
    out.push(`${g === null ? 'CE' : 'FL'} P=${r.precision.toFixed(3)} R=${r.recall.toFixed(3)} BA=${r.balancedAccuracy.toFixed(3)} F1=${r.macroF1.toFixed(3)} AP=${r.averagePrecision.toFixed(3)} AUC=${r.rocAuc.toFixed(4)} ECE=${r.ece.toFixed(4)} L=${res.epochLoss.at(-1)!.toExponential(3)}`);
  }
  rows.push(`seed ${seed}: ${out.join(' | ')}`);
}
console.log(rows.join('\n'));
