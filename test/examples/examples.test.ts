/**
 * The examples' command lines with small sizes: help, flag errors, the SVG files they write, and
 * running them as scripts the way a newcomer does (`npm run <name> -- --help`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, collectingIo } from '../../examples/src/cli.js';
import * as demo from '../../examples/src/demo.js';
import * as gradients from '../../examples/src/gradients.js';
import * as logistic from '../../examples/src/logistic.js';
import * as softmax from '../../examples/src/softmax.js';
import { checkXml } from './xml.js';

const root = resolve(import.meta.dirname, '../..');
let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'focalgrad-examples-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function expectSvg(path: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  expect(checkXml(text).root).toBe('svg');
  expect(text).toMatch(/<path[^>]* d="M/); // something was drawn
}

describe.each([
  ['logistic', logistic.main, ['--seed', '--epochs', '--lr', '--gamma', '--alpha', '--imbalance', '--out', '--quiet', '--n', '--dim', '--separation', '--batch-size', '--threshold', '--init']],
  ['softmax', softmax.main, ['--seed', '--epochs', '--lr', '--gamma', '--alpha', '--imbalance', '--out', '--quiet', '--classes', '--hidden', '--mlp', '--class-weight']],
  ['gradients', gradients.main, ['--gammas', '--alpha', '--points', '--check-at', '--easy', '--out']],
  ['demo', demo.main, ['--out', '--quiet']],
] as const)('%s --help', (name, main, flags) => {
  it('describes every flag and returns without running', async () => {
    const io = collectingIo();
    expect(await main(['--help'], io)).toBeNull();
    const text = io.lines.join('\n');
    expect(text).toMatch(/^Usage: /);
    for (const f of flags) expect(text).toContain(f);
    expect(text).toContain('--help');
    expect(name).toBeTruthy();
  });

  it('rejects an unknown flag with a UsageError', async () => {
    await expect(main(['--no-such-flag'], collectingIo())).rejects.toThrow(UsageError);
  });
});

describe('logistic (small)', () => {
  it('prints the comparison table and writes three valid SVG files', async () => {
    const io = collectingIo();
    const r = (await logistic.main(['--n', '1000', '--epochs', '2', '--imbalance', '19', '--seed', '3', '--out', out, '--quiet'], io))!;
    const text = io.lines.join('\n');
    for (const row of ['minority precision @ 0.5', 'minority recall @ 0.5', 'balanced accuracy @ 0.5', 'macro-F1 @ 0.5', 'average precision', 'ROC AUC', 'ECE']) {
      expect(text).toContain(row);
    }
    // 1000 points at 1/(1+19) = 5% → 50 positives, 950 negatives. The stratified 25% test split takes
    // round(12.5) = 13 positives and round(237.5) = 238 negatives, leaving 37 + 712 for training, so
    // π = 37/749 and b = log(π/(1−π)) = log(37/712) = −2.95716.
    expect(text).toContain('50 positives (5.00%)');
    expect(text).toContain('train 749 (37 positive), test 251 (13 positive)');
    expect(r.initBias).toBeCloseTo(Math.log(37 / 712), 12);
    expect(text).toContain('b = log(π/(1−π)) = -2.957');
    expect(r.loss.ce).toHaveLength(2);
    expect(r.recall.focal).toHaveLength(2);
    expect(r.files.map((f) => f.slice(out.length + 1))).toEqual(['logistic-loss.svg', 'logistic-recall.svg', 'logistic-pr.svg']);
    for (const f of r.files) await expectSvg(f);
  });

  it('is deterministic for a seed', async () => {
    const argv = ['--n', '600', '--epochs', '2', '--imbalance', '9', '--out', out, '--quiet', '--name', 'det'];
    const a = (await logistic.main(argv, collectingIo()))!;
    const b = (await logistic.main(argv, collectingIo()))!;
    expect(b.loss).toEqual(a.loss);
    expect(b.focal).toEqual(a.focal);
  });
});

describe('softmax (small)', () => {
  it('prints per-class recall from head to tail and writes valid SVG files', async () => {
    const io = collectingIo();
    const r = (await softmax.main(['--n', '900', '--epochs', '2', '--classes', '4', '--mlp', '--out', out, '--quiet'], io))!;
    const text = io.lines.join('\n');
    expect(text).toContain('MLP 8 → 32 (ReLU) → 4');
    expect(text).toMatch(/0 head \(\d+\)/);
    expect(text).toMatch(/3 tail \(\d+\)/);
    expect(r.runs.map((x) => x.label)).toEqual(['crossentropy', 'categorical focal (γ=2, α=none)', 'sparse focal (γ=2, classWeight=effective)']);
    expect(r.runs[0]!.perClass).toHaveLength(4);
    expect(r.runs[2]!.tailRecall).toHaveLength(2);
    expect(r.files.map((f) => f.slice(out.length + 1))).toEqual(['softmax-loss.svg', 'softmax-recall.svg']);
    for (const f of r.files) await expectSvg(f);
  });

  it('without class weights, the categorical and sparse focal runs are the same loss', async () => {
    const r = (await softmax.main(['--n', '600', '--epochs', '2', '--class-weight', 'none', '--out', out, '--quiet'], collectingIo()))!;
    const [, cat, sparse] = r.runs;
    cat!.epochLoss.forEach((v, i) => expect(sparse!.epochLoss[i]).toBeCloseTo(v, 12));
    expect(sparse!.perClass).toEqual(cat!.perClass);
  });
});

describe('gradients (small)', () => {
  it('matches autograd, reproduces the p_t = 0.9 table and writes three valid SVG files', async () => {
    const io = collectingIo();
    const r = (await gradients.main(['--points', '21', '--out', out], io))!;
    expect(r.curves.map((c) => c.gamma)).toEqual([0, 0.5, 1, 2, 5]);
    expect(r.maxDiscrepancy.loss).toBeLessThan(1e-12);
    expect(r.maxDiscrepancy.dLogit).toBeLessThan(1e-12);
    expect(r.maxDiscrepancy.ratio).toBeLessThan(1e-12);
    expect(r.maxDiscrepancyComposite.dLogit).toBeLessThan(1e-12);
    expect(r.maxDiscrepancyClosedForm.dLogit).toBeLessThan(1e-12);
    // At p_t = 0.9: FL/CE = 0.1^γ, and g(0.9, γ) = 0.1^γ − γ·0.9·0.1^(γ−1)·ln 0.9 = 0.1^γ·(1 − 9γ·ln 0.9).
    for (const e of r.easy) {
      expect(e.lossRatio).toBeCloseTo(0.1 ** e.gamma, 12);
      expect(e.gradRatio).toBeCloseTo(0.1 ** e.gamma * (1 - 9 * e.gamma * Math.log(0.9)), 12);
    }
    expect(io.lines.join('\n')).toContain('An easy example, p_t = 0.9');
    expect(r.files.map((f) => f.slice(out.length + 1))).toEqual(['gradients-loss.svg', 'gradients-dlogit.svg', 'gradients-ratio.svg']);
    for (const f of r.files) await expectSvg(f);
  });
});

describe('as scripts', () => {
  const run = promisify(execFile);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  it('`npm run logistic -- --help` prints the help', async () => {
    const { stdout } = await run(npm, ['run', '--silent', 'logistic', '--', '--help'], { cwd: root });
    expect(stdout).toMatch(/^Usage: npm run logistic -- \[flags\]/);
  });

  it('a bad flag value exits with code 2 and says which flag', async () => {
    const err = await run(npm, ['run', '--silent', 'gradients', '--', '--points', 'many'], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain('--points: expected a number, got "many"');
  });
});

describe('demo', () => {
  it('runs the examples with their defaults and writes all plots', async () => {
    const dir = join(out, 'demo');
    const io = collectingIo();
    const r = (await demo.main(['--out', dir, '--quiet'], io))!;
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(
      [
        'gradients-dlogit.svg', 'gradients-loss.svg', 'gradients-ratio.svg',
        'logistic-alpha0.25-loss.svg', 'logistic-alpha0.25-pr.svg', 'logistic-alpha0.25-recall.svg',
        'logistic-loss.svg', 'logistic-pr.svg', 'logistic-recall.svg', 'softmax-loss.svg', 'softmax-recall.svg',
      ],
    );
    for (const f of r.files) await expectSvg(f);
    expect(io.lines.join('\n')).toContain('All 11 plots are in');
  });
});
