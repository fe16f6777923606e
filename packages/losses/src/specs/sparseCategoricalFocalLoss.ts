/** @internal The `focal-loss` package's sparse categorical focal loss: the sparse softmax spec, its probability path. */
import { sparseSpec } from './sparse.js';

/** @internal */
export const sparseCategoricalFocalLossSpec = sparseSpec('sparseCategoricalFocalLoss', 'focal', ['gamma', 'classWeight', 'fromLogits', 'axis', 'ignoreClass']);
