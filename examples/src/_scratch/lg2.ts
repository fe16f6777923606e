import { run, logisticFlags } from '../logistic.js';
import { parseFlags, silentIo } from '../cli.js';
const extra = process.argv.slice(2);
for (let seed = 0; seed < 6; seed++) {
  const { values } = parseFlags(logisticFlags, ['--seed', String(seed), '--quiet', '--out', '/tmp/lgs', ...extra]);
  const r = await run(values, silentIo);
  console.log(`seed ${seed} CE ${r.recall.ce.map((v) => v.toFixed(2)).join(' ')}\n       FL ${r.recall.focal.map((v) => v.toFixed(2)).join(' ')}`);
}
