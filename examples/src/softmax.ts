/**
 * Softmax regression (or a one-hidden-layer MLP) on long-tailed multiclass data, trained three
 * times from the same seed and initial weights: categorical crossentropy, categorical focal loss
 * (one-hot labels, Keras semantics) and sparse categorical focal loss (integer labels, `focal-loss`
 * package semantics) with per-class weights from the class counts. Prints per-class recall from head
 * to tail and writes the loss curves as SVG.
 *
 *   npm run softmax -- --help
 */
import { join } from 'node:path';
import { nn, oneHot, type Tensor } from '@focalgrad/tensor';
import { alphaFromCounts, categoricalCrossentropy, categoricalFocalCrossentropy, sparseCategoricalFocalLoss } from '@focalgrad/losses';
import { type Batch, classCounts, longTailPriors, makeMulticlass, trainTestSplit } from './data.js';
import { accuracy, argmaxRows, balancedAccuracy, confusionMatrix, macroF1, multiclassEce, perClassScores, type ClassScores } from './metrics.js';
import { writeLineChart } from './plot.js';
import { type Io, commonFlags, displayPath, fmt, formatTable, helpText, isEntryPoint, parseFlags, processIo, runAsScript, type FlagValues } from './cli.js';
import { type Model, predictLogits, train } from './train.js';

/** The flags of this example. */
export const softmaxFlags = {
  ...commonFlags,
  epochs: { ...commonFlags.epochs, default: 20 },
  lr: { ...commonFlags.lr, default: 0.02 },
  imbalance: { ...commonFlags.imbalance, default: 100, description: 'head-to-tail ratio of the class priors (π_k ∝ imbalance^(−k/(K−1)))' },
  alpha: {
    ...commonFlags.alpha,
    description: 'scalar α of the categorical focal run (Keras\' default would be 0.25; a scalar only rescales the loss); "none" = 1',
  },
  classWeight: {
    type: 'string',
    default: 'effective',
    choices: ['none', 'effective', 'inverse'],
    description: 'per-class weights of the sparse focal run, from the training counts by alphaFromCounts (effective number, β=0.999, or inverse frequency)',
  },
  n: { type: 'int', default: 30000, min: 12, description: 'number of points (train + test)' },
  dim: { type: 'int', default: 8, min: 1, description: 'number of features' },
  classes: { type: 'int', default: 6, min: 2, description: 'number of classes K' },
  separation: { type: 'number', default: 2.5, min: 0, description: 'distance between any two class means in standard deviations' },
  hidden: { type: 'int', default: 0, min: 0, description: 'hidden units of an MLP (Linear → ReLU → Linear); 0 = softmax regression' },
  mlp: { type: 'boolean', description: 'shorthand for --hidden 32' },
  batchSize: { type: 'int', default: 256, min: 1, description: 'rows per minibatch' },
  testFraction: { type: 'number', default: 0.25, min: 0.01, max: 0.99, description: 'fraction of each class held out for testing (stratified)' },
  init: { type: 'string', default: 'prior', choices: ['prior', 'zero'], description: 'output bias init for ALL runs: prior = log π_k (training priors), zero = 0' },
} as const;

/** Options of {@link run} (the parsed flags). */
export type SoftmaxOptions = FlagValues<typeof softmaxFlags>;

/** One run's test-set results. */
export interface SoftmaxRunResult {
  /** Run label. */
  label: string;
  /** Per-class scores, class 0 (head) first. */
  perClass: ClassScores[];
  /** Accuracy. */
  accuracy: number;
  /** Balanced accuracy (mean per-class recall). */
  balancedAccuracy: number;
  /** Macro-F1. */
  macroF1: number;
  /** Top-label ECE, 15 bins. */
  ece: number;
  /** Mean training loss per epoch. */
  epochLoss: number[];
  /** Test recall of the tail class after each epoch. */
  tailRecall: number[];
  /** Test balanced accuracy after each epoch. */
  balancedAccuracyByEpoch: number[];
}

/** What {@link run} returns. */
export interface SoftmaxResult {
  /** The three runs: crossentropy, categorical focal, sparse focal. */
  runs: SoftmaxRunResult[];
  /** Class counts of the training set, head first. */
  trainCounts: number[];
  /** The SVG files written. */
  files: string[];
}

const SUMMARY = `
Softmax regression (or, with --hidden N / --mlp, a one-hidden-layer MLP) on K Gaussian clusters
whose class priors decay exponentially from head to tail (default 100:1), trained three times from
the same seed, the same initial weights and the same minibatch order: categorical crossentropy,
categorical focal loss (one-hot labels, Keras semantics) and sparse categorical focal loss (integer
labels, focal-loss package semantics) with per-class weights from the class counts.
Prints per-class recall from the head class to the tail class on a stratified test set, balanced
accuracy, macro-F1 and calibration error, and writes softmax-loss.svg and softmax-recall.svg (tail
recall and balanced accuracy per epoch) to --out.`;

