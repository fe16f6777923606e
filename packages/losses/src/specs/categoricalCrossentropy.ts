/** @internal Keras 3's categorical crossentropy: the dense softmax spec without class factors. */
import { denseSpec } from './dense.js';

/** @internal */
export const categoricalCrossentropySpec = denseSpec('categoricalCrossentropy', ['fromLogits', 'labelSmoothing', 'axis']);
