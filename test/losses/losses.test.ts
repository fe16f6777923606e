// Every loss, one configuration per line: reference values, gradcheck and gradgradcheck in
// float64, and saturated inputs (finite value, gradient and second derivative). A new loss adds
// its lines here.
import {
  BinaryCrossentropy,
  BinaryFocalCrossentropy,
  BinaryFocalLoss,
  CategoricalCrossentropy,
  CategoricalFocalCrossentropy,
  SparseCategoricalCrossentropy,
  FocalLossStar,
  LogitAdjustedCrossentropy,
  PolyLoss,
  SparseCategoricalFocalLoss,
  binaryCrossentropy,
  binaryFocalCrossentropy,
  binaryFocalLoss,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  focalLossStar,
  logitAdjustedCrossentropy,
  polyLoss,
  sigmoidFocalLoss,
  sparseCategoricalCrossentropy,
  sparseCategoricalFocalLoss,
} from '@focalgrad/losses';
import { tensor } from '@focalgrad/tensor';
import { lossTest, oneHotProbabilities, refCce, refCfce, refScce, refSparseFocal, saturatedLogits, saturatedProbabilities } from './harness.js';
import { refFocalStar, refPoly } from './references.js';

// Binary inputs: labels (hard and soft), logits and probabilities away from the clip.
const Y2 = [[0, 1, 1], [1, 0, 0.3]];
const X2 = [[-1.2, 0.5, 2.3], [0.7, -0.4, 1.9]];
const P2 = [[0.2, 0.55, 0.9], [0.65, 0.35, 0.8]];
// Keras docstrings (keras/src/losses/losses.py, binary_crossentropy / binary_focal_crossentropy).
const KY = [[0, 1], [0, 0]];
const KP = [[0.6, 0.4], [0.4, 0.6]];
// tf.keras BinaryFocalCrossentropy / Keras BinaryCrossentropy docs: logits example.
const KLY = [0, 1, 0, 0];
const KLX = [-18.6, 0.51, 2.94, -12.8];
// focal-loss docstring (an executed doctest).
const FLY = [0, 1, 1];
const FLP = [0.1, 0.7, 0.9];

// Softmax inputs: one-hot labels and integer labels of the same rows.
const SY = [[0, 1, 0], [0, 0, 1], [1, 0, 0]];
const SL = [1, 2, 0];
const SX = [[-1.1, 0.8, 0.3], [0.4, -0.6, 1.7], [2.1, 0.2, -0.9]];
const SP = [[0.2, 0.5, 0.3], [0.25, 0.15, 0.6], [0.7, 0.1, 0.2]];
// Keras docstrings (categorical_crossentropy, sparse_categorical_crossentropy, categorical_focal_crossentropy).
const KCY = [[0, 1, 0], [0, 0, 1]];
const KCP = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];
// focal-loss sparse_categorical_focal_loss docstring (an executed doctest).
const FSL = [0, 1, 2];
const FSP = [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.2, 0.2, 0.6]];
// optax losses/_classification_test.py, PolyLossTest: one soft-label row (test_scalar) and two rows (test_batched).
const OPY = [0.1, 0.15, 0.2, 0.25, 0.3];
const OPX = [0.14, 1.456, 2.356, -0.124, -2.47];
const OBY = [[1, 0, 0], [0, 0.8, 0.2]];
const OBX = [[4, 2, 1], [0, 5, 1]];
const int32 = (v: number[]) => tensor(v, { dtype: 'int32' });

