/**
 * The benchmark driver. For each workload it builds every implementation on the same data, checks
 * that they agree, then times them interleaved — each round runs every implementation once, in a
 * rotated order, each sample a scavenge then back-to-back runs — and reports medians. Peak RSS is measured
 * separately, one child process per (workload, implementation), so that one library's heap never
 * counts against another's: the child builds the workload, runs it once, collects garbage, resets
 * the kernel's high-water mark (`/proc/self/clear_refs`), runs a few more epochs or calls recording
 * RSS after each, and reports the high-water mark. With `--baseline`, a second focalgrad tree is
 * timed in the same rounds (`baseline.ts`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FocalgradProcess, focalgradProcessMain, childNode, withBaseline, type Baseline } from './baseline.js';
import { NotAvailable, loadLosses } from './losses.js';
import { gc, runSample, type Contender } from './sample.js';
import { loadTf, tfInfo, useBackend, type TfInfo } from './tf.js';
import { IMPLS, allCases, type Case, type Env, type ImplName, type Runner } from './workloads.js';

/** Command-line options. */
export interface Options {
  /** Tiny sizes, one warm-up and two rounds: a smoke run. */
  quick: boolean;
  /** Timed rounds per workload (each round runs every implementation once). */
  rounds: number;
  /** Untimed warm-up runs per implementation. */
  warmup: number;
  /** Target length of one timed sample (ms): fast workloads repeat back to back to fill it. */
  sampleMs: number;
  /** At most this many runs per sample. */
  maxReps: number;
  /** Only workloads whose id starts with one of these (case-insensitive). */
  only: string[] | null;
  /** Measure peak RSS in child processes. */
  memory: boolean;
  /** Timed runs in each memory child after its warm-up. */
  memRuns: number;
  /** Write `bench/RESULTS.md`. */
  record: boolean;
  /** Print progress to stderr. */
  verbose: boolean;
  /** `--baseline`: a git revision or a directory holding another focalgrad tree to time alongside. */
  baseline: string | null;
}

/** A column of timings: an implementation, or the baseline focalgrad tree. */
export type Column = ImplName | 'baseline';

/** Peak RSS of one implementation on one workload, from its own child process. */
export interface MemResult {
  /** High-water mark of RSS while the workload ran (MB). */
  peakMB: number;
  /** RSS after garbage collection, before the measured runs (MB). */
  idleMB: number;
  /** RSS after garbage collection following each measured run (MB). */
  afterRunMB: number[];
}

/** What happened to one implementation of one workload. */
export interface ImplResult {
  status: 'ok' | 'unavailable' | 'error';
  message?: string;
  /** Time per run of each timed sample (ms). */
  times: number[];
  median: number;
  /** Runs per timed sample. */
  reps: number;
  checkBefore: number[];
  checkAfter: number[];
  lastLoss: number | null;
  mem?: MemResult | { error: string };
}

/** One workload's results. */
export interface CaseResult {
  id: string;
  label: string;
  metric: Case['metric'];
  targets: Case['targets'];
  /** The baseline's column name (`focalgrad@<rev>`), with `--baseline`. */
  baselineLabel?: string;
  impls: Record<ImplName, ImplResult> & { baseline?: ImplResult };
  /** Cross-implementation agreement: worst relative difference against focalgrad (or tfjs-cpu). */
  agreement: { ok: boolean; worst: number; note: string };
  value: Record<ImplName, number | null> & { baseline?: number | null };
  /** Other time / focalgrad time, from the medians (> 1: focalgrad is faster). */
  speedup: { cpu: number | null; wasm: number | null; baseline?: number | null };
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function activate(env: Env, impl: ImplName): Promise<void> {
  if (impl !== 'focalgrad' && env.tf !== null) await useBackend(env.tf, impl === 'tfjs-cpu' ? 'cpu' : 'wasm');
}

/** The value shown in the table for a median time `ms`: ms, GFLOP/s or µs per op. */
function metricValue(c: Case, ms: number): number {
  if (c.metric === 'GFLOP/s') return c.flops! / (ms * 1e6);
  if (c.metric === 'µs/op') return (ms * 1000) / c.opsPerRun!;
  return ms;
}

/** Worst relative difference of `a` from `b`, with a floor of `1e-3·max|b|` on the scale. */
function relDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-3 * scale, 1e-30);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}

