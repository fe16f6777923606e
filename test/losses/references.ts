/**
 * Plain float64 implementations of each reference's formula, written element by element from the
 * reference sources (no code shared with the package), rows along the last axis.
 */
const EPS = 1e-7;
const clip = (v: number): number => Math.min(1 - EPS, Math.max(EPS, v));
const softmaxRow = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const logSoftmaxRow = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
};
const perClassArr = (v: number | readonly number[], k: number): number[] => (typeof v === 'number' ? new Array<number>(k).fill(v) : v.slice());

/** Options of {@link refCfce}. */
export interface RefCfceOptions {
  alpha?: number | readonly number[];
  gamma?: number | readonly number[];
  fromLogits?: boolean;
  labelSmoothing?: number;
  /** Follow Keras exactly from logits too (softmax, then the clipped probability path). */
  kerasLogits?: boolean;
}

/**
 * Keras 3 `categorical_focal_crossentropy` per row (losses.py: smooth labels by ls/K, softmax if
 * from logits, renormalise, clip to [eps, 1 − eps], `alpha·(1 − o)^γ·(−y log o)`, sum). With
 * `fromLogits` and not `kerasLogits`: the exact log-softmax form this package uses.
 */
export function refCfce(yTrue: readonly (readonly number[])[], yPred: readonly (readonly number[])[], o: RefCfceOptions = {}): number[] {
  return yPred.map((row, r) => {
    const k = row.length;
    const alpha = perClassArr(o.alpha ?? 0.25, k);
    const gamma = perClassArr(o.gamma ?? 2, k);
    const ls = o.labelSmoothing ?? 0;
    const y = yTrue[r]!.map((v) => v * (1 - ls) + ls / k);
    let loss = 0;
    if (o.fromLogits && !o.kerasLogits) {
      const lp = logSoftmaxRow(row);
      for (let j = 0; j < k; j++) loss += alpha[j]! * (1 - Math.exp(lp[j]!)) ** gamma[j]! * -y[j]! * lp[j]!;
      return loss;
    }
    const p = o.fromLogits ? softmaxRow(row) : row.slice();
    const s = p.reduce((a, b) => a + b, 0);
    for (let j = 0; j < k; j++) {
      const oj = clip(p[j]! / s);
      loss += alpha[j]! * (1 - oj) ** gamma[j]! * -y[j]! * Math.log(oj);
    }
    return loss;
  });
}

/**
 * PolyLoss (Leng et al. 2022, Poly-1) per row, written from the paper's formula: the α-weighted
 * focal crossentropy plus `ε Σ_k y'_k (1 − o_k)^(γ_k + 1)` (optax's `poly_loss_cross_entropy` for
 * γ = 0, α = 1), with exact softmax from logits, renormalised and clipped probabilities otherwise.
 */
export function refPoly(yTrue: readonly (readonly number[])[], yPred: readonly (readonly number[])[], o: RefCfceOptions & { epsilon: number }): number[] {
  const focal = refCfce(yTrue, yPred, { alpha: 1, gamma: 0, ...o });
  return yPred.map((row, r) => {
    const k = row.length;
    const gamma = perClassArr(o.gamma ?? 0, k);
    const ls = o.labelSmoothing ?? 0;
    const p = o.fromLogits ? softmaxRow(row) : row.map((v) => clip(v / row.reduce((a, b) => a + b, 0)));
    let poly = 0;
    for (let j = 0; j < k; j++) poly += (yTrue[r]![j]! * (1 - ls) + ls / k) * (1 - p[j]!) ** (gamma[j]! + 1);
    return focal[r]! + o.epsilon * poly;
  });
}

/**
 * FL* (Lin et al. 2017, appendix A) per row, from the paper's formula `−log σ(γ x_t + β)/γ`,
 * soft labels mixing the `x_t = x` and `x_t = −x` terms, averaged over the last axis.
 */
export function refFocalStar(yTrue: readonly (readonly number[])[], x: readonly (readonly number[])[], gamma: number, beta: number): number[] {
  const nlogSigmoid = (z: number) => Math.log1p(Math.exp(-z));
  return x.map((row, r) => row.reduce((s, v, j) => s + (yTrue[r]![j]! * nlogSigmoid(gamma * v + beta) + (1 - yTrue[r]![j]!) * nlogSigmoid(-gamma * v + beta)) / gamma, 0) / row.length);
}

/** Keras 3 `categorical_crossentropy` per row (= {@link refCfce} with alpha 1, gamma 0). */
export function refCce(yTrue: readonly (readonly number[])[], yPred: readonly (readonly number[])[], fromLogits = false, labelSmoothing = 0): number[] {
  return refCfce(yTrue, yPred, { alpha: 1, gamma: 0, fromLogits, labelSmoothing });
}

/** Keras 3 `sparse_categorical_crossentropy` per row (backend: renormalise, clip, −log o_t; or −logSoftmax_t). */
export function refScce(labels: readonly number[], yPred: readonly (readonly number[])[], fromLogits = false): number[] {
  return yPred.map((row, r) => {
    const t = labels[r]!;
    if (fromLogits) return -logSoftmaxRow(row)[t]!;
    const s = row.reduce((a, b) => a + b, 0);
    return -Math.log(clip(row[t]! / s));
  });
}

/** Options of {@link refSparseFocal}. */
export interface RefSparseFocalOptions {
  gamma: number | readonly number[];
  classWeight?: readonly number[];
  fromLogits?: boolean;
}

/**
 * focal-loss `sparse_categorical_focal_loss` per row (_categorical_focal_loss.py): logits =
 * y_pred or log(clip(y_pred)); xent = sparse softmax CE of logits; probs = softmax(y_pred) or the
 * raw y_pred; loss = (1 − probs[y])^gamma[y] · xent · class_weight[y].
 */
export function refSparseFocal(labels: readonly number[], yPred: readonly (readonly number[])[], o: RefSparseFocalOptions): number[] {
  return yPred.map((row, r) => {
    const t = labels[r]!;
    const k = row.length;
    const gamma = perClassArr(o.gamma, k);
    const logits = o.fromLogits ? row.slice() : row.map((v) => Math.log(clip(v)));
    const probs = o.fromLogits ? softmaxRow(row) : row.slice();
    const xent = -logSoftmaxRow(logits)[t]!;
    let loss = (1 - probs[t]!) ** gamma[t]! * xent;
    if (o.classWeight) loss *= o.classWeight[t]!;
    return loss;
  });
}

