/** @internal Keras 3's sparse categorical crossentropy: the sparse softmax spec, Keras's probability path. */
import { sparseSpec } from './sparse.js';

/** @internal */
export const sparseCategoricalCrossentropySpec = sparseSpec('sparseCategoricalCrossentropy', 'keras', ['fromLogits', 'axis', 'ignoreClass']);
