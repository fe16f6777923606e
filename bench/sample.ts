/**
 * What the timing loop does with one implementation, shared by the main process and the baseline
 * process (`baseline.ts`) so that both are measured the same way.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Runner } from './workloads.js';

/** V8's `gc()`: a full collection, or with `{ type: 'minor' }` a scavenge of the young generation. */
export const gc: (options?: { type: 'minor' | 'major' }) => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
})();

/** One timed sample: time per run and the loss of the last run (where the workload has one). */
export interface Sample {
  ms: number;
  loss: number | null;
}

/**
 * One sample: a scavenge, then `reps` consecutive runs, so each implementation starts clean but
 * pays for the garbage collection its own runs cause (a training loop does not GC between steps).
 */
export function runSample(runner: Runner, reps: number): Sample {
  // A scavenge clears the previous implementation's young garbage. (A forced full GC would also
  // do, but it leaves a cold heap — released pages, reset GC heuristics — that slows the next
  // dozens of runs by up to 2×, which no real loop sees.) Fast workloads also get one untimed
  // run to settle the heap before the timed ones.
  gc({ type: 'minor' });
  if (reps > 1) runner.run();
  const t0 = performance.now();
  let v: number | void = undefined;
  for (let i = 0; i < reps; i++) v = runner.run();
  return { ms: (performance.now() - t0) / reps, loss: typeof v === 'number' ? v : null };
}

/**
 * One implementation of one workload as the timing loop drives it, wherever it runs. `build`
 * returns the first cross-check; it throws `NotAvailable` when the implementation lacks the API.
 */
export interface Contender {
  build(): Promise<number[]>;
  sample(reps: number): Promise<Sample>;
  check(): Promise<number[]>;
  dispose(): Promise<void>;
}
