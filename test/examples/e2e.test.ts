/**
 * End to end: train the examples and assert what was MEASURED, with margin.
 *
 * Logistic example, default sizes (20,000 points in 2-D, 1% positives, means 2.5σ apart, 15,000
 * train / 5,000 test with 50 test positives, Adam lr 0.05 decaying linearly to 0 over 20 epochs of
 * batches of 500, both runs from the same prior-bias init). Measured over seeds 0–9 when this test
 * was written (crossentropy → focal γ = 2):
 *
 *   minority recall @ 0.5 after epoch 1:  CE 0.10–0.18, focal 0.42–0.64  (gap +0.24 … +0.52, seeds 0–5)
 *   minority recall @ 0.5 at the end:     gap 0.00 … +0.02 (0 or 1 of the 50 test positives)
 *   average precision:                    |gap| ≤ 0.005
 *   ROC AUC:                              |gap| < 0.0005
 *   ECE (15 bins):                        CE 0.001–0.003, focal 0.063–0.072 (gap ≥ +0.061)
 *   with α = 0.25: final recall gap −0.04 … −0.22 (lower on every seed); α = 0.75: +0.06 … +0.26
 *
 * So: focal loss reaches minority recall much sooner, ends up deciding like crossentropy at 0.5
 * (it is classification-calibrated), ranks identically (AP, AUC), and loses calibration; α is what
 * moves the final decisions.
 *
 * Softmax example, n = 12,000 (6 classes, 100:1 head-to-tail, 18 tail rows in the test set),
 * 10 epochs, measured over seeds 0–5 (CE → categorical focal γ=2 → sparse focal γ=2 with
 * effective-number class weights):
 *
 *   tail recall:        CE 0.06–0.33, focal 0.06–0.50, focal + weights 0.44–0.72 (gain over CE ≥ +0.33)
 *   balanced accuracy:  focal − CE −0.001 … +0.049; focal + weights − CE +0.12 … +0.16
 *   head recall:        focal + weights below CE by 0.05–0.07 on every seed
 *   ECE:                CE 0.014–0.027, focal 0.130–0.144
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectingIo } from '../../examples/src/cli.js';
import * as logistic from '../../examples/src/logistic.js';
import * as softmax from '../../examples/src/softmax.js';

const dir = mkdtempSync(join(tmpdir(), 'focalgrad-e2e-'));
const out = ['--out', dir, '--quiet'];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('logistic regression at a 1% positive rate: crossentropy vs focal loss (γ = 2)', () => {
  it.each([0, 1, 2])('seed %i', async (seed) => {
    const r = (await logistic.main(['--seed', String(seed), ...out], collectingIo()))!;
    // Early in training, focal loss has a much higher minority recall at 0.5 …
    expect(r.recall.focal[0]! - r.recall.ce[0]!).toBeGreaterThan(0.2);
    // … once trained it decides almost like crossentropy at 0.5 and ranks the same …
    expect(Math.abs(r.focal.recall - r.ce.recall)).toBeLessThanOrEqual(0.04 + 1e-12);
    expect(Math.abs(r.focal.averagePrecision - r.ce.averagePrecision)).toBeLessThan(0.02);
    expect(Math.abs(r.focal.rocAuc - r.ce.rocAuc)).toBeLessThan(0.005);
    // … and its scores are much less calibrated.
    expect(r.ce.ece).toBeLessThan(0.01);
    expect(r.focal.ece - r.ce.ece).toBeGreaterThan(0.04);
  });

  it.each([0, 1])('α moves the decisions at 0.5: 0.25 lowers minority recall, 0.75 raises it (seed %i)', async (seed) => {
    const low = (await logistic.main(['--seed', String(seed), '--alpha', '0.25', ...out], collectingIo()))!;
    const high = (await logistic.main(['--seed', String(seed), '--alpha', '0.75', ...out], collectingIo()))!;
    expect(low.focal.recall).toBeLessThan(low.ce.recall);
    expect(high.focal.recall - high.ce.recall).toBeGreaterThan(0.03);
    // The ranking does not move.
    expect(Math.abs(high.focal.averagePrecision - high.ce.averagePrecision)).toBeLessThan(0.02);
  });
});

describe('softmax regression on 100:1 long-tailed classes', () => {
  it.each([0, 1])('seed %i', async (seed) => {
    const r = (await softmax.main(['--seed', String(seed), '--n', '12000', '--epochs', '10', ...out], collectingIo()))!;
    const [ce, focal, weighted] = r.runs as [softmax.SoftmaxRunResult, softmax.SoftmaxRunResult, softmax.SoftmaxRunResult];
    const tail = r.trainCounts.length - 1;
    // Focal loss with class weights recalls far more of the tail class, at some cost to the head class.
    expect(weighted.perClass[tail]!.recall - ce.perClass[tail]!.recall).toBeGreaterThan(0.2);
    expect(weighted.balancedAccuracy - ce.balancedAccuracy).toBeGreaterThan(0.06);
    expect(weighted.perClass[0]!.recall).toBeLessThan(ce.perClass[0]!.recall);
    // γ alone moves balanced accuracy much less than the class weights do …
    expect(focal.balancedAccuracy - ce.balancedAccuracy).toBeGreaterThan(-0.02);
    expect(focal.balancedAccuracy - ce.balancedAccuracy).toBeLessThan(weighted.balancedAccuracy - ce.balancedAccuracy);
    // … and costs calibration.
    expect(focal.ece - ce.ece).toBeGreaterThan(0.08);
  });
});