function emptyResult(): ImplResult {
  return { status: 'ok', times: [], median: NaN, reps: 1, checkBefore: [], checkAfter: [], lastLoss: null };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/** One implementation of `c` in this process; tfjs implementations switch the backend first. */
function localContender(c: Case, impl: ImplName, env: Env): Contender {
  let runner: Runner | null = null;
  const live = async (): Promise<Runner> => {
    await activate(env, impl);
    if (runner === null) throw new Error(`${c.id} ${impl} is not built`);
    return runner;
  };
  return {
    build: async () => {
      await activate(env, impl);
      runner = c.build(impl, env);
      return runner.check();
    },
    sample: async (reps) => runSample(await live(), reps),
    check: async () => (await live()).check(),
    dispose: async () => (await live()).dispose(),
  };
}

/** The name of a column in the table and the notes. */
function columnName(col: Column, baselineLabel: string | undefined): string {
  return col === 'baseline' ? (baselineLabel ?? 'baseline') : col;
}

/** With `--baseline`: its column name and the two focalgrad processes, the current tree's and the baseline's. */
interface BaselineRun {
  label: string;
  current: FocalgradProcess;
  baseline: FocalgradProcess;
}

async function timeCase(c: Case, env: Env, opts: Options, baseline: BaselineRun | null, log: (s: string) => void): Promise<CaseResult> {
  const contenders = new Map<Column, Contender>(IMPLS.map((i) => [i, localContender(c, i, env)]));
  if (baseline) {
    contenders.set('focalgrad', baseline.current.contender(c.id));
    contenders.set('baseline', baseline.baseline.contender(c.id));
  }
  const cols = [...contenders.keys()];
  const impls = Object.fromEntries(cols.map((i) => [i, emptyResult()])) as CaseResult['impls'];
  const result = (col: Column): ImplResult => impls[col]!;
  const fail = (col: Column, e: unknown, status: ImplResult['status']) => {
    const r = result(col);
    r.status = status;
    r.message = errorMessage(e);
    if (status === 'error' && opts.verbose) log(`  ${c.id} ${col}: ${e instanceof Error ? e.stack : e}`);
  };
  for (const col of cols) {
    try {
      result(col).checkBefore = await contenders.get(col)!.build();
    } catch (e) {
      fail(col, e, e instanceof NotAvailable ? 'unavailable' : 'error');
    }
  }
  const live = cols.filter((i) => result(i).status === 'ok');
  // Training workloads run the same number of epochs everywhere, re-warming included.
  const sample = async (col: Column, reps: number, timed: boolean): Promise<number> => {
    const r = result(col);
    if (r.status !== 'ok') return NaN;
    try {
      const s = await contenders.get(col)!.sample(reps);
      if (s.loss !== null) r.lastLoss = s.loss;
      if (timed) r.times.push(s.ms);
      return s.ms;
    } catch (e) {
      fail(col, e, 'error');
      return NaN;
    }
  };
  const warm = new Map<Column, number>();
  for (let w = 0; w < opts.warmup; w++) {
    for (const col of live) {
      // A run of over a second is long enough to have warmed the JIT: one warm-up is enough.
      if (w > 0 && (warm.get(col) ?? 0) > 1000) continue;
      warm.set(col, await sample(col, 1, false));
    }
  }
  const reps = repsPerSample(c, live, warm, opts);
  for (let round = 0; round < opts.rounds; round++) {
    // Rotate the order each round so no implementation always runs right after another.
    for (let k = 0; k < live.length; k++) {
      const col = live[(k + round) % live.length]!;
      await sample(col, reps.get(col)!, true);
    }
  }
  for (const col of live) {
    const r = result(col);
    r.reps = reps.get(col)!;
    if (r.status !== 'ok') continue;
    try {
      r.checkAfter = await contenders.get(col)!.check();
    } catch (e) {
      fail(col, e, 'error');
    }
    r.median = median(r.times);
  }
  for (const col of live) {
    try {
      await contenders.get(col)!.dispose();
    } catch (e) {
      if (result(col).status === 'ok') fail(col, e, 'error');
    }
  }
  const value = Object.fromEntries(cols.map((i) => [i, result(i).status === 'ok' ? metricValue(c, result(i).median) : null])) as CaseResult['value'];
  const sp = (other: Column): number | null => {
    const f = impls.focalgrad;
    const t = impls[other];
    return t !== undefined && f.status === 'ok' && t.status === 'ok' ? t.median / f.median : null;
  };
  const speedup: CaseResult['speedup'] = { cpu: sp('tfjs-cpu'), wasm: sp('tfjs-wasm') };
  if (baseline) speedup.baseline = sp('baseline');
  return {
    id: c.id,
    label: c.label,
    metric: c.metric,
    targets: c.targets,
    ...(baseline ? { baselineLabel: baseline.label } : {}),
    impls,
    agreement: agreement(c, impls, cols, baseline?.label),
    value,
    speedup,
  };
}

/** Runs per timed sample for each live column, calibrated from its last warm-up run. */
function repsPerSample(c: Case, live: readonly Column[], warm: ReadonlyMap<Column, number>, opts: Options): Map<Column, number> {
  // Enough runs per sample to fill `sampleMs`.
  const fill = (ms: number | undefined) => (ms !== undefined && ms > 0 ? Math.max(1, Math.min(opts.maxReps, Math.round(opts.sampleMs / ms))) : 1);
  if (!c.training) return new Map(live.map((col) => [col, fill(warm.get(col))]));
  // Every implementation must train for the same number of epochs (the final losses are
  // compared): one count for all, from the fastest, capped so the slowest sample stays ~3 s.
  const ts = live.map((i) => warm.get(i)).filter((t): t is number => t !== undefined && t > 0);
  const n = ts.length ? Math.max(1, Math.min(fill(Math.min(...ts)), Math.floor(3000 / Math.max(...ts)))) : 1;
  return new Map(live.map((col) => [col, n]));
}

/** Every column against focalgrad (or tfjs-cpu when focalgrad is missing). */
function agreement(c: Case, impls: CaseResult['impls'], cols: readonly Column[], baselineLabel: string | undefined): CaseResult['agreement'] {
  const ref: Column = impls.focalgrad.status === 'ok' ? 'focalgrad' : 'tfjs-cpu';
  let worst = 0;
  let ok = true;
  const notes: string[] = [];
  for (const col of cols) {
    const r = impls[col]!;
    if (col === ref || r.status !== 'ok' || impls[ref].status !== 'ok') continue;
    const name = columnName(col, baselineLabel);
    const before = relDiff(r.checkBefore, impls[ref].checkBefore);
    worst = Math.max(worst, before);
    if (!(before <= c.tol)) {
      ok = false;
      notes.push(`${name} differs from ${ref} by ${before.toExponential(1)} (tol ${c.tol})`);
    }
    if (c.training) {
      // After the same number of epochs the trajectories have drifted apart by float32 rounding.
      const after = relDiff(r.checkAfter, impls[ref].checkAfter);
      if (!(after <= 5e-2)) {
        ok = false;
        notes.push(`${name} final loss differs from ${ref} by ${after.toExponential(1)}`);
      }
    }
  }
  return { ok, worst, note: notes.join('; ') };
}

function hwmKB(): number {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : process.resourceUsage().maxRSS;
}

/** The body of a memory child: `run.ts --child <caseId> <impl> [--quick] [--mem-runs N]`. */
export async function childMain(caseId: string, impl: ImplName, quick: boolean, runs: number): Promise<void> {
  const c = allCases(quick).find((x) => x.id === caseId);
  if (!c) throw new Error(`unknown case ${caseId}`);
  await loadLosses();
  const env: Env = { quick, tf: impl === 'focalgrad' ? null : await loadTf() };
  await activate(env, impl);
  const runner = c.build(impl, env);
  runner.run();
  gc();
  const mb = () => process.memoryUsage().rss / 2 ** 20;
  const idle = mb();
  let reset = true;
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    reset = false; // without a reset the high-water mark includes set-up
  }
  const after: number[] = [];
  for (let i = 0; i < runs; i++) {
    runner.run();
    gc();
    after.push(mb());
  }
  const peak = hwmKB() / 1024;
  const out: MemResult & { reset: boolean } = { peakMB: peak, idleMB: idle, afterRunMB: after, reset };
  process.stdout.write(`@@MEM ${JSON.stringify(out)}\n`);
}

