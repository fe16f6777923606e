import { run, logisticFlags } from '../logistic.js';
import { parseFlags, silentIo } from '../cli.js';
const extra = process.argv.slice(2);
for (let seed = 0; seed < 10; seed++) {
  const { values } = parseFlags(logisticFlags, ['--seed', String(seed), '--quiet', '--out', '/tmp/lgs', ...extra]);
  const t = Date.now();
  const r = await run(values, silentIo);
  const d = (k: 'recall' | 'precision' | 'averagePrecision' | 'rocAuc' | 'ece' | 'balancedAccuracy') => (r.focal[k] - r.ce[k]).toFixed(3);
  console.log(`seed ${seed} ${Date.now() - t}ms recall ${r.ce.recall.toFixed(2)}→${r.focal.recall.toFixed(2)} dBA ${d('balancedAccuracy')} dAP ${d('averagePrecision')} dAUC ${d('rocAuc')} ECE ${r.ce.ece.toFixed(3)}→${r.focal.ece.toFixed(3)}`);
}
