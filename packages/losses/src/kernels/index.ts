/**
 * @internal The loss kernels, as one set: the only module the loss specs and `focalCurves` take
 * kernels from, so that a second backend (WebAssembly) can supply the same set and be selected
 * here. The binary kernels are elementwise ({@link ElementwiseKernel}, run over a tensor by the
 * drivers of `binary/rows.ts`); the softmax ones take a whole op call (rows along the class axis).
 */
import { bceLogits, bceProbs } from './binary/bce.js';
import { focalLogits, focalProbs } from './binary/focal.js';
import { flLogits, flProbs } from './binary/focalLossPackage.js';
import { focalStarLogits } from './binary/focalStar.js';
import type { BceKernelParams } from './binary/bce.js';
import type { FocalKernelParams } from './binary/focal.js';
import type { FlKernelParams } from './binary/focalLossPackage.js';
import type { FocalStarKernelParams } from './binary/focalStar.js';
import type { ElementwiseKernel } from './binary/rows.js';
import { type DenseAttrs, denseForward } from './softmax/dense.js';
import { type SparseAttrs, sparseForward } from './softmax/sparse.js';

/** What a kernel backend provides. */
export interface LossKernelSet {
  /** Keras binary crossentropy, from logits. */
  readonly bceLogits: ElementwiseKernel<BceKernelParams>;
  /** Keras binary crossentropy, from (clipped) probabilities. */
  readonly bceProbs: ElementwiseKernel<BceKernelParams>;
  /** α-balanced binary focal crossentropy (Keras, torchvision), from logits. */
  readonly focalLogits: ElementwiseKernel<FocalKernelParams>;
  /** α-balanced binary focal crossentropy (Keras), from probabilities. */
  readonly focalProbs: ElementwiseKernel<FocalKernelParams>;
  /** The `focal-loss` package's binary focal loss, from logits. */
  readonly flLogits: ElementwiseKernel<FlKernelParams>;
  /** The `focal-loss` package's binary focal loss, from probabilities. */
  readonly flProbs: ElementwiseKernel<FlKernelParams>;
  /** FL* (Lin et al., appendix A), from logits. */
  readonly focalStarLogits: ElementwiseKernel<FocalStarKernelParams>;
  /** Integer-label softmax losses: per-row losses or their fused reduction, and the derivatives. */
  readonly sparse: typeof sparseForward;
  /** Dense-label softmax losses: per-row losses and the derivatives. */
  readonly dense: typeof denseForward;
}

/** The JavaScript kernels: the reference backend. */
export const jsKernels: LossKernelSet = { bceLogits, bceProbs, focalLogits, focalProbs, flLogits, flProbs, focalStarLogits, sparse: sparseForward, dense: denseForward };

/** The kernel set the losses run on. */
export const lossKernels: LossKernelSet = jsKernels;

export type { BceKernelParams, DenseAttrs, ElementwiseKernel, FlKernelParams, FocalKernelParams, FocalStarKernelParams, SparseAttrs };
export { focalParams } from './binary/focal.js';
export { flParams } from './binary/focalLossPackage.js';
export { elementwise, fusedScale, runBinaryKernel } from './binary/rows.js';
export { EPSILON, clipBounds, epsilonIn } from './epsilon.js';
