import { run, softmaxFlags } from '../softmax.js';
import { parseFlags, silentIo } from '../cli.js';
const extra = process.argv.slice(2);
for (const seed of [0, 1, 2, 3, 4, 5]) {
  const { values } = parseFlags(softmaxFlags, ['--seed', String(seed), '--quiet', '--out', '/tmp/sm', ...extra]);
  const t = Date.now();
  const r = await run(values, silentIo);
  console.log(`seed ${seed} ${Date.now() - t}ms ` + r.runs.map((x) => `tail=${x.perClass.at(-1)!.recall.toFixed(2)} head=${x.perClass[0]!.recall.toFixed(3)} BA=${x.balancedAccuracy.toFixed(3)} F1=${x.macroF1.toFixed(3)} ECE=${x.ece.toFixed(3)}`).join(' | '));
}
