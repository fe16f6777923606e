/** @internal PolyLoss (Poly-1, over the crossentropy or the focal loss): the dense softmax spec with ε. */
import { denseSpec } from './dense.js';

/** @internal */
export const polyLossSpec = denseSpec('polyLoss', ['epsilon', 'gamma', 'alpha', 'fromLogits', 'labelSmoothing', 'axis']);
