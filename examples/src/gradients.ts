/**
 * The gradient-behaviour study: Figure 1 of Lin et al. (focal loss against p_t for
 * γ ∈ {0, 0.5, 1, 2, 5}), the derivative with respect to the logit, and its ratio to
 * crossentropy's, all from `focalCurves`, checked against autograd of the loss itself.
 *
 *   npm run gradients -- --help
 */
import { join } from 'node:path';
import { exp, grad, softplus, tensor, type Tensor } from '@focalgrad/tensor';
import { binaryCrossentropy, binaryFocalCrossentropy, focalCurves } from '@focalgrad/losses';
import { writeLineChart } from './plot.js';
import { type Io, commonFlags, displayPath, fmtSig, formatTable, helpText, isEntryPoint, parseFlags, processIo, runAsScript, type FlagValues } from './cli.js';

/** The flags of this example. */
export const gradientsFlags = {
  gammas: { type: 'numberList', default: [0, 0.5, 1, 2, 5], min: 0, description: 'the γ values to draw (Lin et al. Fig. 1: 0, 0.5, 1, 2, 5)' },
  alpha: { ...commonFlags.alpha, description: 'α_t weight of the focal loss for the drawn (positive) class, or "none" as in Fig. 1' },
  points: { type: 'int', default: 199, min: 3, description: 'grid points on p_t ∈ [0.005, 0.995]' },
  checkAt: { type: 'numberList', default: [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99], min: 1e-6, max: 1 - 1e-6, description: 'p_t values where the curves are checked against autograd' },
  easy: { type: 'number', default: 0.9, min: 1e-6, max: 1 - 1e-6, description: 'the p_t of the "easy example" in the down-weighting table' },
  out: commonFlags.out,
  quiet: commonFlags.quiet,
} as const;

/** Options of {@link run} (the parsed flags). */
export type GradientsOptions = FlagValues<typeof gradientsFlags>;

/** One γ's curves: loss, derivative with respect to the target logit x_t, and ratio to CE's derivative. */
export interface Curve {
  /** The focusing parameter. */
  gamma: number;
  /** FL(p_t) at each grid point. */
  loss: number[];
  /** ∂FL/∂x_t at each grid point (x_t = logit of the target class; negative). */
  dLogit: number[];
  /** (∂FL/∂x_t) / (∂CE/∂x_t) without α, Mukhoti et al.'s g(p_t, γ). */
  ratio: number[];
}

/** What {@link run} returns. */
export interface GradientsResult {
  /** The p_t grid. */
  pt: number[];
  /** One entry per γ. */
  curves: Curve[];
  /** Largest relative |focalCurves − autograd of the library's loss ops| over the check points. */
  maxDiscrepancy: { loss: number; dLogit: number; ratio: number };
  /** The same against autograd through primitive ops. */
  maxDiscrepancyComposite: { loss: number; dLogit: number };
  /** The same against the closed forms. */
  maxDiscrepancyClosedForm: { loss: number; dLogit: number };
  /** The down-weighting of an easy example, per γ. */
  easy: Array<{ gamma: number; lossRatio: number; gradRatio: number }>;
  /** The SVG files written. */
  files: string[];
}

const SUMMARY = `
The gradient-behaviour study of the focal loss FL(p_t) = −α_t (1 − p_t)^γ log p_t. Reproduces
Figure 1 of Lin et al. (loss against the probability of the true class p_t, for γ = 0, 0.5, 1, 2,
5), plots the derivative with respect to the logit and the ratio of the focal gradient to
crossentropy's (Mukhoti et al.'s g(p_t, γ)), all from the library's focalCurves, and checks them
against autograd of binaryFocalCrossentropy at a few points (printing the largest discrepancy).
Prints how much an easy example (p_t = 0.9 by default) is down-weighted at each γ, and writes
gradients-loss.svg, gradients-dlogit.svg and gradients-ratio.svg to --out.`;

