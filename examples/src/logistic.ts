/**
 * Logistic regression on imbalanced binary data, trained twice from the same seed and the same
 * initial weights: once with binary crossentropy, once with binary focal loss. Prints the metrics
 * people judge the minority class by and writes loss curves, minority recall per epoch and
 * precision–recall curves as SVG.
 *
 *   npm run logistic -- --help
 */
import { join } from 'node:path';
import { astype, nn, type Tensor } from '@focalgrad/tensor';
import { binaryCrossentropy, binaryFocalCrossentropy } from '@focalgrad/losses';
import { type Batch, binaryCounts, classCounts, makeBinary, trainTestSplit } from './data.js';
import { type BinaryReport, binaryReport, precisionRecallCurve } from './metrics.js';
import { writeLineChart } from './plot.js';
import { type Io, commonFlags, displayPath, fmt, formatTable, helpText, isEntryPoint, parseFlags, processIo, runAsScript, type FlagValues } from './cli.js';
import { predictLogits, train } from './train.js';

/** The flags of this example. */
export const logisticFlags = {
  ...commonFlags,
  epochs: { ...commonFlags.epochs, default: 20 },
  lr: { ...commonFlags.lr, default: 0.05 },
  imbalance: { ...commonFlags.imbalance, default: 99, description: 'negatives per positive (99 → 1% positives, 999 → 0.1%)' },
  alpha: {
    ...commonFlags.alpha,
    description: 'class-balancing α of the focal run: positives weigh α, negatives 1−α (Keras applyClassBalancing); "none" turns it off',
  },
  n: { type: 'int', default: 20000, min: 8, description: 'number of points (train + test)' },
  dim: { type: 'int', default: 2, min: 1, description: 'number of features' },
  separation: { type: 'number', default: 2.5, min: 0, description: 'distance between the class means in standard deviations (smaller = more overlap)' },
  batchSize: { type: 'int', default: 500, min: 1, description: 'rows per minibatch' },
  testFraction: { type: 'number', default: 0.25, min: 0.01, max: 0.99, description: 'fraction of each class held out for testing (stratified)' },
  threshold: { type: 'number', default: 0.5, min: 0, max: 1, description: 'decision threshold for precision, recall, balanced accuracy and F1' },
  init: { type: 'string', default: 'prior', choices: ['prior', 'zero'], description: 'bias init for BOTH runs: prior = log(π/(1−π)) (Lin et al. §4.1), zero = 0' },
  name: { type: 'string', default: 'logistic', description: 'file name prefix of the plots (<name>-loss.svg, <name>-recall.svg, <name>-pr.svg)' },
} as const;

/** Options of {@link run} (the parsed flags). */
export type LogisticOptions = FlagValues<typeof logisticFlags>;

/** What {@link run} returns. */
export interface LogisticResult {
  /** Test-set metrics of the crossentropy run. */
  ce: BinaryReport;
  /** Test-set metrics of the focal run. */
  focal: BinaryReport;
  /** Mean training loss per epoch, each run on its own loss. */
  loss: { ce: number[]; focal: number[] };
  /** Minority recall at the threshold on the test set after each epoch. */
  recall: { ce: number[]; focal: number[] };
  /** The initial bias both runs used. */
  initBias: number;
  /** The SVG files written. */
  files: string[];
}

const SUMMARY = `
Logistic regression on two Gaussian blobs with a rare positive class (default 1% positives),
trained twice from the same seed, the same initial weights and the same minibatch order: once with
binary crossentropy and once with binary focal loss (γ, α from the flags). Prints a comparison
table on a stratified test set (minority-class precision and recall at the threshold, balanced
accuracy, macro-F1, average precision, ROC AUC, calibration error, mean scores) and writes
logistic-loss.svg, logistic-recall.svg (minority recall per epoch) and logistic-pr.svg to --out.

α follows Keras' BinaryFocalCrossentropy(applyClassBalancing: true): positives weigh α and negatives
1 − α, so α > 0.5 favours the rare positives and the paper's α = 0.25 favours the negatives.`;

function labelsColumn(b: Batch): Tensor {
  return astype(b.y, 'float64').reshape([b.idx.length, 1]);
}

function focalLabel(o: LogisticOptions): string {
  return `focal (γ=${o.gamma}, α=${o.alpha === null ? 'none' : o.alpha})`;
}

/**
 * Runs the comparison.
 * @param o - the options (see {@link logisticFlags}).
 * @param io - where to print.
 */