/** Peak RSS of one column of `c` in its own child process; the baseline's child runs tree `baselineDir`. */
function measureMemory(c: Case, col: Column, opts: Options, baselineDir: string | null): MemResult | { error: string } {
  const { execArgv, env } = childNode(col === 'baseline' ? baselineDir : null);
  const impl: ImplName = col === 'baseline' ? 'focalgrad' : col;
  const args = [...execArgv, path.join(HERE, 'run.ts'), '--child', c.id, impl, '--mem-runs', String(opts.memRuns)];
  if (opts.quick) args.push('--quick');
  const res = spawnSync(process.execPath, args, { encoding: 'utf8', env, timeout: 120_000, maxBuffer: 16 * 2 ** 20 });
  const line = res.stdout?.split('\n').find((l) => l.startsWith('@@MEM '));
  if (!line) {
    const why = res.error ? String(res.error) : (res.stderr || `exit ${res.status}`).trim().split('\n').slice(-1)[0];
    return { error: why || 'no output' };
  }
  return JSON.parse(line.slice(6)) as MemResult;
}

const fmt = (v: number | null, digits = 2): string => {
  if (v === null || Number.isNaN(v)) return '—';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(digits);
};

const speed = (v: number | null): string => (v === null ? '—' : `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}×`);

function targetText(r: CaseResult): string {
  const parts: string[] = [];
  if (r.targets.cpu !== undefined) parts.push(`≥${r.targets.cpu}× cpu`);
  if (r.targets.wasm !== undefined) {
    const w = r.targets.wasm;
    parts.push(w === 1 ? '≥1× wasm' : w < 1 ? `≥1/${(1 / w).toFixed(1)}× wasm` : `≥${w}× wasm`);
  }
  if (r.id === 'W7') parts.push('< 2 µs/op');
  return parts.join(', ') || '—';
}

