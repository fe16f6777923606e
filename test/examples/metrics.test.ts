import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  binaryEce,
  binaryReport,
  calibration,
  confusionMatrix,
  macroF1,
  multiclassEce,
  perClassScores,
  precisionRecallCurve,
  rocAuc,
  rocCurve,
} from '../../examples/src/metrics.js';

describe('confusion matrix and per-class scores', () => {
  // yTrue = [0,0,0,1,1,2], yPred = [0,1,0,1,2,2]
  //   rows (true) × cols (pred):  class 0: [2,1,0]  class 1: [0,1,1]  class 2: [0,0,1]
  //   precision = diag / column sum: 2/2 = 1, 1/2 = .5, 1/2 = .5
  //   recall    = diag / row sum:    2/3,     1/2 = .5, 1/1 = 1
  //   F1 = 2PR/(P+R): 2·1·(2/3)/(5/3) = .8;  .5;  2·.5·1/1.5 = 2/3
  //   macro-F1 = (.8 + .5 + 2/3)/3 = 0.655556;  balanced accuracy = (2/3 + .5 + 1)/3 = 0.722222
  //   accuracy = 4/6
  const yTrue = [0, 0, 0, 1, 1, 2];
  const yPred = [0, 1, 0, 1, 2, 2];
  const cm = confusionMatrix(yTrue, yPred, 3);

  it('counts true × predicted', () => {
    expect(cm).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('gives per-class precision, recall, F1', () => {
    const s = perClassScores(cm);
    expect(s.map((c) => c.precision)).toEqual([1, 0.5, 0.5]);
    expect(s[0]!.recall).toBeCloseTo(2 / 3, 12);
    expect(s[1]!.recall).toBe(0.5);
    expect(s[2]!.recall).toBe(1);
    expect(s[0]!.f1).toBeCloseTo(0.8, 12);
    expect(s[1]!.f1).toBeCloseTo(0.5, 12);
    expect(s[2]!.f1).toBeCloseTo(2 / 3, 12);
    expect(s.map((c) => c.support)).toEqual([3, 2, 1]);
  });

  it('gives macro-F1, balanced accuracy and accuracy', () => {
    expect(macroF1(cm)).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(balancedAccuracy(cm)).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 12);
    expect(accuracy(cm)).toBeCloseTo(4 / 6, 12);
  });

  it('uses zero_division = 0 and skips absent classes as sklearn does', () => {
    // yTrue = [0,0,1,1], yPred = [0,0,0,0], K = 3 (class 2 never occurs).
    //   class 0: P = 2/4 = .5, R = 1, F1 = 2/3;  class 1: never predicted → P = 0, R = 0, F1 = 0.
    //   macro-F1 over the classes seen (0 and 1) = 1/3; balanced accuracy = (1 + 0)/2 = .5.
    const m = confusionMatrix([0, 0, 1, 1], [0, 0, 0, 0], 3);
    expect(perClassScores(m)[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2, predicted: 0 });
    expect(macroF1(m)).toBeCloseTo(1 / 3, 12);
    expect(balancedAccuracy(m)).toBe(0.5);
  });
});

describe('ranking metrics', () => {
  // The scikit-learn documentation's example (average_precision_score, roc_auc_score and
  // precision_recall_curve docstrings): y = [0,0,1,1], scores = [0.1,0.4,0.35,0.8].
  //   By decreasing score: 0.8 (+), 0.4 (−), 0.35 (+), 0.1 (−).
  //   threshold 0.8:  tp 1 fp 0 → P 1,   R .5
  //   threshold 0.4:  tp 1 fp 1 → P .5,  R .5
  //   threshold 0.35: tp 2 fp 1 → P 2/3, R 1
  //   threshold 0.1:  tp 2 fp 2 → P .5,  R 1
  //   AP = .5·1 + 0·.5 + .5·(2/3) + 0·.5 = 0.833333 (sklearn docs: 0.83...)
  //   ROC AUC: positive–negative pairs ranked right: 0.8 > 0.1, 0.8 > 0.4, 0.35 > 0.1; 0.35 < 0.4 → 3/4 (docs: 0.75)
  const y = [0, 0, 1, 1];
  const s = [0.1, 0.4, 0.35, 0.8];

  it('average precision', () => {
    expect(averagePrecision(y, s)).toBeCloseTo(5 / 6, 12);
  });

  it('ROC AUC', () => {
    expect(rocAuc(y, s)).toBeCloseTo(0.75, 12);
  });

  it('the PR curve matches sklearn precision_recall_curve', () => {
    // sklearn docs: precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
    const c = precisionRecallCurve(y, s);
    expect(c.precision.map((v) => +v.toFixed(6))).toEqual([0.5, 0.666667, 0.5, 1, 1]);
    expect(c.recall).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(c.thresholds).toEqual([0.1, 0.35, 0.4, 0.8]);
  });

  it('handles tied scores as sklearn does', () => {
    // y = [0,1,0,1], scores = [0.5,0.5,0.2,0.9]: a positive and a negative tie at 0.5.
    //   thresholds 0.9: tp 1 fp 0 → (fpr 0, tpr .5), P 1, R .5
    //              0.5: tp 2 fp 1 → (fpr .5, tpr 1), P 2/3, R 1  (the tied pair enters together)
    //              0.2: tp 2 fp 2 → (fpr 1, tpr 1)
    //   ROC AUC by trapezoids: 0·… + .5·(.5+1)/2 + .5·(1+1)/2 = .375 + .5 = .875
    //     = Mann–Whitney with a tie as half: pairs (.9,.5) 1, (.9,.2) 1, (.5,.5) ½, (.5,.2) 1 → 3.5/4
    //   AP = .5·1 + .5·(2/3) = 0.833333
    const yt = [0, 1, 0, 1];
    const st = [0.5, 0.5, 0.2, 0.9];
    expect(rocCurve(yt, st).fpr).toEqual([0, 0, 0.5, 1]);
    expect(rocCurve(yt, st).tpr).toEqual([0, 0.5, 1, 1]);
    expect(rocAuc(yt, st)).toBeCloseTo(0.875, 12);
    expect(averagePrecision(yt, st)).toBeCloseTo(5 / 6, 12);
  });

  it('all scores tied gives AUC 0.5 and AP = the positive rate', () => {
    // One threshold: tp 1, fp 3 → the ROC is the diagonal; AP = 1 · (1/4).
    expect(rocAuc([0, 0, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
    expect(averagePrecision([0, 0, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.25);
  });

  it('is NaN when a class is missing', () => {
    expect(rocAuc([0, 0], [0.1, 0.2])).toBeNaN();
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
    expect(averagePrecision([0, 0], [0.1, 0.2])).toBeNaN();
  });
});

describe('expected calibration error', () => {
  it('bins by equal width', () => {
    // 5 bins: (0,.2], (.2,.4], (.4,.6], (.6,.8], (.8,1]
    // conf [.95,.9,.58,.55,.3], correct [1,0,1,1,0]
    //   bin 5: {.95,.9}: conf .925, acc .5 → |.5 − .925| = .425, weight 2/5 → .17
    //   bin 3: {.58,.55}: conf .565, acc 1 → .435, weight 2/5 → .174
    //   bin 2: {.3}: conf .3, acc 0 → .3, weight 1/5 → .06
    //   ECE = .17 + .174 + .06 = .404
    const r = calibration([0.95, 0.9, 0.58, 0.55, 0.3], [1, 0, 1, 1, 0], 5);
    expect(r.ece).toBeCloseTo(0.404, 12);
    expect(r.bins.map((b) => b.count)).toEqual([0, 1, 2, 0, 2]);
    expect(r.bins[4]!.accuracy).toBe(0.5);
  });

  it('puts a confidence on a bin edge in the lower bin, and 0 in the first', () => {
    // .6 is the upper edge of bin 3 of 5, (.4, .6]; 1 belongs to the last bin, 0 to the first.
    expect(calibration([0.6, 1, 0], [1, 1, 1], 5).bins.map((b) => b.count)).toEqual([1, 0, 1, 0, 1]);
  });

  it('binary top-label ECE', () => {
    // p = [.9, .2, .7, .4], y = [1, 0, 0, 0]. Predictions p > .5: [1, 0, 1, 0];
    // confidences max(p, 1−p): [.9, .8, .7, .6]; correct [1, 1, 0, 1].
    // 15 bins of width 1/15: the four confidences fall in four different bins (13.5, 12, 10.5 and 9 fifteenths).
    //   ECE = (|1−.9| + |1−.8| + |0−.7| + |1−.6|)/4 = (.1 + .2 + .7 + .4)/4 = .35
    expect(binaryEce([1, 0, 0, 0], [0.9, 0.2, 0.7, 0.4])).toBeCloseTo(0.35, 12);
  });

  it('multiclass top-label ECE', () => {
    // rows [.7,.2,.1] (y 0, right, conf .7), [.1,.3,.6] (y 1, wrong, conf .6), [.25,.5,.25] (y 1, right, conf .5)
    // 10 bins: .7 → (.6,.7], .6 → (.5,.6], .5 → (.4,.5]: one each.
    //   ECE = (.3 + .6 + .5)/3 = 1.4/3
    expect(multiclassEce([0, 1, 1], [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.25, 0.5, 0.25], 3, 10)).toBeCloseTo(1.4 / 3, 12);
  });
});

describe('binaryReport', () => {
  it('collects the metrics at threshold 0.5 (strictly greater)', () => {
    // p = [.9, .5, .6, .1, .2], y = [1, 1, 0, 0, 0]; predicted positive when p > .5 → [1, 0, 1, 0, 0].
    //   positives: tp 1 (the .9), fn 1 (the .5, not > .5), fp 1 (the .6) → precision .5, recall .5
    //   negatives: recall 2/3 → balanced accuracy (.5 + 2/3)/2 = 7/12
    //   F1: positives .5; negatives P 2/3 R 2/3 F1 2/3 → macro (.5 + 2/3)/2 = 7/12
    //   ROC AUC: positives {.9, .5} vs negatives {.6, .1, .2}: .9 beats 3, .5 beats 2 → 5/6
    //   AP: .9 (+) P 1 R .5; .6 (−); .5 (+) P 2/3 R 1 → .5 + .5·2/3 = 5/6
    const r = binaryReport([1, 1, 0, 0, 0], [0.9, 0.5, 0.6, 0.1, 0.2]);
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBe(0.5);
    expect(r.balancedAccuracy).toBeCloseTo(7 / 12, 12);
    expect(r.macroF1).toBeCloseTo(7 / 12, 12);
    expect(r.rocAuc).toBeCloseTo(5 / 6, 12);
    expect(r.averagePrecision).toBeCloseTo(5 / 6, 12);
    expect(r.confusion).toEqual([
      [2, 1],
      [1, 1],
    ]);
  });
});