export async function run(o: LogisticOptions, io: Io = processIo): Promise<LogisticResult> {
  const positiveRate = 1 / (1 + o.imbalance);
  const data = makeBinary({ n: o.n, dim: o.dim, positiveRate, separation: o.separation, seed: o.seed });
  const { train: tr, test } = trainTestSplit(data, o.testFraction, o.seed + 1);
  const trCounts = classCounts(tr.y, 2);
  const teCounts = classCounts(test.y, 2);
  const pi = trCounts[1]! / tr.n;
  const initBias = o.init === 'prior' ? Math.log(pi) - Math.log1p(-pi) : 0;

  const [neg, pos] = binaryCounts(o.n, positiveRate);
  io.log(`Data: ${o.n} points in ${o.dim}-D, ${pos} positives (${((100 * pos) / o.n).toPrecision(3)}%) and ${neg} negatives, means ${o.separation} σ apart (seed ${o.seed}).`);
  io.log(`Split (stratified): train ${tr.n} (${trCounts[1]} positive), test ${test.n} (${teCounts[1]} positive).`);
  io.log(
    o.init === 'prior'
      ? `Init, identical for both runs: w ~ N(0, 0.01²) from seed ${o.seed}, b = log(π/(1−π)) = ${initBias.toFixed(3)} with π = ${pi.toFixed(4)} the training positive rate\n` +
          `  (the prior-probability init of Lin et al. §4.1, given to BOTH runs so that the loss is the only difference).`
      : `Init, identical for both runs: w ~ N(0, 0.01²) from seed ${o.seed}, b = 0.`,
  );
  io.log(`Training: Adam, lr ${o.lr}, ${o.epochs} epochs, batches of ${o.batchSize}, same batch order for both runs.`);

  const makeModel = (): nn.Linear =>
    new nn.Linear(o.dim, 1, {
      dtype: 'float64',
      seed: o.seed,
      weightInit: (w, rng) => nn.init.normal(w, 0, 0.01, rng),
      biasInit: (b) => (o.init === 'prior' ? nn.init.priorBias(b, pi) : nn.init.zeros(b)),
    });

  const runs = [
    {
      key: 'ce' as const,
      label: 'crossentropy',
      loss: (logits: Tensor, b: Batch) => binaryCrossentropy(labelsColumn(b), logits, { fromLogits: true }).mean(),
    },
    {
      key: 'focal' as const,
      label: focalLabel(o),
      loss: (logits: Tensor, b: Batch) =>
        binaryFocalCrossentropy(labelsColumn(b), logits, {
          fromLogits: true,
          gamma: o.gamma,
          ...(o.alpha === null ? {} : { applyClassBalancing: true, alpha: o.alpha }),
        }).mean(),
    },
  ];

  const reports = {} as Record<'ce' | 'focal', BinaryReport>;
  const losses = {} as Record<'ce' | 'focal', number[]>;
  const probs = {} as Record<'ce' | 'focal', Float64Array>;
  const recall = {} as Record<'ce' | 'focal', number[]>;
  for (const r of runs) {
    const model = makeModel();
    const curve: number[] = [];
    const onEpoch = (): string => {
      const p = predictLogits(model, test).sigmoid().data;
      let tp = 0;
      for (let i = 0; i < test.n; i++) if (test.y[i] === 1 && p[i]! > o.threshold) tp++;
      curve.push(tp / teCounts[1]!);
      return `test recall ${curve[curve.length - 1]!.toFixed(2)}`;
    };
    const res = train(model, tr, r.loss, { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, shuffleSeed: o.seed + 2, label: r.label, io, quiet: o.quiet, onEpoch });
    recall[r.key] = curve;
    const p = Float64Array.from(predictLogits(model, test).sigmoid().data);
    probs[r.key] = p;
    reports[r.key] = binaryReport(test.y, p, o.threshold);
    losses[r.key] = res.epochLoss;
  }

  const t = o.threshold;
  const meanScore = (p: Float64Array, cls: number): number => {
    let sum = 0;
    let k = 0;
    test.y.forEach((y, i) => y === cls && ((sum += p[i]!), k++));
    return sum / k;
  };
  const rows: Array<[string, (b: BinaryReport, k: 'ce' | 'focal') => number]> = [
    [`minority precision @ ${t}`, (b) => b.precision],
    [`minority recall @ ${t}`, (b) => b.recall],
    [`balanced accuracy @ ${t}`, (b) => b.balancedAccuracy],
    [`macro-F1 @ ${t}`, (b) => b.macroF1],
    ['average precision (PR AUC)', (b) => b.averagePrecision],
    ['ROC AUC', (b) => b.rocAuc],
    ['ECE (15 bins, top-label)', (b) => b.ece],
    ['mean score of the negatives', (_, k) => meanScore(probs[k], 0)],
    ['mean score of the positives', (_, k) => meanScore(probs[k], 1)],
  ];
  const predicted = (b: BinaryReport): number => b.confusion[0]![1]! + b.confusion[1]![1]!;
  io.log('');
  io.log(`Test set (${test.n} rows, ${teCounts[1]} positive):`);
  for (const line of formatTable(
    ['metric', 'crossentropy', focalLabel(o), 'focal − CE'],
    [
      ...rows.map(([name, f]) => {
        const a = f(reports.ce, 'ce');
        const b = f(reports.focal, 'focal');
        return [name, fmt(a), fmt(b), fmt(b - a)];
      }),
      [`predicted positive @ ${t}`, String(predicted(reports.ce)), String(predicted(reports.focal)), String(predicted(reports.focal) - predicted(reports.ce))],
    ],
  )) io.log(`  ${line}`);
  io.log('');
  const early = Math.min(o.epochs, 1);
  io.log(`  Minority recall @ ${t} after epoch ${early}: crossentropy ${fmt(recall.ce[early - 1]!)}, focal ${fmt(recall.focal[early - 1]!)}; after epoch ${o.epochs}: ${fmt(recall.ce[o.epochs - 1]!)}, ${fmt(recall.focal[o.epochs - 1]!)}.`);
  io.log('');
  io.log('  How to read it: AP and ROC AUC rank the scores and ignore the threshold; the rows marked @ use p > threshold.');
  io.log('  Focal loss mutes the many easy negatives, so early in training its minority recall can run well ahead of');
  io.log(`  crossentropy's (see ${o.name}-recall.svg). With γ alone it is classification-calibrated (its optimum crosses 0.5`);
  io.log("  where the true probability does), so once trained its decisions at 0.5 end up close to crossentropy's; it is");
  io.log('  not a proper scoring rule, so its scores are no longer probabilities (ECE, mean scores; Charoenphakdee et al.,');
  io.log('  arXiv 2011.09172). α re-weights the classes and moves the decisions at 0.5 for good: α > 0.5 towards the');
  io.log('  positives, α < 0.5 away from them.');

  const files = [
    await writeLineChart(join(o.out, `${o.name}-loss.svg`), {
      title: 'Logistic regression: training loss',
      subtitle: `${(100 * positiveRate).toPrecision(2)}% positives; each run on its own loss (mean per row)`,
      xLabel: 'epoch',
      yLabel: 'training loss',
      yScale: 'log',
      series: [
        { name: 'crossentropy', points: losses.ce.map((v, i) => [i + 1, v] as const) },
        { name: focalLabel(o), points: losses.focal.map((v, i) => [i + 1, v] as const) },
      ],
    }),
    await writeLineChart(join(o.out, `${o.name}-recall.svg`), {
      title: `Logistic regression: minority recall @ ${t} during training`,
      subtitle: `test set (${teCounts[1]} positives), after each epoch`,
      xLabel: 'epoch',
      yLabel: `recall of the minority class @ ${t}`,
      yDomain: [0, 1],
      series: [
        { name: 'crossentropy', points: recall.ce.map((v, i) => [i + 1, v] as const) },
        { name: focalLabel(o), points: recall.focal.map((v, i) => [i + 1, v] as const) },
      ],
    }),
    await writeLineChart(join(o.out, `${o.name}-pr.svg`), {
      title: 'Logistic regression: precision–recall (test set)',
      subtitle: `AP: crossentropy ${fmt(reports.ce.averagePrecision)}, focal ${fmt(reports.focal.averagePrecision)}`,
      xLabel: 'recall (minority class)',
      yLabel: 'precision',
      xDomain: [0, 1],
      yDomain: [0, 1],
      interpolate: 'step-after', // points run from recall 1 down to 0: each precision holds down to the next recall (sklearn's steps-post)
      series: [
        ...(['ce', 'focal'] as const).map((k) => {
          const c = precisionRecallCurve(test.y, probs[k]);
          return { name: k === 'ce' ? 'crossentropy' : focalLabel(o), points: c.recall.map((r, i) => [r, c.precision[i]!] as const) };
        }),
        { name: 'chance (positive rate)', points: [[0, teCounts[1]! / test.n], [1, teCounts[1]! / test.n]], dashed: true },
      ],
    }),
  ];
  io.log('');
  io.log(`Plots: ${files.map(displayPath).join(', ')}`);
  return { ce: reports.ce, focal: reports.focal, loss: losses, recall, initBias, files };
}

/**
 * The command line: parses `argv`, prints `--help`, or runs.
 * @param argv - the arguments (without `node script`).
 * @param io - where to print.
 * @returns the result, or `null` after `--help`.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<LogisticResult | null> {
  const { values, help } = parseFlags(logisticFlags, argv);
  if (help) {
    io.log(helpText('npm run logistic --', SUMMARY, logisticFlags));
    return null;
  }
  return run(values, io);
}

if (isEntryPoint(import.meta.url)) runAsScript(main);
