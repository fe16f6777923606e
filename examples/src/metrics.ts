/**
 * The metrics people judge imbalanced classifiers by, on plain arrays, following scikit-learn's
 * definitions (the function names say which sklearn function each one mirrors).
 *
 * Conventions: labels are class indices `0..K−1` (binary: 0 negative, 1 positive); a binary
 * prediction at a threshold is positive when `p > threshold` (as sklearn's `predict` and Keras'
 * `BinaryAccuracy`); a ratio with a zero denominator is 0 (sklearn's `zero_division=0`), except the
 * ranking metrics (AP, ROC AUC), which are `NaN` when a class is missing (sklearn warns or raises).
 */

/** `m[t][p]`: how many rows of true class `t` were predicted as class `p` (sklearn `confusion_matrix`). */
export type ConfusionMatrix = number[][];

/**
 * The confusion matrix: rows are true classes, columns predicted classes.
 * @param yTrue - true class indices.
 * @param yPred - predicted class indices.
 * @param numClasses - K.
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): ConfusionMatrix {
  if (yTrue.length !== yPred.length) throw new RangeError(`confusionMatrix: ${yTrue.length} labels but ${yPred.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) throw new RangeError(`confusionMatrix: label out of range at ${i}: ${t} / ${p}`);
    m[t]![p]! += 1;
  }
  return m;
}

/** Per-class precision, recall, F1 and support. */
export interface ClassScores {
  /** tp / (tp + fp); 0 when the class is never predicted. */
  precision: number;
  /** tp / (tp + fn); 0 when the class has no rows. */
  recall: number;
  /** 2·P·R / (P + R); 0 when both are 0. */
  f1: number;
  /** Number of rows of this class. */
  support: number;
  /** Number of rows predicted as this class. */
  predicted: number;
}

/**
 * Per-class precision, recall and F1 from a confusion matrix (sklearn
 * `precision_recall_fscore_support(average=None, zero_division=0)`).
 */
export function perClassScores(cm: ConfusionMatrix): ClassScores[] {
  const k = cm.length;
  return cm.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let t = 0; t < k; t++) predicted += cm[t]![c]!;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support, predicted };
  });
}

/**
 * Balanced accuracy: the mean recall over the classes that have rows (sklearn
 * `balanced_accuracy_score`, which drops classes with no true rows).
 */
export function balancedAccuracy(cm: ConfusionMatrix): number {
  const s = perClassScores(cm).filter((c) => c.support > 0);
  return s.reduce((a, c) => a + c.recall, 0) / s.length;
}

/**
 * Macro-averaged F1: the unweighted mean F1 over the classes that occur in the true or the predicted
 * labels (sklearn `f1_score(average='macro', zero_division=0)` with its default `labels=None`).
 */
export function macroF1(cm: ConfusionMatrix): number {
  const s = perClassScores(cm).filter((c) => c.support > 0 || c.predicted > 0);
  return s.reduce((a, c) => a + c.f1, 0) / s.length;
}

/** Accuracy: the fraction of rows on the diagonal. */
export function accuracy(cm: ConfusionMatrix): number {
  let diag = 0;
  let total = 0;
  cm.forEach((row, t) => row.forEach((v, p) => ((total += v), t === p && (diag += v))));
  return diag / total;
}

/**
 * Cumulative true and false positives at each distinct score, from the highest score down
 * (sklearn `_binary_clf_curve`): a row is predicted positive at threshold `thresholds[i]` when its
 * score is `>= thresholds[i]`. Tied scores enter together.
 */
export function binaryClfCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): { tps: number[]; fps: number[]; thresholds: number[] } {
  if (yTrue.length !== scores.length) throw new RangeError(`${yTrue.length} labels but ${scores.length} scores`);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    if (Number.isNaN(scores[i]!)) throw new RangeError(`score ${i} is NaN`);
    if (yTrue[i] === 1) tp++;
    else fp++;
    const next = order[j + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(scores[i]!);
    }
  }
  return { tps, fps, thresholds };
}

