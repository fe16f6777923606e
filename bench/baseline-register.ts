/**
 * `node --import tsx --import ./bench/baseline-register.ts …` with `FOCALGRAD_BENCH_BASELINE=<dir>`:
 * makes this process's focalgrad the baseline tree's (see `baseline-hooks.ts`). It must be an
 * `--import`: the hooks have to be in place before the benchmark's static imports are resolved.
 */
import { register } from 'node:module';
import { BASELINE_ENV } from './baseline-env.js';
import type { BaselineHookData } from './baseline-hooks.js';

const dir = process.env[BASELINE_ENV];
if (!dir) throw new Error(`${BASELINE_ENV} is not set`);
register<BaselineHookData>('./baseline-hooks.ts', import.meta.url, { data: { dir } });
