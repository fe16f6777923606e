import { allocate } from './dtype.js';
import { TENSOR_OPTIONS, checkDType, type TensorOptions } from './convert.js';
import { ValueError } from './errors.js';
import { type Shape, assertShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';
import { checkOptions } from './options.js';

/**
 * A seeded pseudo-random generator (sfc32, seeded through splitmix32): the same seed gives the same
 * stream bit for bit on every machine, so every example and test is reproducible.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const x = rng.randn([2, 3]);
 * const i = rng.randint(0, 10, [5], );
 * rng.uniform(); // a number in [0, 1)
 * ```
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  /**
   * @param seed - any safe integer (|seed| < 2^53) or bigint (its low 64 bits); different seeds
   *   give different streams, equal seeds equal ones. Seeds in [0, 2^32) keep the streams they
   *   have always had.
   */
  constructor(seed: number | bigint = 0) {
    let lo: number;
    let hi: number;
    if (typeof seed === 'bigint') {
      const u = BigInt.asUintN(64, seed);
      lo = Number(u & 0xffffffffn);
      hi = Number(u >> 32n);
    } else {
      if (!Number.isSafeInteger(seed)) {
        throw new ValueError('Rng', 'seed', `expected a safe integer or a bigint, got ${typeof seed === 'number' ? seed : typeof seed}`);
      }
      lo = seed >>> 0;
      hi = Math.floor(seed / 4294967296) >>> 0; // two's complement high word: −1 for small negatives
    }
    let s = lo;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    // Seeds below 2^32 take all four words from the low word (the original streams); larger or
    // negative ones take the last two from the high word, so no two seeds share a starting state.
    if (hi !== 0) s = (hi ^ 0x5bd1e995) | 0;
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** The next 32 random bits as an unsigned integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in `[0, 1)` with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal number (Box–Muller). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * A uniform integer in `[low, high)`.
   * @param low - smallest value.
   * @param high - one past the largest value.
   */
  int(low: number, high: number): number {
    if (!(Number.isInteger(low) && Number.isInteger(high) && high > low)) {
      throw new ValueError('Rng.int', 'high', `expected integers with low < high, got [${low}, ${high})`);
    }
    return low + Math.floor(this.uniform() * (high - low));
  }

  /**
   * Standard normal samples (times `std`, plus `mean`).
   * @param shape - the dimensions.
   * @param options - dtype, requiresGrad, mean and std.
   */
  randn(shape: Shape, options: TensorOptions & { mean?: number; std?: number } = {}): Tensor {
    checkOptions('randn', options, [...TENSOR_OPTIONS, 'mean', 'std', 'seed', 'rng']);
    const { mean = 0, std = 1 } = options;
    return this.fill(shape, options, 'randn', () => mean + std * this.normal());
  }

  /**
   * Uniform samples in `[low, high)`.
   * @param shape - the dimensions.
   * @param options - dtype, requiresGrad, low (default 0) and high (default 1).
   */
  rand(shape: Shape, options: TensorOptions & { low?: number; high?: number } = {}): Tensor {
    checkOptions('rand', options, [...TENSOR_OPTIONS, 'low', 'high', 'seed', 'rng']);
    const { low = 0, high = 1 } = options;
    return this.fill(shape, options, 'rand', () => low + (high - low) * this.uniform());
  }

  /**
   * Uniform integers in `[low, high)` as an int32 tensor.
   * @param low - smallest value.
   * @param high - one past the largest.
   * @param shape - the dimensions.
   */
  randint(low: number, high: number, shape: Shape): Tensor {
    return this.fill(shape, { dtype: 'int32' }, 'randint', () => this.int(low, high));
  }

  /**
   * A random permutation of `0..n-1` (Fisher–Yates), as a plain array.
   * @param n - the length.
   */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  private fill(shape: Shape, options: TensorOptions, op: string, f: () => number): Tensor {
    assertShape(shape, op);
    const d = allocate(checkDType(options.dtype ?? 'float32', op), sizeOf(shape));
    for (let i = 0; i < d.length; i++) d[i] = f();
    const t = new Tensor(d, shape.slice());
    if (options.requiresGrad) t.requiresGrad = true;
    return t;
  }
}

/**
 * Where random functions get their numbers: a `seed` (a fresh {@link Rng}), an `rng` to draw from,
 * or neither (the global generator, reseeded with {@link manualSeed}).
 *
 * @example
 * ```ts
 * randn([3], { seed: 1 });
 * randn([3], { rng: new Rng(1) });
 * ```
 */
export interface RandomOptions extends TensorOptions {
  /** Seed for a fresh generator. */
  seed?: number | bigint;
  /** A generator to draw from (advances it). */
  rng?: Rng;
}

let globalRng = new Rng(0);

/**
 * Reseeds the global generator used when no `seed` or `rng` is given.
 * @param seed - the new seed.
 * @example
 * ```ts
 * manualSeed(0);
 * const a = randn([2]);
 * manualSeed(0);
 * const b = randn([2]); // same values as a
 * ```
 */
export function manualSeed(seed: number | bigint): void {
  globalRng = new Rng(seed);
}

function pick(o: RandomOptions): Rng {
  return o.rng ?? (o.seed !== undefined ? new Rng(o.seed) : globalRng);
}

/**
 * Standard normal samples.
 * @param shape - the dimensions.
 * @param options - seed or rng, dtype, requiresGrad, mean, std.
 * @example
 * ```ts
 * const w = randn([3, 2], { seed: 0, std: 0.1, requiresGrad: true });
 * ```
 */
export function randn(shape: Shape, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  return pick(options).randn(shape, options);
}

/**
 * Uniform samples in `[low, high)` (default `[0, 1)`).
 * @param shape - the dimensions.
 * @param options - seed or rng, dtype, requiresGrad, low, high.
 * @example
 * ```ts
 * rand([2, 2], { seed: 3, low: -1, high: 1 });
 * ```
 */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  return pick(options).rand(shape, options);
}

/**
 * Uniform integers in `[low, high)` as int32.
 * @param low - smallest value.
 * @param high - one past the largest.
 * @param shape - the dimensions.
 * @param options - seed or rng.
 * @example
 * ```ts
 * randint(0, 10, [4], { seed: 0 }).dtype; // 'int32'
 * ```
 */
export function randint(low: number, high: number, shape: Shape, options: { seed?: number; rng?: Rng } = {}): Tensor {
  return pick(options).randint(low, high, shape);
}