/** A precision–recall curve as sklearn's `precision_recall_curve` returns it. */
export interface PrCurve {
  /** Precision at each threshold, by increasing threshold, then a final 1. */
  precision: number[];
  /** Recall at each threshold, by increasing threshold (so decreasing), then a final 0. */
  recall: number[];
  /** The distinct scores, increasing. */
  thresholds: number[];
}

/**
 * The precision–recall curve at every distinct score (sklearn `precision_recall_curve` with
 * `drop_intermediate=False`): arrays by increasing threshold, with the point (recall 0,
 * precision 1) appended. With no positive rows, recall is 1 everywhere (as sklearn).
 */
export function precisionRecallCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): PrCurve {
  const { tps, fps, thresholds } = binaryClfCurve(yTrue, scores);
  const totalPos = tps[tps.length - 1] ?? 0;
  const precision = tps.map((tp, i) => (tp + fps[i]! > 0 ? tp / (tp + fps[i]!) : 0)).reverse();
  const recall = tps.map((tp) => (totalPos > 0 ? tp / totalPos : 1)).reverse();
  return { precision: [...precision, 1], recall: [...recall, 0], thresholds: thresholds.slice().reverse() };
}

/**
 * Average precision, sklearn's step-wise area under the PR curve (no interpolation):
 * `AP = Σ_n (R_n − R_{n−1}) · P_n` over the distinct thresholds from high to low, `R_{−1} = 0`.
 * `NaN` when there are no positive rows.
 */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { tps, fps } = binaryClfCurve(yTrue, scores);
  const totalPos = tps[tps.length - 1] ?? 0;
  if (totalPos === 0) return NaN;
  let ap = 0;
  let prevR = 0;
  for (let i = 0; i < tps.length; i++) {
    const r = tps[i]! / totalPos;
    ap += (r - prevR) * (tps[i]! / (tps[i]! + fps[i]!));
    prevR = r;
  }
  return ap;
}

/**
 * The ROC curve at every distinct score, starting at (0, 0) (sklearn `roc_curve` with
 * `drop_intermediate=False`).
 */
export function rocCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  const { tps, fps, thresholds } = binaryClfCurve(yTrue, scores);
  const P = tps[tps.length - 1] ?? 0;
  const N = fps[fps.length - 1] ?? 0;
  return {
    fpr: [0, ...fps.map((f) => f / N)],
    tpr: [0, ...tps.map((t) => t / P)],
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * Area under the ROC curve by the trapezoidal rule over {@link rocCurve} (sklearn
 * `roc_auc_score`). Tied scores enter the curve together, giving a diagonal segment, which counts
 * a tied positive–negative pair as half a correct ordering. `NaN` unless both classes occur.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { tps, fps } = binaryClfCurve(yTrue, scores);
  if (!(tps[tps.length - 1]! > 0 && fps[fps.length - 1]! > 0)) return NaN;
  const { fpr, tpr } = rocCurve(yTrue, scores);
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
  return area;
}

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  /** Lower edge (exclusive, except the first bin, which includes 0). */
  lower: number;
  /** Upper edge (inclusive). */
  upper: number;
  /** Rows in the bin. */
  count: number;
  /** Mean confidence of the rows in the bin (NaN if empty). */
  confidence: number;
  /** Fraction of the rows that were correct (NaN if empty). */
  accuracy: number;
}

/**
 * Expected calibration error with equal-width bins (Guo et al. 2017; Mukhoti et al. 2020):
 * `ECE = Σ_m (|B_m| / n) · |acc(B_m) − conf(B_m)|`, bin m covering `(m/M, (m+1)/M]` (the first bin
 * also takes confidence 0).
 *
 * @param confidence - each row's confidence in its predicted label, in [0, 1].
 * @param correct - whether each row's prediction was right.
 * @param bins - number of bins (default 15).
 * @returns the ECE and the bins.
 */