lossTest({ name: 'binaryCrossentropy, probabilities', loss: (t, p) => binaryCrossentropy(t, p), yTrue: Y2, yPred: P2, references: [{ yTrue: KY, yPred: KP, printed: ['0.916', '0.714'] }], saturated: saturatedProbabilities([2, 3]) });
lossTest({ name: 'binaryCrossentropy, logits, smoothing', loss: (t, p) => binaryCrossentropy(t, p, { fromLogits: true, labelSmoothing: 0.1 }), yTrue: Y2, yPred: X2, saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'BinaryCrossentropy class, logits (fused mean)', loss: (t, p) => new BinaryCrossentropy({ fromLogits: true }).call(t, p), yTrue: Y2, yPred: X2, references: [{ yTrue: KLY, yPred: KLX, printed: ['0.8654'] }], saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'binaryFocalCrossentropy, probabilities', loss: (t, p) => binaryFocalCrossentropy(t, p, { gamma: 2 }), yTrue: Y2, yPred: P2, references: [{ yTrue: KY, yPred: KP, printed: ['0.330', '0.206'] }], saturated: saturatedProbabilities([2, 3]) });
lossTest({ name: 'binaryFocalCrossentropy, logits, class-balanced, γ per class', loss: (t, p) => binaryFocalCrossentropy(t, p, { fromLogits: true, applyClassBalancing: true, gamma: [2, 0.5, 0] }), yTrue: Y2, yPred: X2, saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'binaryFocalCrossentropy, probabilities, γ = 0.5', loss: (t, p) => binaryFocalCrossentropy(t, p, { gamma: 0.5, labelSmoothing: 0.1 }), yTrue: Y2, yPred: P2, saturated: saturatedProbabilities([2, 3]) });
lossTest({ name: 'BinaryFocalCrossentropy class, logits (fused mean)', loss: (t, p) => new BinaryFocalCrossentropy({ gamma: 2, fromLogits: true }).call(t, p), yTrue: Y2, yPred: X2, references: [{ yTrue: KLY, yPred: KLX, printed: ['0.691'] }], saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'binaryFocalLoss, probabilities', loss: (t, p) => binaryFocalLoss(t, p, { gamma: 2 }), yTrue: Y2, yPred: P2, references: [{ yTrue: FLY, yPred: FLP, printed: ['0.001', '0.032', '0.001'] }], saturated: saturatedProbabilities([2, 3]) });
lossTest({ name: 'binaryFocalLoss, logits, posWeight, smoothing', loss: (t, p) => binaryFocalLoss(t, p, { gamma: 2, posWeight: 0.4, fromLogits: true, labelSmoothing: 0.1 }), yTrue: Y2, yPred: X2, saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'BinaryFocalLoss class (fused mean)', loss: (t, p) => new BinaryFocalLoss({ gamma: 2 }).call(t, p), yTrue: Y2, yPred: P2, references: [{ yTrue: FLY, yPred: FLP, printed: ['0.011'] }], saturated: saturatedProbabilities([2, 3]) });
// torchvision's sigmoid focal loss with α = −1 and γ = 0 is the BCE with logits (the Keras example above).
lossTest({ name: 'sigmoidFocalLoss, mean', loss: (t, x) => sigmoidFocalLoss(x, t, { reduction: 'mean' }), yTrue: Y2, yPred: X2, saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'sigmoidFocalLoss, α = −1, γ = 0, mean', loss: (t, x) => sigmoidFocalLoss(x, t, { alpha: -1, gamma: 0, reduction: 'mean' }), yTrue: Y2, yPred: X2, references: [{ yTrue: KLY, yPred: KLX, printed: ['0.8654'] }], saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'sigmoidFocalLoss, none, α per class', loss: (t, x) => sigmoidFocalLoss(x, t, { alpha: [0.25, -1, 0.75] }), yTrue: Y2, yPred: X2, saturated: saturatedLogits([2, 3]) });

