/**
 * The two focal losses every workload uses, once for each library.
 *
 * focalgrad: the fused ops of `@focalgrad/losses`, looked up by name at run time so that the
 * benchmark runs (and says "not available yet") while the loss package is being written.
 *
 * TensorFlow.js: the same losses composed from tf ops, as a tfjs user would write them (tfjs has no
 * focal loss), following Keras 3's `binary_focal_crossentropy` and `categorical_focal_crossentropy`.
 */
import type * as TF from '@tensorflow/tfjs';
import * as fg from '@focalgrad/tensor';
import type { Tf } from './tf.js';

/** Focal exponent of every focal loss in the benchmark. */
export const GAMMA = 2;
/** Class-balancing weight of every focal loss in the benchmark. */
export const ALPHA = 0.25;

/** Thrown when a workload needs an export that does not exist yet. */
export class NotAvailable extends Error {}

/** A focalgrad loss of `(yTrue, logits)`. */
export type FgLoss = (yTrue: fg.Tensor, logits: fg.Tensor) => fg.Tensor;

type LossCtor = new (options: Record<string, unknown>) => { call(yTrue: fg.Tensor, yPred: fg.Tensor): fg.Tensor };

let lossModule: Record<string, unknown> | null = null;
let lossLoadError = 'not loaded (call loadLosses first)';

/**
 * Imports `@focalgrad/losses` (once). A package that fails to load — it may be mid-edit — makes the
 * loss workloads "not available" instead of stopping the benchmark.
 */
export async function loadLosses(): Promise<void> {
  if (lossModule !== null) return;
  try {
    lossModule = (await import('@focalgrad/losses')) as unknown as Record<string, unknown>;
  } catch (e) {
    lossLoadError = `failed to load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

function ctor(name: string): LossCtor | undefined {
  if (lossModule === null) throw new NotAvailable(`@focalgrad/losses ${lossLoadError}`);
  const v = lossModule[name];
  return typeof v === 'function' ? (v as LossCtor) : undefined;
}

/**
 * Binary focal crossentropy (gamma 2, alpha 0.25 with class balancing, from logits, mean):
 * `@focalgrad/losses`' `BinaryFocalCrossentropy`.
 */
export function fgBinaryFocal(): FgLoss {
  const C = ctor('BinaryFocalCrossentropy');
  if (C === undefined) throw new NotAvailable('@focalgrad/losses has no BinaryFocalCrossentropy export yet');
  const loss = new C({ gamma: GAMMA, alpha: ALPHA, applyClassBalancing: true, fromLogits: true });
  return (y, x) => loss.call(y, x);
}

/**
 * Softmax focal loss from logits with integer labels (gamma 2, alpha 0.25, mean):
 * `SparseCategoricalFocalLoss` (the `focal-loss` package's sparse loss, `w_y (1-p_y)^γ (-log p_y)`)
 * with every class weight `w` = α, which is Keras' `categorical_focal_crossentropy` with a scalar
 * α on one-hot labels. Falls back to `CategoricalFocalCrossentropy` on one-hot labels made inside
 * the call (so the conversion is timed; tf's is not, see `tfSoftmaxFocal`).
 */
export function fgSoftmaxFocal(classes: number): { loss: FgLoss; name: string } {
  const S = ctor('SparseCategoricalFocalLoss');
  if (S !== undefined) {
    const loss = new S({ gamma: GAMMA, classWeight: new Array<number>(classes).fill(ALPHA), fromLogits: true });
    return { loss: (y, x) => loss.call(y, x), name: 'SparseCategoricalFocalLoss' };
  }
  const C = ctor('CategoricalFocalCrossentropy');
  if (C !== undefined) {
    const loss = new C({ gamma: GAMMA, alpha: ALPHA, fromLogits: true });
    return { loss: (y, x) => loss.call(fg.oneHot(y, classes, x.dtype), x), name: 'CategoricalFocalCrossentropy (one-hot)' };
  }
  throw new NotAvailable('@focalgrad/losses has no SparseCategoricalFocalLoss or CategoricalFocalCrossentropy export yet');
}

/**
 * Keras 3 `binary_focal_crossentropy(from_logits=True, apply_class_balancing=True)`, mean-reduced,
 * composed from tf ops: `bce = relu(x) - x·y + log1p(exp(-|x|))` (tf's
 * `sigmoid_cross_entropy_with_logits`), `p = sigmoid(x)`, `p_t = y·p + (1-y)(1-p)`,
 * `loss = mean(w · (1-p_t)^γ · bce)` with `w = α·y + (1-α)(1-y)`.
 */
export function tfBinaryFocal(tf: Tf, y: TF.Tensor, x: TF.Tensor): TF.Scalar {
  const bce = tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
  const p = tf.sigmoid(x);
  const notY = tf.sub(1, y);
  const pt = tf.add(tf.mul(y, p), tf.mul(notY, tf.sub(1, p)));
  const focal = tf.square(tf.sub(1, pt));
  const w = tf.add(tf.mul(y, ALPHA), tf.mul(notY, 1 - ALPHA));
  return tf.mean(tf.mul(tf.mul(w, focal), bce));
}

/**
 * Keras 3 `categorical_focal_crossentropy(from_logits=True)` on one-hot labels, mean-reduced:
 * `-α (1-p_t)^γ log p_t` with `log p_t` taken from `logSoftmax` (the stable form; Keras clips
 * `softmax` instead, which only differs for `p_t < 1e-7`). The one-hot labels are made once,
 * outside the timed call: tfjs losses take one-hot labels, and tfjs' sparse alternative (`gather`,
 * whose gradient is `unsortedSegmentSum`) is far slower on the cpu backend.
 */
export function tfSoftmaxFocal(tf: Tf, oneHot: TF.Tensor, x: TF.Tensor): TF.Scalar {
  const logPt = tf.sum(tf.mul(tf.logSoftmax(x), oneHot), -1);
  const pt = tf.exp(logPt);
  return tf.mean(tf.mul(tf.mul(tf.square(tf.sub(1, pt)), logPt), -ALPHA));
}