export function calibration(confidence: ArrayLike<number>, correct: ArrayLike<boolean | number>, bins = 15): { ece: number; bins: CalibrationBin[] } {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be an integer >= 1, got ${bins}`);
  const n = confidence.length;
  const count = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  const accSum = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const c = confidence[i]!;
    if (!(c >= 0 && c <= 1)) throw new RangeError(`confidence ${i} is ${c}, expected a number in [0, 1]`);
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1));
    count[b]! += 1;
    confSum[b]! += c;
    accSum[b]! += correct[i] ? 1 : 0;
  }
  let ece = 0;
  const out: CalibrationBin[] = count.map((k, b) => {
    const conf = k > 0 ? confSum[b]! / k : NaN;
    const acc = k > 0 ? accSum[b]! / k : NaN;
    if (k > 0) ece += (k / n) * Math.abs(acc - conf);
    return { lower: b / bins, upper: (b + 1) / bins, count: k, confidence: conf, accuracy: acc };
  });
  return { ece, bins: out };
}

/**
 * Top-label ECE of a binary classifier from its positive-class probabilities: the prediction is
 * `p > 0.5`, its confidence `max(p, 1 − p)`.
 */
export function binaryEce(yTrue: ArrayLike<number>, p: ArrayLike<number>, bins = 15): number {
  const conf = new Float64Array(p.length);
  const correct = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const pred = p[i]! > 0.5 ? 1 : 0;
    conf[i] = pred === 1 ? p[i]! : 1 - p[i]!;
    correct[i] = pred === yTrue[i] ? 1 : 0;
  }
  return calibration(conf, correct, bins).ece;
}

/**
 * Top-label ECE of a K-class classifier: the prediction is the argmax, its confidence the largest
 * probability. `probs` is row-major `(n, K)`.
 */
export function multiclassEce(yTrue: ArrayLike<number>, probs: ArrayLike<number>, numClasses: number, bins = 15): number {
  const n = yTrue.length;
  const conf = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) if (probs[i * numClasses + k]! > probs[i * numClasses + best]!) best = k;
    conf[i] = probs[i * numClasses + best]!;
    correct[i] = best === yTrue[i] ? 1 : 0;
  }
  return calibration(conf, correct, bins).ece;
}

/** Argmax of each row of a row-major `(n, K)` array. */
export function argmaxRows(probs: ArrayLike<number>, numClasses: number): Int32Array {
  const n = probs.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) if (probs[i * numClasses + k]! > probs[i * numClasses + best]!) best = k;
    out[i] = best;
  }
  return out;
}

/** Everything the logistic example compares, for one model. */
export interface BinaryReport {
  /** Precision of the positive (minority) class at the threshold. */
  precision: number;
  /** Recall of the positive (minority) class at the threshold. */
  recall: number;
  /** Balanced accuracy at the threshold. */
  balancedAccuracy: number;
  /** Macro-F1 at the threshold. */
  macroF1: number;
  /** Average precision (threshold-free). */
  averagePrecision: number;
  /** ROC AUC (threshold-free). */
  rocAuc: number;
  /** Top-label ECE, 15 bins. */
  ece: number;
  /** The confusion matrix at the threshold. */
  confusion: ConfusionMatrix;
}

/**
 * All the binary metrics at once.
 * @param yTrue - 0/1 labels.
 * @param p - positive-class probabilities.
 * @param threshold - predict positive when `p > threshold` (default 0.5).
 */
export function binaryReport(yTrue: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): BinaryReport {
  const pred = Int32Array.from({ length: p.length }, (_, i) => (p[i]! > threshold ? 1 : 0));
  const cm = confusionMatrix(yTrue, pred, 2);
  const pos = perClassScores(cm)[1]!;
  return {
    precision: pos.precision,
    recall: pos.recall,
    balancedAccuracy: balancedAccuracy(cm),
    macroF1: macroF1(cm),
    averagePrecision: averagePrecision(yTrue, p),
    rocAuc: rocAuc(yTrue, p),
    ece: binaryEce(yTrue, p),
    confusion: cm,
  };
}