function targetMet(r: CaseResult): boolean | null {
  if (r.id === 'W7') return r.value.focalgrad === null ? null : r.value.focalgrad < 2;
  if (r.targets.cpu === undefined && r.targets.wasm === undefined) return null;
  let ok = true;
  if (r.targets.cpu !== undefined) {
    if (r.speedup.cpu === null) return null;
    ok &&= r.speedup.cpu >= r.targets.cpu;
  }
  if (r.targets.wasm !== undefined) {
    if (r.speedup.wasm === null) return null;
    ok &&= r.speedup.wasm >= r.targets.wasm;
  }
  return ok;
}

function memCell(m: ImplResult['mem']): string {
  if (m === undefined) return '—';
  if ('error' in m) return 'err';
  return `${m.peakMB.toFixed(0)} (+${Math.max(0, m.peakMB - m.idleMB).toFixed(0)})`;
}

function growthCell(m: ImplResult['mem']): string {
  if (m === undefined || 'error' in m || m.afterRunMB.length < 2) return '—';
  const g = m.afterRunMB[m.afterRunMB.length - 1]! - m.afterRunMB[0]!;
  return `${g >= 0 ? '+' : ''}${g.toFixed(1)}`;
}

/** Short names of the columns in the memory headers. */
const SHORT: Record<Column, string> = { focalgrad: 'fg', baseline: 'base', 'tfjs-cpu': 'cpu', 'tfjs-wasm': 'wasm' };

