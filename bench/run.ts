/**
 * `npm run bench`: focalgrad against TensorFlow.js (cpu and wasm backends) on every workload of
 * issue 5 and the first benchmark of issue 2, interleaved, with medians, ratios and peak RSS.
 * `npm run bench -- --help` lists the options (`--quick` for a smoke run).
 */
import { main } from './harness.js';

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
