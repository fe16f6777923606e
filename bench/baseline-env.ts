/** The environment variable naming the baseline tree of a baseline process (see `baseline.ts`). */
export const BASELINE_ENV = 'FOCALGRAD_BENCH_BASELINE';