lossTest({ name: 'categoricalCrossentropy, probabilities', loss: (t, p) => categoricalCrossentropy(t, p), yTrue: SY, yPred: SP, references: [{ yTrue: KCY, yPred: KCP, printed: ['0.0513', '2.303'] }], saturated: oneHotProbabilities(3, 3) });
lossTest({ name: 'categoricalCrossentropy, logits, smoothing', loss: (t, p) => categoricalCrossentropy(t, p, { fromLogits: true, labelSmoothing: 0.1 }), yTrue: SY, yPred: SX, references: [{ expected: refCce(SY, SX, true, 0.1) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'CategoricalCrossentropy class', loss: (t, p) => new CategoricalCrossentropy().call(t, p), yTrue: SY, yPred: SP, references: [{ yTrue: KCY, yPred: KCP, dtype: 'float32', printed: ['1.177'] }], saturated: oneHotProbabilities(3, 3) });
lossTest({ name: 'categoricalFocalCrossentropy, probabilities', loss: (t, p) => categoricalFocalCrossentropy(t, p), yTrue: SY, yPred: SP, references: [{ yTrue: KCY, yPred: KCP, printed: ['3.20583090e-05', '4.66273481e-01'] }], saturated: oneHotProbabilities(3, 3) });
lossTest({ name: 'categoricalFocalCrossentropy, logits, α and γ per class', loss: (t, p) => categoricalFocalCrossentropy(t, p, { fromLogits: true, alpha: [0.25, 0.5, 1], gamma: [2, 0.5, 0] }), yTrue: SY, yPred: SX, references: [{ expected: refCfce(SY, SX, { fromLogits: true, alpha: [0.25, 0.5, 1], gamma: [2, 0.5, 0] }) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'CategoricalFocalCrossentropy class', loss: (t, p) => new CategoricalFocalCrossentropy().call(t, p), yTrue: SY, yPred: SP, references: [{ yTrue: KCY, yPred: KCP, dtype: 'float32', expected: 0.23315276, tol: { atol: 0, rtol: 1e-7 } }], saturated: oneHotProbabilities(3, 3) });
lossTest({ name: 'sparseCategoricalCrossentropy, probabilities', loss: (t, p) => sparseCategoricalCrossentropy(t, p), yTrue: int32(SL), yPred: SP, references: [{ yTrue: int32([1, 2]), yPred: KCP, printed: ['0.0513', '2.303'] }], saturated: oneHotProbabilities(3, 3) });
lossTest({ name: 'sparseCategoricalCrossentropy, logits', loss: (t, p) => sparseCategoricalCrossentropy(t, p, { fromLogits: true }), yTrue: int32(SL), yPred: SX, references: [{ expected: refScce(SL, SX, true) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'SparseCategoricalCrossentropy class, logits (fused mean)', loss: (t, p) => new SparseCategoricalCrossentropy({ fromLogits: true }).call(t, p), yTrue: int32(SL), yPred: SX, references: [{ expected: refScce(SL, SX, true).reduce((a, b) => a + b, 0) / 3 }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'sparseCategoricalFocalLoss, probabilities', loss: (t, p) => sparseCategoricalFocalLoss(t, p, { gamma: 2 }), yTrue: int32(FSL), yPred: SP, references: [{ yPred: FSP, printed: ['0.009', '0.032', '0.082'] }], saturated: oneHotProbabilities(3, 3) });
lossTest({ name: 'sparseCategoricalFocalLoss, logits, γ and weights per class', loss: (t, p) => sparseCategoricalFocalLoss(t, p, { gamma: [2, 0.5, 0], classWeight: [1, 2, 0.5], fromLogits: true }), yTrue: int32(SL), yPred: SX, references: [{ expected: refSparseFocal(SL, SX, { gamma: [2, 0.5, 0], classWeight: [1, 2, 0.5], fromLogits: true }) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'SparseCategoricalFocalLoss class (fused mean)', loss: (t, p) => new SparseCategoricalFocalLoss({ gamma: 2 }).call(t, p), yTrue: int32(FSL), yPred: SP, references: [{ yPred: FSP, dtype: 'float32', printed: ['0.040919524'] }], saturated: oneHotProbabilities(3, 3) });
// optax PolyLossTest (atol 1e-4 there: the printed digits here).
lossTest({ name: 'polyLoss, logits, ε = 2', loss: (t, p) => polyLoss(t, p, { epsilon: 2, fromLogits: true }), yTrue: SY, yPred: SX, references: [{ yTrue: OBY, yPred: OBX, printed: ['0.4823', '1.2567'] }, { yTrue: OPY, yPred: OPX, printed: ['4.5317'] }, { yTrue: OBY, yPred: OBX, expected: refPoly(OBY, OBX, { epsilon: 2, fromLogits: true }) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'polyLoss, logits, ε = −1 (optax)', loss: (t, p) => polyLoss(t, p, { epsilon: -1, fromLogits: true }), yTrue: SY, yPred: SX, references: [{ yTrue: OPY, yPred: OPX, printed: ['2.0827'] }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'polyLoss, logits, ε = 5.45, smoothing', loss: (t, p) => polyLoss(t, p, { epsilon: 5.45, fromLogits: true, labelSmoothing: 0.1 }), yTrue: SY, yPred: SX, references: [{ expected: refPoly(SY, SX, { epsilon: 5.45, fromLogits: true, labelSmoothing: 0.1 }) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'polyLoss over focal, logits, α and γ per class', loss: (t, p) => polyLoss(t, p, { epsilon: -1, gamma: [2, 0.5, 0], alpha: [0.25, 0.5, 1], fromLogits: true }), yTrue: SY, yPred: SX, references: [{ expected: refPoly(SY, SX, { epsilon: -1, gamma: [2, 0.5, 0], alpha: [0.25, 0.5, 1], fromLogits: true }) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'polyLoss over focal, probabilities, γ = 0.5', loss: (t, p) => polyLoss(t, p, { epsilon: 1, gamma: 0.5 }), yTrue: SY, yPred: SP, references: [{ expected: refPoly(SY, SP, { epsilon: 1, gamma: 0.5 }) }], saturated: oneHotProbabilities(3, 3) });
lossTest({ name: 'PolyLoss class, logits, ε = 1', loss: (t, p) => new PolyLoss({ epsilon: 1, fromLogits: true }).call(t, p), yTrue: SY, yPred: SX, references: [{ yTrue: OBY, yPred: OBX, printed: ['0.6834'] }], saturated: saturatedLogits([3, 3]) });
// Menon et al. 2021, eq. 10: the softmax crossentropy of the logits shifted by τ·log π (Keras's crossentropy formulas on shifted logits).
const PRIORS = [0.6, 0.3, 0.1];
const shifted = (x: number[][], tau: number) => x.map((row) => row.map((v, k) => v + tau * Math.log(PRIORS[k]!)));
lossTest({ name: 'logitAdjustedCrossentropy, integer labels', loss: (t, p) => logitAdjustedCrossentropy(t, p, { priors: PRIORS }), yTrue: int32(SL), yPred: SX, references: [{ expected: refScce(SL, shifted(SX, 1), true) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'logitAdjustedCrossentropy, one-hot labels, τ = 2, smoothing', loss: (t, p) => logitAdjustedCrossentropy(t, p, { priors: PRIORS, tau: 2, labelSmoothing: 0.1 }), yTrue: SY, yPred: SX, references: [{ expected: refCce(SY, shifted(SX, 2), true, 0.1) }], saturated: saturatedLogits([3, 3]) });
lossTest({ name: 'LogitAdjustedCrossentropy class, counts as priors (fused mean)', loss: (t, p) => new LogitAdjustedCrossentropy({ priors: PRIORS.map((v) => v * 1000) }).call(t, p), yTrue: int32(SL), yPred: SX, references: [{ expected: refScce(SL, shifted(SX, 1), true).reduce((a, b) => a + b, 0) / 3 }], saturated: saturatedLogits([3, 3]) });
// FL*: Lin et al. 2017, appendix A (the paper's formula); with γ = 1, β = 0 it is the BCE with logits (Keras docs example above).
lossTest({ name: 'focalLossStar, γ = 2, β = 1, soft labels', loss: (t, x) => focalLossStar(t, x), yTrue: Y2, yPred: X2, references: [{ expected: refFocalStar(Y2, X2, 2, 1) }], saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'focalLossStar, γ = 4, β = 0', loss: (t, x) => focalLossStar(t, x, { gamma: 4, beta: 0 }), yTrue: Y2, yPred: X2, references: [{ expected: refFocalStar(Y2, X2, 4, 0) }], saturated: saturatedLogits([2, 3]) });
lossTest({ name: 'FocalLossStar class, γ = 1, β = 0 (= BCE with logits, fused mean)', loss: (t, x) => new FocalLossStar({ gamma: 1, beta: 0 }).call(t, x), yTrue: Y2, yPred: X2, references: [{ yTrue: KLY, yPred: KLX, printed: ['0.8654'] }], saturated: saturatedLogits([2, 3]) });
