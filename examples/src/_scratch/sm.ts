import { run, softmaxFlags } from '../softmax.js';
import { parseFlags, silentIo } from '../cli.js';
const extra = process.argv.slice(2);
for (const seed of [0, 1, 2]) {
  const { values } = parseFlags(softmaxFlags, ['--seed', String(seed), '--quiet', '--out', '/tmp/sm', ...extra]);
  const t = Date.now();
  const r = await run(values, silentIo);
  console.log(`seed ${seed} ${Date.now() - t}ms ` + r.runs.slice(0, 2).map((x) => `${x.label.slice(0, 5)} rec=[${x.perClass.map((c) => c.recall.toFixed(2)).join(' ')}] BA=${x.balancedAccuracy.toFixed(3)} F1=${x.macroF1.toFixed(3)} ECE=${x.ece.toFixed(3)}`).join(' | '));
}
