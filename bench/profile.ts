/**
 * Runs one workload for one implementation in a loop, for profiling:
 *
 *     node --conditions=@focalgrad/source --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts W1 [focalgrad] [runs] [--quick]
 *
 * then open the `.cpuprofile` in Chrome DevTools, or summarise it with `bench/prof-summary.ts`.
 * Also prints the median time per run.
 */
import { NotAvailable, loadLosses } from './losses.js';
import { loadTf, useBackend } from './tf.js';
import { allCases, type Env, type ImplName } from './workloads.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const quick = process.argv.includes('--quick');
const [id, implArg, runsArg] = args;
const impl = (implArg ?? 'focalgrad') as ImplName;
const runs = Number(runsArg ?? 10);
const c = allCases(quick).find((x) => x.id === id);
if (!c) throw new Error(`unknown workload ${id}; one of ${allCases(quick).map((x) => x.id).join(', ')}`);
await loadLosses();
const env: Env = { quick, tf: impl === 'focalgrad' ? null : await loadTf() };
if (env.tf) await useBackend(env.tf, impl === 'tfjs-cpu' ? 'cpu' : 'wasm');
try {
  const r = c.build(impl, env);
  r.run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    r.run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(`${c.id} ${impl}: median ${times[times.length >> 1]!.toFixed(2)} ms, min ${times[0]!.toFixed(2)} ms over ${runs} runs\n`);
} catch (e) {
  if (e instanceof NotAvailable) process.stdout.write(`${c.id} ${impl}: not available yet (${e.message})\n`);
  else throw e;
}