/**
 * Runs the comparison.
 * @param o - the options (see {@link softmaxFlags}).
 * @param io - where to print.
 */
export async function run(o: SoftmaxOptions, io: Io = processIo): Promise<SoftmaxResult> {
  const K = o.classes;
  const hidden = o.hidden > 0 ? o.hidden : o.mlp ? 32 : 0;
  const data = makeMulticlass({ n: o.n, dim: o.dim, numClasses: K, imbalance: o.imbalance, separation: o.separation, seed: o.seed });
  const { train: tr, test } = trainTestSplit(data, o.testFraction, o.seed + 1);
  const trCounts = classCounts(tr.y, K);
  const teCounts = classCounts(test.y, K);
  const priors = longTailPriors(K, o.imbalance);
  const weights = o.classWeight === 'none' ? null : alphaFromCounts(trCounts, { method: o.classWeight as 'effective' | 'inverse' });

  io.log(`Data: ${o.n} points in ${o.dim}-D, ${K} classes with priors ${priors.map((p) => p.toFixed(3)).join(', ')} (head:tail ${o.imbalance}:1), means ${o.separation} σ apart (seed ${o.seed}).`);
  io.log(`Split (stratified): train ${tr.n} [${trCounts.join(', ')}], test ${test.n} [${teCounts.join(', ')}].`);
  io.log(
    `Model: ${hidden > 0 ? `MLP ${o.dim} → ${hidden} (ReLU) → ${K}` : `softmax regression ${o.dim} → ${K}`}; identical initial weights for all runs (seed ${o.seed}), ` +
      `output bias ${o.init === 'prior' ? 'log π_k of the training priors (the softmax form of Lin et al.\'s prior init)' : '0'}.`,
  );
  io.log(`Training: Adam, lr ${o.lr}, ${o.epochs} epochs, batches of ${o.batchSize}, same batch order for every run.`);
  if (weights) {
    const how = o.classWeight === 'effective' ? "Cui et al.'s effective number of samples, β = 0.999" : 'inverse frequency';
    io.log(`Class weights of the sparse focal run (alphaFromCounts of the training counts, ${how}): ${weights.map((w) => w.toFixed(3)).join(', ')}.`);
  }

  const makeModel = (): Model => {
    const biasInit = (b: Tensor): unknown => (o.init === 'prior' ? nn.init.softmaxPriorBias(b, trCounts) : nn.init.zeros(b));
    if (hidden === 0) return new nn.Linear(o.dim, K, { dtype: 'float64', seed: o.seed, biasInit });
    return new nn.Sequential(
      new nn.Linear(o.dim, hidden, { dtype: 'float64', seed: o.seed }),
      new nn.ReLU(),
      new nn.Linear(hidden, K, { dtype: 'float64', seed: o.seed + 1, biasInit }),
    );
  };
  const onehot = (b: Batch): Tensor => oneHot(b.y, K, 'float64');
  const runs: Array<{ label: string; loss: (logits: Tensor, b: Batch) => Tensor }> = [
    { label: 'crossentropy', loss: (z, b) => categoricalCrossentropy(onehot(b), z, { fromLogits: true }).mean() },
    {
      label: `categorical focal (γ=${o.gamma}, α=${o.alpha ?? 'none'})`,
      loss: (z, b) => categoricalFocalCrossentropy(onehot(b), z, { fromLogits: true, gamma: o.gamma, alpha: o.alpha ?? 1 }).mean(),
    },
    {
      label: `sparse focal (γ=${o.gamma}, classWeight=${o.classWeight})`,
      loss: (z, b) =>
        sparseCategoricalFocalLoss(b.y, z, { fromLogits: true, gamma: o.gamma, ...(weights ? { classWeight: weights } : {}) }).mean(),
    },
  ];

  const results: SoftmaxRunResult[] = [];
  for (const r of runs) {
    const model = makeModel();
    const tailRecall: number[] = [];
    const baByEpoch: number[] = [];
    const onEpoch = (): string => {
      const cm = confusionMatrix(test.y, argmaxRows(predictLogits(model, test).data, K), K);
      tailRecall.push(perClassScores(cm)[K - 1]!.recall);
      baByEpoch.push(balancedAccuracy(cm));
      return `tail recall ${fmt(tailRecall[tailRecall.length - 1]!, 2)}`;
    };
    const res = train(model, tr, r.loss, { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, shuffleSeed: o.seed + 2, label: r.label, io, quiet: o.quiet, onEpoch });
    const probs = predictLogits(model, test).softmax(-1).data;
    const cm = confusionMatrix(test.y, argmaxRows(probs, K), K);
    results.push({
      label: r.label,
      perClass: perClassScores(cm),
      accuracy: accuracy(cm),
      balancedAccuracy: balancedAccuracy(cm),
      macroF1: macroF1(cm),
      ece: multiclassEce(test.y, probs, K),
      epochLoss: res.epochLoss,
      tailRecall,
      balancedAccuracyByEpoch: baByEpoch,
    });
  }

  io.log('');
  io.log(`Per-class recall on the test set (class 0 = head, class ${K - 1} = tail):`);
  const header = ['class (test rows)', ...results.map((r) => r.label)];
  const rows = Array.from({ length: K }, (_, k) => [
    `${k}${k === 0 ? ' head' : k === K - 1 ? ' tail' : ''} (${teCounts[k]})`,
    ...results.map((r) => fmt(r.perClass[k]!.recall)),
  ]);
  const summary: Array<[string, (r: SoftmaxRunResult) => number]> = [
    ['accuracy', (r) => r.accuracy],
    ['balanced accuracy', (r) => r.balancedAccuracy],
    ['macro-F1', (r) => r.macroF1],
    ['ECE (15 bins)', (r) => r.ece],
  ];
  for (const line of formatTable(header, [...rows, ...summary.map(([name, f]) => [name, ...results.map((r) => fmt(f(r)))])])) io.log(`  ${line}`);
  const [ce, cat, sparse] = results as [SoftmaxRunResult, SoftmaxRunResult, SoftmaxRunResult];
  const tail = K - 1;
  io.log('');
  io.log(
    `  Tail class recall: crossentropy ${fmt(ce.perClass[tail]!.recall)}, focal ${fmt(cat.perClass[tail]!.recall)}, focal + class weights ${fmt(sparse.perClass[tail]!.recall)};` +
      ` head class: ${fmt(ce.perClass[0]!.recall)}, ${fmt(cat.perClass[0]!.recall)}, ${fmt(sparse.perClass[0]!.recall)}.`,
  );
  if (weights) {
    io.log('  γ re-weights easy versus hard rows; the class weights move the decisions toward the rare classes (they would with');
    io.log('  crossentropy too), trading head recall for tail recall. ECE shows what both do to the calibration of the scores.');
  } else if (o.alpha === null || o.alpha === 1) {
    const maxDiff = Math.max(...cat.epochLoss.map((v, i) => Math.abs(v - sparse.epochLoss[i]!) / Math.max(Math.abs(v), 1e-300)));
    io.log(
      `  With --class-weight none and --alpha none the categorical and sparse focal runs are the same loss through two APIs` +
        ` (one-hot vs integer labels): their epoch losses differ by at most ${maxDiff.toExponential(1)} (relative).`,
    );
  }

  const files = [
    await writeLineChart(join(o.out, 'softmax-loss.svg'), {
      title: `${hidden > 0 ? 'MLP' : 'Softmax regression'}: training loss`,
      subtitle: `${K} classes, head:tail ${o.imbalance}:1; each run on its own loss (mean per row)`,
      xLabel: 'epoch',
      yLabel: 'training loss',
      yScale: 'log',
      series: results.map((r, i) => ({ name: r.label, points: r.epochLoss.map((v, e) => [e + 1, v] as const), dashed: i === 2 })),
    }),
    await writeLineChart(join(o.out, 'softmax-recall.svg'), {
      title: `${hidden > 0 ? 'MLP' : 'Softmax regression'}: tail-class recall and balanced accuracy`,
      subtitle: `test set after each epoch; solid: recall of the tail class ${K - 1} (${teCounts[K - 1]} rows), dashed: balanced accuracy`,
      xLabel: 'epoch',
      yLabel: 'recall / balanced accuracy',
      yDomain: [0, 1],
      series: results.flatMap((r) => [
        { name: `tail recall — ${r.label}`, group: r.label, points: r.tailRecall.map((v, e) => [e + 1, v] as const) },
        { name: `balanced accuracy — ${r.label}`, group: r.label, points: r.balancedAccuracyByEpoch.map((v, e) => [e + 1, v] as const), dashed: true },
      ]),
    }),
  ];
  io.log('');
  io.log(`Plots: ${files.map(displayPath).join(', ')}`);
  return { runs: results, trainCounts: trCounts, files };
}

/**
 * The command line: parses `argv`, prints `--help`, or runs.
 * @param argv - the arguments (without `node script`).
 * @param io - where to print.
 * @returns the result, or `null` after `--help`.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<SoftmaxResult | null> {
  const { values, help } = parseFlags(softmaxFlags, argv);
  if (help) {
    io.log(helpText('npm run softmax --', SUMMARY, softmaxFlags));
    return null;
  }
  return run(values, io);
}

if (isEntryPoint(import.meta.url)) runAsScript(main);
