/** @internal Keras 3's categorical focal crossentropy: the dense softmax spec with α and γ. */
import { denseSpec } from './dense.js';

/** @internal */
export const categoricalFocalCrossentropySpec = denseSpec('categoricalFocalCrossentropy', ['alpha', 'gamma', 'fromLogits', 'labelSmoothing', 'axis']);
