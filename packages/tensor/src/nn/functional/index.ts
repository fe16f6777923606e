/** Stateless layer functions (`nn.functional`). */
export { linear } from './linear.js';
