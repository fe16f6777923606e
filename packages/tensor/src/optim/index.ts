/** Optimizers (`optim`) and learning-rate schedulers. */
export { Optimizer } from './optimizer.js';
export type { OptimizerOptions, Schedule } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions, AdamParamState } from './adam.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR } from './lr-scheduler.js';
