/**
 * The minibatch training loop the examples share: Adam over seeded minibatches with a linearly
 * decaying learning rate, the mean training loss per epoch, and a progress display.
 */
import { Rng, noGrad, optim, type Tensor, type nn } from '@focalgrad/tensor';
import { type Batch, type Dataset, featuresTensor, minibatches } from './data.js';
import { type Io, Progress } from './cli.js';

/** A model: any module mapping `(b, dim)` features to `(b, out)` logits. */
export type Model = nn.Module<[Tensor], Tensor>;

/** Computes the mean loss of a batch from the model's logits (scalar tensor). */
export type BatchLoss = (logits: Tensor, batch: Batch) => Tensor;

/** Options of {@link train}. */
export interface TrainOptions {
  /** Passes over the data. */
  epochs: number;
  /** Rows per minibatch. */
  batchSize: number;
  /** Adam's learning rate. */
  lr: number;
  /** Seed of the minibatch order: runs with the same seed see the same batches in the same order. */
  shuffleSeed: number;
  /**
   * Learning-rate schedule: `'linear'` decays the rate linearly from `lr` to 0 over the run (so the
   * final weights settle instead of wandering with the minibatch noise, which makes runs comparable);
   * `'constant'` keeps it (default `'linear'`).
   */
  schedule?: 'linear' | 'constant';
  /** Label of the progress line. */
  label: string;
  /** Where the progress goes. */
  io: Io;
  /** No progress display. */
  quiet?: boolean;
  /** Called after every epoch (1-based), e.g. to evaluate on held-out data; its text joins the progress line. */
  onEpoch?: (epoch: number) => string | void;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** Mean training loss of each epoch (weighted by batch size). */
  epochLoss: number[];
  /** Wall time in milliseconds. */
  ms: number;
}

/**
 * Trains `model` in place with Adam on minibatches of `data`.
 * @param model - the model (its parameters are updated).
 * @param data - the training set.
 * @param loss - the batch loss.
 * @param o - epochs, batch size, learning rate, shuffle seed, progress.
 */
export function train(model: Model, data: Dataset, loss: BatchLoss, o: TrainOptions): TrainResult {
  const stepsPerEpoch = Math.ceil(data.n / o.batchSize);
  const total = o.epochs * stepsPerEpoch;
  const opt = new optim.Adam(model.parameters(), {
    lr: o.lr,
    ...((o.schedule ?? 'linear') === 'linear' ? { schedule: (step: number, base: number) => (base * (total - step)) / total } : {}),
  });
  const rng = new Rng(o.shuffleSeed);
  const dtype = model.parameters()[0]!.dtype === 'float32' ? 'float32' : 'float64';
  const progress = new Progress(o.label, o.epochs, o.io, o.quiet);
  const epochLoss: number[] = [];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let sum = 0;
    for (const batch of minibatches(data, o.batchSize, rng, dtype)) {
      opt.zeroGrad();
      const l = loss(model.forward(batch.x), batch);
      l.backward();
      opt.step();
      sum += l.item() * batch.idx.length;
    }
    const mean = sum / data.n;
    if (!Number.isFinite(mean)) throw new Error(`${o.label}: the training loss became ${mean} at epoch ${epoch}; try a smaller --lr`);
    epochLoss.push(mean);
    progress.update(epoch, mean, o.onEpoch?.(epoch) ?? '');
  }
  progress.done();
  return { epochLoss, ms: progress.elapsedMs };
}

/**
 * The model's logits on a whole data set, without recording a graph.
 * @param model - the model.
 * @param data - the rows.
 */
export function predictLogits(model: Model, data: Dataset): Tensor {
  const dtype = model.parameters()[0]!.dtype === 'float32' ? 'float32' : 'float64';
  return noGrad(() => model.forward(featuresTensor(data, dtype)));
}
