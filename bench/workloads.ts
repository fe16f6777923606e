/**
 * The workloads of issue 5 (W1–W7) and issue 2 (broadcast add, logSoftmax), each built once per
 * implementation from the same seeded data. A builder returns a {@link Runner}: `run` is the timed
 * unit (one call, or one epoch), `check` (untimed) returns numbers every implementation must agree
 * on. Every focalgrad workload uses only the public API of `@focalgrad/tensor` and
 * `@focalgrad/losses`; the tfjs workloads use tf ops, `tf.valueAndGrad` / `optimizer.minimize`
 * (which calls `tf.variableGrads`), `tf.tidy`, and tf's own optimizers.
 */
import type * as TF from '@tensorflow/tfjs';
import * as fg from '@focalgrad/tensor';
import { Prng, binaryLabels, glorot, imbalancedBinary, longTailed, transpose, uniformLabels } from './data.js';
import { NotAvailable, fgBinaryFocal, fgSoftmaxFocal, tfBinaryFocal, tfSoftmaxFocal, type FgLoss } from './losses.js';
import type { Tf } from './tf.js';

/** The implementations compared. */
export type ImplName = 'focalgrad' | 'tfjs-cpu' | 'tfjs-wasm';
/** Every implementation, in table order. */
export const IMPLS: readonly ImplName[] = ['focalgrad', 'tfjs-cpu', 'tfjs-wasm'];

/** One implementation of one workload, ready to run. */
export interface Runner {
  /** The timed unit: one call, or one epoch. Returns the loss where there is one. */
  run(): number | void;
  /** Untimed: the loss (or output entries) and a few gradient entries, for the cross-check. */
  check(): number[];
  /** Frees what the runner holds (tf tensors and variables). */
  dispose(): void;
}

/** How a workload's time is reported. */
export type Metric = 'ms' | 'ms/epoch' | 'GFLOP/s' | 'µs/op';

/**
 * Minimum speedups over tfjs (tfjs time / focalgrad time) that count as meeting issue 5's targets.
 * `wasm: 1` is "no slower", `wasm: 1 / 1.3` is "within 1.3×".
 */
export interface Targets {
  cpu?: number;
  wasm?: number;
}

/** Sizes: the full benchmark, or the tiny `--quick` smoke run. */
export interface Env {
  quick: boolean;
  tf: Tf | null;
}

/** One row of the results table. */
export interface Case {
  id: string;
  label: string;
  metric: Metric;
  /** Floating-point operations per run (for GFLOP/s). */
  flops?: number;
  /** Ops per run (for µs/op). */
  opsPerRun?: number;
  /** A training workload: final losses after the same number of epochs are compared loosely. */
  training?: boolean;
  /** Measure peak RSS for this row (default true; W6 measures only its largest size). */
  memory?: boolean;
  /** Relative tolerance of the cross-implementation check (float32 arithmetic, different orders). */
  tol: number;
  targets: Targets;
  /** Builds one implementation; throws {@link NotAvailable} when a focalgrad export is missing. */
  build(impl: ImplName, env: Env): Runner;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined || v === null) throw new NotAvailable(`${what} is not exported yet`);
  return v;
}

const tfOf = (env: Env): Tf => {
  if (env.tf === null) throw new Error('tfjs not loaded');
  return env.tf;
};

/** Entries of a flat array to cross-check: first, last and a few in between. */
function probe(data: ArrayLike<number>, k = 4): number[] {
  const n = data.length;
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(Number(data[Math.min(n - 1, Math.floor((i * (n - 1)) / Math.max(1, k - 1)))]));
  return out;
}

function sumAbs(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += Math.abs(data[i]!);
  return s;
}

// ---------------------------------------------------------------------------------------------
// W1: binary focal loss value + gradient