/** `n` evenly spaced points from `a` to `b` inclusive. */
function grid(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** The logit whose sigmoid is `p`. */
function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/** The curves from the library's `focalCurves`, for a positive example (y = 1, so x_t = x); α defaults to 1. */
function libraryCurves(gammas: readonly number[], alpha: number | null, pt: readonly number[]): Curve[] {
  return focalCurves({ gammas, pt, ...(alpha === null ? {} : { alpha }) }).curves;
}

/**
 * Loss and ∂loss/∂logit by autograd at logits `x` with label 1, through the library's loss ops:
 * `binaryFocalCrossentropy` (Keras semantics: α applies only with `applyClassBalancing`) for focal,
 * `binaryCrossentropy` for CE.
 */
function autogradAt(pts: readonly number[], gamma: number | null, alpha: number | null): { loss: number[]; dLogit: number[] } {
  const x = tensor(pts.map((p) => [logit(p)]), { dtype: 'float64' });
  const y = tensor(pts.map(() => [1]), { dtype: 'float64' });
  const f = (z: Tensor): Tensor =>
    gamma === null
      ? binaryCrossentropy(y, z, { fromLogits: true })
      : binaryFocalCrossentropy(y, z, { fromLogits: true, gamma, ...(alpha === null ? {} : { applyClassBalancing: true, alpha }) });
  const loss = Array.from(f(x).data);
  // Each row's loss depends only on its own logit, so the gradient of the sum is the per-row derivative.
  const d = grad((z: Tensor) => f(z).sum())(x);
  return { loss, dLogit: Array.from(d.data) };
}

/**
 * An independent reference: the same loss for label 1 composed from primitive ops,
 * `α · exp(−γ·softplus(x)) · softplus(−x)` (= α (1 − p)^γ (−log p)), differentiated by autograd
 * through those primitives rather than through the fused op's analytic backward.
 */
function compositeAutogradAt(pts: readonly number[], gamma: number, alpha: number | null): { loss: number[]; dLogit: number[] } {
  const x = tensor(pts.map(logit), { dtype: 'float64' });
  const f = (z: Tensor): Tensor => exp(softplus(z).mul(-gamma)).mul(softplus(z.neg())).mul(alpha ?? 1);
  return { loss: Array.from(f(x).data), dLogit: Array.from(grad((z: Tensor) => f(z).sum())(x).data) };
}

/** Lin et al.'s closed forms (appendix B) for label 1: FL and ∂FL/∂x = α (1 − p)^γ (γ p log p + p − 1). */
function closedFormAt(p: number, gamma: number, alpha: number | null): { loss: number; dLogit: number } {
  const a = alpha ?? 1;
  const m = Math.pow(1 - p, gamma);
  return { loss: -a * m * Math.log(p), dLogit: a * m * (gamma * p * Math.log(p) + p - 1) };
}

/** Largest |a − b| relative to max(|b|, tiny): the discrepancies span many orders of magnitude. */
function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/**
 * Runs the study.
 * @param o - the options (see {@link gradientsFlags}).
 * @param io - where to print.
 */
export async function run(o: GradientsOptions, io: Io = processIo): Promise<GradientsResult> {
  const pt = grid(0.005, 0.995, o.points);
  const curves = libraryCurves(o.gammas, o.alpha, pt);

  // Check focalCurves against three references at a few points: autograd of the library's loss ops
  // (fused analytic backward), autograd through a composite of primitive ops, and the closed forms.
  const check = libraryCurves(o.gammas, o.alpha, o.checkAt);
  const ce = autogradAt(o.checkAt, null, null);
  const worst = { loss: 0, dLogit: 0, ratio: 0 };
  const worstComposite = { loss: 0, dLogit: 0 };
  const worstClosed = { loss: 0, dLogit: 0 };
  const checkRows: string[][] = [];
  o.gammas.forEach((gamma, gi) => {
    const ag = autogradAt(o.checkAt, gamma, o.alpha);
    const comp = compositeAutogradAt(o.checkAt, gamma, o.alpha);
    const c = check[gi]!;
    o.checkAt.forEach((p, i) => {
      const cf = closedFormAt(p, gamma, o.alpha);
      worst.loss = Math.max(worst.loss, relErr(c.loss[i]!, ag.loss[i]!));
      worst.dLogit = Math.max(worst.dLogit, relErr(c.dLogit[i]!, ag.dLogit[i]!));
      // focalCurves' ratio leaves α out (Mukhoti et al.'s g), so divide it out of the autograd one.
      worst.ratio = Math.max(worst.ratio, relErr(c.ratio[i]!, ag.dLogit[i]! / ce.dLogit[i]! / (o.alpha ?? 1)));
      worstComposite.loss = Math.max(worstComposite.loss, relErr(c.loss[i]!, comp.loss[i]!));
      worstComposite.dLogit = Math.max(worstComposite.dLogit, relErr(c.dLogit[i]!, comp.dLogit[i]!));
      worstClosed.loss = Math.max(worstClosed.loss, relErr(c.loss[i]!, cf.loss));
      worstClosed.dLogit = Math.max(worstClosed.dLogit, relErr(c.dLogit[i]!, cf.dLogit));
    });
    checkRows.push([String(gamma), ...o.checkAt.map((_, i) => fmtSig(ag.dLogit[i]!))]);
  });

  // How much is an easy example down-weighted?
  const easyCurves = libraryCurves(o.gammas, null, [o.easy]);
  const easyCe = libraryCurves([0], null, [o.easy])[0]!;
  const easy = easyCurves.map((c) => ({ gamma: c.gamma, lossRatio: c.loss[0]! / easyCe.loss[0]!, gradRatio: c.ratio[0]! }));

  const alphaText = o.alpha === null ? '' : `, α = ${o.alpha}`;
  io.log(`Focal loss FL(p_t) = −α_t (1 − p_t)^γ log p_t for the true class, γ ∈ {${o.gammas.join(', ')}}${alphaText}.`);
  io.log('');
  io.log(`∂FL/∂x_t by autograd (x_t = logit of the true class) at p_t = ${o.checkAt.join(', ')}:`);
  for (const line of formatTable(['γ', ...o.checkAt.map((p) => `p_t=${p}`)], checkRows)) io.log(`  ${line}`);
  io.log('');
  io.log('focalCurves checked at those points, max relative difference:');
  for (const line of formatTable(
    ['against', 'loss', '∂/∂logit', 'ratio to CE'],
    [
      ['grad of binaryFocalCrossentropy / binaryCrossentropy', worst.loss.toExponential(1), worst.dLogit.toExponential(1), worst.ratio.toExponential(1)],
      ['grad of exp(−γ·softplus(x))·softplus(−x) (primitive ops)', worstComposite.loss.toExponential(1), worstComposite.dLogit.toExponential(1), ''],
      ['closed form, Lin et al. appendix B', worstClosed.loss.toExponential(1), worstClosed.dLogit.toExponential(1), ''],
    ],
  )) io.log(`  ${line}`);
  io.log('');
  io.log(`An easy example, p_t = ${o.easy}: focal loss and gradient relative to crossentropy's`);
  for (const line of formatTable(
    ['γ', 'FL / CE (loss)', 'down-weighted ×', 'FL′ / CE′ (gradient)', 'down-weighted ×'],
    easy.map((e) => [String(e.gamma), fmtSig(e.lossRatio, 3), fmtSig(1 / e.lossRatio, 3), fmtSig(e.gradRatio, 3), fmtSig(1 / e.gradRatio, 3)]),
  )) io.log(`  ${line}`);
  io.log(`  (FL/CE = (1−p_t)^γ; the gradient ratio is g(p_t, γ) = (1−p_t)^γ − γ p_t (1−p_t)^(γ−1) log p_t; an α_t multiplies both.)`);

  const series = (pick: (c: Curve) => number[]): Array<{ name: string; points: Array<readonly [number, number]> }> =>
    curves.map((c) => ({ name: `γ = ${c.gamma}`, points: pick(c).map((v, i) => [pt[i]!, v] as const) }));
  const files = [
    await writeLineChart(join(o.out, 'gradients-loss.svg'), {
      title: 'Focal loss against p_t (Lin et al., Fig. 1)',
      subtitle: `FL(p_t) = −${o.alpha === null ? '' : 'α_t '}(1 − p_t)^γ log p_t; γ = 0 is crossentropy`,
      xLabel: 'probability of the ground-truth class p_t',
      yLabel: 'loss',
      xDomain: [0, 1],
      yDomain: [0, 5],
      series: series((c) => c.loss),
    }),
    await writeLineChart(join(o.out, 'gradients-dlogit.svg'), {
      title: 'Derivative with respect to the logit',
      subtitle: '∂FL/∂x_t = α_t (1 − p_t)^γ (γ p_t log p_t + p_t − 1)  (Lin et al., App. B)',
      xLabel: 'probability of the ground-truth class p_t',
      yLabel: '∂FL / ∂x_t',
      xDomain: [0, 1],
      series: series((c) => c.dLogit),
    }),
    await writeLineChart(join(o.out, 'gradients-ratio.svg'), {
      title: 'Focal gradient relative to crossentropy',
      subtitle: 'g(p_t, γ) = (∂FL/∂x_t) / (∂CE/∂x_t)  (Mukhoti et al. 2020); log scale',
      xLabel: 'probability of the ground-truth class p_t',
      yLabel: 'gradient ratio g(p_t, γ)',
      xDomain: [0, 1],
      yScale: 'log',
      series: series((c) => c.ratio),
    }),
  ];
  io.log('');
  io.log(`Plots: ${files.map(displayPath).join(', ')}`);
  return { pt, curves, maxDiscrepancy: worst, maxDiscrepancyComposite: worstComposite, maxDiscrepancyClosedForm: worstClosed, easy, files };
}

/**
 * The command line: parses `argv`, prints `--help`, or runs.
 * @param argv - the arguments (without `node script`).
 * @param io - where to print.
 * @returns the result, or `null` after `--help`.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<GradientsResult | null> {
  const { values, help } = parseFlags(gradientsFlags, argv);
  if (help) {
    io.log(helpText('npm run gradients --', SUMMARY, gradientsFlags));
    return null;
  }
  return run(values, io);
}

if (isEntryPoint(import.meta.url)) runAsScript(main);
