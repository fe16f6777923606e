/**
 * `npm start`: runs the three examples with their defaults, one after the other, and prints where
 * the plots are. Flags: `--out DIR`, `--quiet` (no progress lines), `--help`.
 */
import { type Io, DEFAULT_OUT, displayPath, helpText, isEntryPoint, parseFlags, processIo, runAsScript } from './cli.js';
import * as gradients from './gradients.js';
import * as logistic from './logistic.js';
import * as softmax from './softmax.js';

/** The flags of the demo. */
export const demoFlags = {
  out: { type: 'string', default: DEFAULT_OUT, description: 'directory for the SVG plots (created if missing)' },
  quiet: { type: 'boolean', description: 'no progress display' },
} as const;

const SUMMARY = `
What focal loss changes for minority classes, in numbers and plots: runs, with their defaults,
  1. logistic  — crossentropy vs binary focal loss at a 1% positive rate (γ = 2 without α, then
                 with Lin et al.'s α = 0.25),
  2. softmax   — crossentropy vs categorical and sparse focal loss on 100:1 long-tailed classes,
  3. gradients — Figure 1 of Lin et al. and the focal gradient relative to crossentropy's.
Each example has more flags: npm run <name> -- --help`;

/** What {@link main} returns: the three results and the wall time. */
export interface DemoResult {
  /** The logistic example's result. */
  logistic: logistic.LogisticResult;
  /** The logistic example's result with `--alpha 0.25`. */
  logisticAlpha: logistic.LogisticResult;
  /** The softmax example's result. */
  softmax: softmax.SoftmaxResult;
  /** The gradients example's result. */
  gradients: gradients.GradientsResult;
  /** Every SVG file written. */
  files: string[];
  /** Total wall time in milliseconds. */
  ms: number;
}

/**
 * Runs the demo.
 * @param argv - `--out DIR`, `--quiet`, `--help`.
 * @param io - where to print.
 * @returns the results, or `null` after `--help`.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<DemoResult | null> {
  const { values, help } = parseFlags(demoFlags, argv);
  if (help) {
    io.log(helpText('npm start --', SUMMARY, demoFlags));
    return null;
  }
  const shared = [`--out=${values.out}`, ...(values.quiet ? ['--quiet'] : [])];
  const t0 = performance.now();
  const banner = (s: string): void => io.log(`\n=== ${s} ${'='.repeat(Math.max(3, 76 - s.length))}\n`);

  banner('1/3 logistic: binary crossentropy vs binary focal loss (γ = 2, no α)');
  const lr = (await logistic.main(shared, io))!;
  banner('1/3 (again) logistic with α = 0.25, the value Lin et al. pair with γ = 2');
  io.log('α weighs the positives (0.25) against the negatives (0.75): a lower minority recall at 0.5 is expected.');
  io.log('Try --alpha 0.75 for the opposite.\n');
  const lra = (await logistic.main([...shared, '--alpha', '0.25', '--name', 'logistic-alpha0.25'], io))!;
  banner('2/3 softmax: crossentropy vs categorical and sparse focal loss');
  const sr = (await softmax.main(shared, io))!;
  banner('3/3 gradients: Figure 1 of Lin et al. and the focal gradient');
  const gr = (await gradients.main(shared, io))!;

  const ms = performance.now() - t0;
  const files = [...lr.files, ...lra.files, ...sr.files, ...gr.files];
  banner('done');
  io.log(`All ${files.length} plots are in ${displayPath(values.out)}/:`);
  for (const f of files) io.log(`  ${displayPath(f)}`);
  io.log(`\nTotal time ${(ms / 1000).toFixed(1)} s. Rerun any example with other flags, e.g.`);
  io.log('  npm run logistic -- --imbalance 999 --alpha 0.75');
  io.log('  npm run softmax -- --mlp --class-weight inverse');
  return { logistic: lr, logisticAlpha: lra, softmax: sr, gradients: gr, files, ms };
}

if (isEntryPoint(import.meta.url)) runAsScript(main);