function timeCell(r: CaseResult, col: Column): string {
  const s = r.impls[col];
  if (s === undefined || s.status === 'unavailable') return 'n/a';
  if (s.status === 'error') return 'error';
  return fmt(r.value[col] ?? null);
}

/**
 * The results as a markdown table plus notes on skipped workloads and the agreement check. With a
 * baseline, its times follow focalgrad's, `vs baseline` (baseline time / focalgrad time) precedes
 * `vs cpu`, and the memory columns include it.
 */
export function renderTable(results: readonly CaseResult[], withMemory: boolean): string {
  const baselineLabel = results.find((r) => r.baselineLabel !== undefined)?.baselineLabel;
  const cols: Column[] = baselineLabel === undefined ? [...IMPLS] : ['focalgrad', 'baseline', ...IMPLS.slice(1)];
  const memCols = cols.map((c) => SHORT[c]).join(' / ');
  const head = ['id', 'workload', 'unit', ...cols.map((c) => columnName(c, baselineLabel))];
  if (baselineLabel !== undefined) head.push('vs baseline');
  head.push('vs cpu', 'vs wasm', 'target', 'met', 'same loss');
  if (withMemory) head.push(`peak RSS MB (+ over idle) ${memCols}`, `RSS drift MB ${memCols}`, 'mem ok');
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  const notes: string[] = [];
  for (const r of results) {
    const met = targetMet(r);
    const row = [r.id, r.label, r.metric, ...cols.map((c) => timeCell(r, c))];
    if (baselineLabel !== undefined) row.push(speed(r.speedup.baseline ?? null));
    row.push(
      speed(r.speedup.cpu),
      speed(r.speedup.wasm),
      targetText(r),
      met === null ? '—' : met ? 'yes' : '**no**',
      r.agreement.ok ? `yes (${r.agreement.worst.toExponential(0)})` : '**no**',
    );
    if (withMemory) {
      const m = (i: Column) => r.impls[i]?.mem;
      row.push(cols.map((c) => memCell(m(c))).join(' / '));
      row.push(cols.map((c) => growthCell(m(c))).join(' / '));
      const f = m('focalgrad');
      const c = m('tfjs-cpu');
      row.push(f && c && !('error' in f) && !('error' in c) ? (f.peakMB <= c.peakMB ? 'yes' : '**no**') : '—');
    }
    lines.push(`| ${row.join(' | ')} |`);
    for (const col of cols) {
      const s = r.impls[col];
      if (s === undefined) continue;
      const name = columnName(col, baselineLabel);
      if (s.status === 'unavailable') notes.push(`- ${r.id} ${name}: ${col === 'baseline' ? 'not available in the baseline' : 'not available yet'} — ${s.message}`);
      else if (s.status === 'error') notes.push(`- ${r.id} ${name}: error — ${s.message}`);
      if (s.mem !== undefined && 'error' in s.mem) notes.push(`- ${r.id} ${name}: peak-RSS child failed — ${s.mem.error}`);
    }
    if (!r.agreement.ok && r.agreement.note) notes.push(`- ${r.id}: ${r.agreement.note}`);
  }
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** What `main` does besides benchmarking: be a memory child or a focalgrad process (`baseline.ts`). */
type Role = { child: [string, ImplName] | null; focalgradProcess: boolean };

const HELP = `npm run bench -- [options]

  --quick                 tiny sizes, one warm-up run and two rounds: a smoke run
  --rounds N              timed rounds per workload (default 5; 2 with --quick)
  --warmup N              untimed warm-up runs per implementation (default 2)
  --sample-ms MS          target length of one timed sample (default 200; at most 20 with --quick)
  --only W1,W6            only workloads whose id starts with one of these
  --no-mem                skip the peak-RSS child processes
  --mem-runs N            measured runs in each peak-RSS child (default 2)
  --baseline REV|DIR      also time another focalgrad tree in the same rounds: a git revision of
                          this repository (checked out in a temporary worktree, removed at the end)
                          or a directory holding a focalgrad checkout. Adds a focalgrad@REV column,
                          'vs baseline' (baseline time / current time: > 1, the change is faster)
                          and the baseline's peak RSS; n/a where the baseline lacks a workload's API.
                          Both focalgrad trees then run in child processes of their own
  --record                rewrite the table of bench/RESULTS.md
  --silent                print nothing (the smoke test)
`;

function parseArgs(argv: readonly string[]): Options & Role {
  const o: Options & Role = {
    quick: false, rounds: 5, warmup: 2, sampleMs: 200, maxReps: 50, only: null, memory: true, memRuns: 2, record: false, verbose: true, baseline: null,
    child: null, focalgradProcess: false,
  };
  let roundsSet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--rounds') {
      o.rounds = Number(val());
      roundsSet = true;
    } else if (a === '--warmup') o.warmup = Number(val());
    else if (a === '--sample-ms') o.sampleMs = Number(val());
    else if (a === '--only') o.only = val().split(',').map((s) => s.trim().toLowerCase());
    else if (a === '--no-mem') o.memory = false;
    else if (a === '--mem-runs') o.memRuns = Number(val());
    else if (a === '--baseline') o.baseline = val();
    else if (a === '--record') o.record = true;
    else if (a === '--silent') o.verbose = false;
    else if (a === '--child') o.child = [val(), val() as ImplName];
    else if (a === '--focalgrad-process') o.focalgradProcess = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.quick && !roundsSet) o.rounds = 2;
  if (o.quick) o.sampleMs = Math.min(o.sampleMs, 20);
  return o;
}