function w1(quick: boolean): Case {
  const n = quick ? 10_000 : 1_000_000;
  return {
    id: 'W1',
    label: `binary focal loss value+grad, ${n.toLocaleString('en-US')} logits`,
    metric: 'ms',
    // tfjs-wasm sums the 1e6 per-element losses in float32 (focalgrad and tfjs-cpu agree to 1e-7):
    // its mean is off by up to ~1e-3 relative. Gradients agree to 1e-6.
    tol: 2e-3,
    targets: { cpu: 15, wasm: 2 },
    build(impl, env) {
      const rng = new Prng(101);
      const logits = rng.normals(n, 2);
      const labels = binaryLabels(rng, n, 0.25);
      if (impl === 'focalgrad') {
        const loss = fgBinaryFocal();
        const x = fg.tensor(logits, {}, [n, 1]);
        const y = fg.tensor(labels, {}, [n, 1]);
        const vg = fg.valueAndGrad((z: fg.Tensor) => loss(y, z));
        return {
          run: () => vg(x)[0].item(),
          check: () => {
            const [v, g] = vg(x);
            return [v.item(), sumAbs(g.data), ...probe(g.data)];
          },
          dispose: () => {},
        };
      }
      const tf = tfOf(env);
      const x = tf.tensor2d(logits, [n, 1]);
      const y = tf.tensor2d(labels, [n, 1]);
      const vg = tf.valueAndGrad((z: TF.Tensor) => tfBinaryFocal(tf, y, z));
      return {
        run: () => tf.tidy(() => vg(x).value.dataSync()[0]!),
        check: () =>
          tf.tidy(() => {
            const { value, grad } = vg(x);
            const g = grad.dataSync();
            return [value.dataSync()[0]!, sumAbs(g), ...probe(g)];
          }),
        dispose: () => tf.dispose([x, y]),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// W2: softmax focal loss value + gradient

function w2(id: string, rows: number, classes: number): Case {
  return {
    id,
    label: `softmax focal loss value+grad, ${rows.toLocaleString('en-US')}×${classes.toLocaleString('en-US')}`,
    metric: 'ms',
    tol: 1e-4,
    targets: { cpu: 15, wasm: 2 },
    build(impl, env) {
      const rng = new Prng(202 + classes);
      const logits = rng.normals(rows * classes, 2);
      const labels = uniformLabels(rng, rows, classes);
      if (impl === 'focalgrad') {
        const { loss } = fgSoftmaxFocal(classes);
        const x = fg.tensor(logits, {}, [rows, classes]);
        const y = fg.tensor(labels, {}, [rows]);
        const vg = fg.valueAndGrad((z: fg.Tensor) => loss(y, z));
        return {
          run: () => vg(x)[0].item(),
          check: () => {
            const [v, g] = vg(x);
            return [v.item(), sumAbs(g.data), ...probe(g.data)];
          },
          dispose: () => {},
        };
      }
      const tf = tfOf(env);
      const x = tf.tensor2d(logits, [rows, classes]);
      const oneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32'));
      const vg = tf.valueAndGrad((z: TF.Tensor) => tfSoftmaxFocal(tf, oneHot, z));
      return {
        run: () => tf.tidy(() => vg(x).value.dataSync()[0]!),
        check: () =>
          tf.tidy(() => {
            const { value, grad } = vg(x);
            const g = grad.dataSync();
            return [value.dataSync()[0]!, sumAbs(g), ...probe(g)];
          }),
        dispose: () => tf.dispose([x, oneHot]),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// W3: logistic regression, full-batch gradient descent with binary focal loss

function w3(quick: boolean): Case {
  const n = quick ? 2_000 : 100_000;
  const d = 32;
  const lr = 0.5;
  return {
    id: 'W3',
    label: `logistic regression ${n.toLocaleString('en-US')}×${d}, 1:99, full-batch GD, focal (per epoch)`,
    metric: 'ms/epoch',
    training: true,
    tol: 1e-4,
    targets: { cpu: 7, wasm: 1 },
    build(impl, env) {
      const data = imbalancedBinary(303, n, d, 100);
      const w0 = glorot(304, 1, d); // [1, d]: focalgrad's [out, in] layout
      if (impl === 'focalgrad') {
        const loss = fgBinaryFocal();
        const optim = need(fg.optim?.SGD, 'optim.SGD');
        const linear = need(fg.nn?.functional?.linear, 'nn.functional.linear');
        const x = fg.tensor(data.x, {}, [n, d]);
        const y = fg.tensor(data.y, {}, [n, 1]);
        const w = fg.tensor(w0, { requiresGrad: true }, [1, d]);
        const b = fg.zeros([1]).requireGrad();
        const opt = new optim([w, b], { lr });
        const forward = () => loss(y, linear(x, w, b));
        return {
          run: () => {
            opt.zeroGrad();
            const l = forward();
            l.backward();
            opt.step();
            return l.item();
          },
          check: () => [fg.noGrad(forward).item()],
          dispose: () => {},
        };
      }
      const tf = tfOf(env);
      const x = tf.tensor2d(data.x, [n, d]);
      const y = tf.tensor2d(data.y, [n, 1]);
      const w = tf.variable(tf.tensor2d(w0, [d, 1])); // tf's [in, out] layout: same numbers
      const b = tf.variable(tf.zeros([1]));
      const opt = tf.train.sgd(lr);
      const forward = () => tfBinaryFocal(tf, y, tf.add(tf.matMul(x, w), b));
      return {
        run: () => {
          const cost = opt.minimize(forward, true, [w, b])!;
          const v = cost.dataSync()[0]!;
          cost.dispose();
          return v;
        },
        check: () => tf.tidy(() => [forward().dataSync()[0]!]),
        dispose: () => {
          tf.dispose([x, y, w, b]);
          opt.dispose();
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// W4, W5: minibatch Adam on long-tailed classes

interface Layer {
  inF: number;
  outF: number;
  seed: number;
}

function mlpCase(id: string, label: string, hidden: number[], targets: Targets, quick: boolean): Case {
  const n = quick ? 1_000 : 50_000;
  const d = 64;
  const classes = 10;
  const batch = 256;
  const lr = 1e-2;
  const sizes = [d, ...hidden, classes];
  const layers: Layer[] = sizes.slice(1).map((outF, i) => ({ inF: sizes[i]!, outF, seed: 404 + i }));
  return {
    id,
    label: `${label} ${sizes.join('-')}, ${n.toLocaleString('en-US')} samples, batch ${batch}, Adam (per epoch)`,
    metric: 'ms/epoch',
    training: true,
    tol: 1e-4,
    targets,
    build(impl, env) {
      const data = longTailed(400, n, d, classes, 100);
      const starts: number[] = [];
      for (let s = 0; s < n; s += batch) starts.push(s);
      const rowsOf = (s: number) => Math.min(batch, n - s);
      if (impl === 'focalgrad') {
        const { loss } = fgSoftmaxFocal(classes);
        const nn = need(fg.nn, 'nn');
        const Adam = need(fg.optim?.Adam, 'optim.Adam');
        const Linear = need(nn.Linear, 'nn.Linear');
        const Sequential = need(nn.Sequential, 'nn.Sequential');
        const ReLU = need(nn.ReLU, 'nn.ReLU');
        const mods: fg.nn.Module<[fg.Tensor], fg.Tensor>[] = [];
        layers.forEach((l, i) => {
          const lin = new Linear(l.inF, l.outF);
          lin.weight.data.set(glorot(l.seed, l.outF, l.inF));
          lin.bias!.data.fill(0);
          mods.push(lin);
          if (i < layers.length - 1) mods.push(new ReLU());
        });
        const model = new Sequential(...mods);
        const opt = new Adam(model.parameters(), { lr, betas: [0.9, 0.999], eps: 1e-8 });
        // The batches are views of the dataset (what a data loader yields), made once.
        const xs = starts.map((s) => fg.tensor(data.x.subarray(s * d, (s + rowsOf(s)) * d), {}, [rowsOf(s), d]));
        const ys = starts.map((s) => fg.tensor(data.y.subarray(s, s + rowsOf(s)), {}, [rowsOf(s)]));
        return {
          run: () => {
            let last: fg.Tensor | null = null;
            for (let i = 0; i < xs.length; i++) {
              opt.zeroGrad();
              const l = loss(ys[i]!, model.forward(xs[i]!));
              l.backward();
              opt.step();
              last = l;
            }
            return last!.item();
          },
          check: () => [fg.noGrad(() => loss(ys[0]!, model.forward(xs[0]!))).item()],
          dispose: () => {},
        };
      }
      const tf = tfOf(env);
      const vars: TF.Variable[] = [];
      const params = layers.map((l) => {
        // Same initial numbers, in tf's [in, out] layout.
        const W = tf.variable(tf.tensor2d(transpose(glorot(l.seed, l.outF, l.inF), l.outF, l.inF), [l.inF, l.outF]));
        const b = tf.variable(tf.zeros([l.outF]));
        vars.push(W, b);
        return { W, b };
      });
      const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
      const xs = starts.map((s) => tf.tensor2d(data.x.subarray(s * d, (s + rowsOf(s)) * d), [rowsOf(s), d]));
      const ys = starts.map((s) => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(data.y.subarray(s, s + rowsOf(s)), 'int32'), classes), 'float32')));
      const forward = (i: number) => {
        let h: TF.Tensor = xs[i]!;
        params.forEach((p, j) => {
          h = tf.add(tf.matMul(h, p.W), p.b);
          if (j < params.length - 1) h = tf.relu(h);
        });
        return tfSoftmaxFocal(tf, ys[i]!, h);
      };
      return {
        run: () => {
          let v = NaN;
          for (let i = 0; i < xs.length; i++) {
            const last = i === xs.length - 1;
            const cost = opt.minimize(() => forward(i), last, vars);
            if (cost) {
              v = cost.dataSync()[0]!;
              cost.dispose();
            }
          }
          return v;
        },
        check: () => tf.tidy(() => [forward(0).dataSync()[0]!]),
        dispose: () => {
          tf.dispose([...vars, ...xs, ...ys]);
          opt.dispose();
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// W6: matmul GFLOP/s

function w6(n: number, largest: boolean): Case {
  return {
    id: `W6 n=${n}`,
    label: `float32 matmul ${n}×${n}`,
    metric: 'GFLOP/s',
    flops: 2 * n * n * n,
    memory: largest,
    tol: 1e-4,
    targets: n >= 256 ? { cpu: 4 } : {},
    build(impl, env) {
      const rng = new Prng(600 + n);
      const a = rng.normals(n * n);
      const b = rng.normals(n * n);
      if (impl === 'focalgrad') {
        const A = fg.tensor(a, {}, [n, n]);
        const B = fg.tensor(b, {}, [n, n]);
        return {
          run: () => {
            fg.matmul(A, B);
          },
          check: () => {
            const c = fg.matmul(A, B).data;
            return [sumAbs(c) / c.length, ...probe(c)];
          },
          dispose: () => {},
        };
      }
      const tf = tfOf(env);
      const A = tf.tensor2d(a, [n, n]);
      const B = tf.tensor2d(b, [n, n]);
      return {
        run: () => {
          tf.matMul(A, B).dispose();
        },
        check: () =>
          tf.tidy(() => {
            const c = tf.matMul(A, B).dataSync();
            return [sumAbs(c) / c.length, ...probe(c)];
          }),
        dispose: () => tf.dispose([A, B]),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// W7: per-op overhead with autograd on

function w7(quick: boolean): Case {
  const iters = quick ? 100 : 3_334;
  const ops = iters * 3;
  return {
    id: 'W7',
    label: `per-op overhead, ${ops.toLocaleString('en-US')} ops (2×2 add, mul, sum) recorded for autograd`,
    metric: 'µs/op',
    opsPerRun: ops,
    tol: 1e-5,
    targets: {},
    build(impl, env) {
      const rng = new Prng(700);
      const xv = rng.normals(4);
      const yv = rng.normals(4);
      if (impl === 'focalgrad') {
        const x = fg.tensor(xv, {}, [2, 2]);
        const y = fg.tensor(yv, {}, [2, 2]);
        // Every op inside valueAndGrad sees an input that requires grad, so every op is recorded.
        const f = (z: fg.Tensor) => {
          let s = z;
          for (let i = 0; i < iters; i++) s = fg.sum(fg.mul(fg.add(z, y), y));
          return s;
        };
        const vg = fg.valueAndGrad(f);
        return {
          run: () => {
            vg(x);
          },
          check: () => {
            const [v, g] = vg(x);
            return [v.item(), ...g.data];
          },
          dispose: () => {},
        };
      }
      const tf = tfOf(env);
      const x = tf.tensor2d(xv, [2, 2]);
      const y = tf.tensor2d(yv, [2, 2]);
      // Inside tf.valueAndGrad the tape records every op, as focalgrad's graph does.
      const f = (z: TF.Tensor) => {
        let s: TF.Tensor = z;
        for (let i = 0; i < iters; i++) s = tf.sum(tf.mul(tf.add(z, y), y));
        return s as TF.Scalar;
      };
      const vg = tf.valueAndGrad(f);
      return {
        run: () => {
          tf.tidy(() => {
            vg(x);
          });
        },
        check: () =>
          tf.tidy(() => {
            const { value, grad } = vg(x);
            return [value.dataSync()[0]!, ...grad.dataSync()];
          }),
        dispose: () => tf.dispose([x, y]),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Issue 2: broadcast add and logSoftmax forward + backward

function broadcastAdd(kind: 'row' | 'col', n: number): Case {
  const other = kind === 'row' ? [n] : [n, 1];
  return {
    id: `B-add ${kind}`,
    label: `broadcast add [${n}, ${n}] + [${other.join(', ')}]`,
    metric: 'ms',
    tol: 1e-6,
    targets: {},
    build(impl, env) {
      const rng = new Prng(800);
      const a = rng.normals(n * n);
      const b = rng.normals(n);
      if (impl === 'focalgrad') {
        const A = fg.tensor(a, {}, [n, n]);
        const B = fg.tensor(b, {}, other);
        return {
          run: () => {
            fg.add(A, B);
          },
          check: () => probe(fg.add(A, B).data, 6),
          dispose: () => {},
        };
      }
      const tf = tfOf(env);
      const A = tf.tensor2d(a, [n, n]);
      const B = tf.tensor(b, other);
      return {
        run: () => {
          tf.add(A, B).dispose();
        },
        check: () => tf.tidy(() => probe(tf.add(A, B).dataSync(), 6)),
        dispose: () => tf.dispose([A, B]),
      };
    },
  };
}

function logSoftmaxCase(rows: number, classes: number): Case {
  return {
    id: 'B-logSoftmax',
    label: `logSoftmax forward+backward [${rows}, ${classes}]`,
    metric: 'ms',
    tol: 1e-4,
    targets: {},
    build(impl, env) {
      const rng = new Prng(900);
      const x = rng.normals(rows * classes, 3);
      const ct = rng.normals(rows * classes);
      if (impl === 'focalgrad') {
        const X = fg.tensor(x, {}, [rows, classes]);
        const G = fg.tensor(ct, {}, [rows, classes]);
        const step = () => {
          const [y, back] = fg.vjp((z: fg.Tensor) => fg.logSoftmax(z), X);
          return [y, back(G)[0]!] as const;
        };
        return {
          run: () => {
            step();
          },
          check: () => {
            const [y, g] = step();
            return [...probe(y.data), ...probe(g.data), sumAbs(g.data)];
          },
          dispose: () => {},
        };
      }
      const tf = tfOf(env);
      const X = tf.tensor2d(x, [rows, classes]);
      const G = tf.tensor2d(ct, [rows, classes]);
      const vg = tf.valueAndGrad((z: TF.Tensor): TF.Tensor => tf.logSoftmax(z));
      return {
        run: () => {
          tf.tidy(() => {
            vg(X, G);
          });
        },
        check: () =>
          tf.tidy(() => {
            const { value, grad } = vg(X, G);
            const g = grad.dataSync();
            return [...probe(value.dataSync()), ...probe(g), sumAbs(g)];
          }),
        dispose: () => tf.dispose([X, G]),
      };
    },
  };
}

/** Every workload, in table order. */
export function allCases(quick: boolean): Case[] {
  return [
    w1(quick),
    w2('W2a', quick ? 512 : 65_536, 10),
    w2('W2b', quick ? 64 : 8_192, quick ? 100 : 1_000),
    w3(quick),
    mlpCase('W4', 'softmax regression', [], { cpu: 4, wasm: 1 }, quick),
    mlpCase('W5', 'MLP', [128], { cpu: 4, wasm: 1 / 1.3 }, quick),
    ...(quick ? [32, 64] : [128, 256, 512, 1024]).map((n, i, all) => w6(n, i === all.length - 1)),
    w7(quick),
    broadcastAdd('row', quick ? 64 : 1024),
    broadcastAdd('col', quick ? 64 : 1024),
    logSoftmaxCase(quick ? 64 : 2048, quick ? 50 : 1000),
  ];
}