/** The machine, for the results header. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism?.() ?? os.cpus().length} cores (nproc), ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Times every case; with a baseline, both focalgrad trees run in processes of their own, in the same rounds. */
async function timeCases(cases: readonly Case[], env: Env, opts: Options, baseline: Baseline | null, log: (s: string) => void): Promise<CaseResult[]> {
  const run: BaselineRun | null = baseline && {
    label: baseline.label,
    current: new FocalgradProcess(null, opts.quick),
    baseline: new FocalgradProcess(baseline.dir, opts.quick),
  };
  try {
    const results: CaseResult[] = [];
    for (const c of cases) {
      const t0 = performance.now();
      const r = await timeCase(c, env, opts, run, log);
      results.push(r);
      const times = (Object.keys(r.impls) as Column[]).map((i) => `${columnName(i, r.baselineLabel)} ${r.impls[i]!.status === 'ok' ? fmt(r.value[i] ?? null) : r.impls[i]!.status}`);
      log(`${c.id}: ${times.join(', ')} ${c.metric} [${((performance.now() - t0) / 1000).toFixed(1)} s]`);
    }
    return results;
  } finally {
    run?.current.close();
    run?.baseline.close();
  }
}

/** Peak RSS of every column that ran, each in its own child process. */
function measureAll(cases: readonly Case[], results: readonly CaseResult[], opts: Options, baseline: Baseline | null, log: (s: string) => void): void {
  for (const [k, c] of cases.entries()) {
    if (c.memory === false) continue;
    const r = results[k]!;
    const cols = Object.keys(r.impls) as Column[];
    for (const col of cols) {
      const s = r.impls[col]!;
      if (s.status === 'ok') s.mem = measureMemory(c, col, opts, baseline?.dir ?? null);
    }
    log(`${c.id} peak RSS MB: ${cols.map((i) => `${columnName(i, r.baselineLabel)} ${memCell(r.impls[i]!.mem)}`).join(', ')}`);
  }
}

/**
 * Runs the benchmark with command-line arguments `argv`; returns the results (and prints the
 * table unless `--silent`).
 */
export async function main(argv: readonly string[]): Promise<CaseResult[]> {
  const opts = parseArgs(argv);
  if (opts.child) {
    await childMain(opts.child[0], opts.child[1], opts.quick, opts.memRuns);
    return [];
  }
  if (opts.focalgradProcess) {
    await focalgradProcessMain(opts.quick);
    return [];
  }
  return withBaseline(opts.baseline, (baseline) => benchmark(argv, opts, baseline));
}

async function benchmark(argv: readonly string[], opts: Options, baseline: Baseline | null): Promise<CaseResult[]> {
  const log = (s: string) => {
    if (opts.verbose) process.stderr.write(s + '\n');
  };
  const started = performance.now();
  const loadBefore = os.loadavg()[0]!;
  await loadLosses();
  const tf = await loadTf();
  const env: Env = { quick: opts.quick, tf };
  const info: TfInfo = await tfInfo();
  const cases = allCases(opts.quick).filter((c) => opts.only === null || opts.only.some((p) => c.id.toLowerCase().startsWith(p)));
  const results = await timeCases(cases, env, opts, baseline, log);
  if (opts.memory) measureAll(cases, results, opts, baseline, log);
  const seconds = (performance.now() - started) / 1000;
  const table = renderTable(results, opts.memory);
  const header = [
    `focalgrad vs TensorFlow.js ${info.version} (cpu backend; wasm backend, SIMD ${info.wasmSimd ? 'on' : 'off'}, ${info.wasmThreads ? 'multi-threaded' : '1 thread'})`,
    ...(baseline ? [`baseline ${baseline.label}: ${baseline.dir}${baseline.commit ? ` at ${baseline.commit}` : ''}, both focalgrad trees timed in processes of their own; vs baseline = baseline time / focalgrad time (> 1: the change made it faster)`] : []),
    `${new Date().toISOString()} · ${machine()} · load average ${loadBefore.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end`,
    `medians of ${opts.rounds} interleaved rounds after ${opts.warmup} warm-up run(s); each sample is a scavenge, one untimed run (when runs are shorter than the sample), then back-to-back runs filling ~${opts.sampleMs} ms (at least one); speedup = tfjs time / focalgrad time (> 1: focalgrad faster); total ${seconds.toFixed(0)} s`,
  ].join('\n');
  if (opts.verbose) process.stdout.write(`\n${header}\n\n${table}\n`);
  if (opts.record) writeResults(header, table, argv, seconds, baseline !== null);
  return results;
}

function writeResults(header: string, table: string, argv: readonly string[], seconds: number, withBaseline: boolean): void {
  const file = path.join(HERE, 'RESULTS.md');
  const cmd = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const body = [
    '# Benchmark results',
    '',
    `Command: \`${cmd}\` (took ${seconds.toFixed(0)} s).`,
    '',
    '```',
    header,
    '```',
    '',
    table,
    '',
    'Columns: `unit` is what the three implementation columns hold (ms and ms/epoch: lower is better;',
    'GFLOP/s: higher is better). `vs cpu` / `vs wasm`: how many times faster focalgrad is. `same loss`: every',
    'implementation reported the same loss / outputs / gradient entries as focalgrad (worst relative difference',
    'in brackets; training workloads also compare the loss after the same number of epochs). Peak RSS: the',
    'high-water mark of a child process running only that implementation of that workload (after a warm-up',
    'run and a reset of the mark), and in brackets how far it rose above the RSS after GC just before the measured',
    'runs (the workload\'s own working set: the tfjs children also hold the tfjs modules, about 90 MB);',
    'RSS drift: RSS after GC following the last measured run minus after the first (flat: about 0).',
    ...(withBaseline
      ? [
          '`focalgrad@…`: the baseline tree (`--baseline`), timed in the same rounds; both focalgrad trees ran in',
          'processes of their own. `vs baseline`: baseline time / focalgrad time (> 1: the change made it faster).',
        ]
      : []),
    '',
  ].join('\n');
  // Hand-written analysis below the marker survives re-recording.
  const marker = '<!-- notes -->';
  const prev = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const at = prev.indexOf(marker);
  fs.writeFileSync(file, at >= 0 ? `${body}\n${prev.slice(at)}` : body);
}
