/**
 * The benchmark driver. For each workload it builds every implementation on the same data, checks
 * that they agree, then times them interleaved — each round runs every implementation once, in a
 * rotated order, each sample a scavenge then back-to-back runs — and reports medians. Peak RSS is measured
 * separately, one child process per (workload, implementation), so that one library's heap never
 * counts against another's: the child builds the workload, runs it once, collects garbage, resets
 * the kernel's high-water mark (`/proc/self/clear_refs`), runs a few more epochs or calls recording
 * RSS after each, and reports the high-water mark.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { NotAvailable, loadLosses } from './losses.js';
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
}

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
  impls: Record<ImplName, ImplResult>;
  /** Cross-implementation agreement: worst relative difference against focalgrad (or tfjs-cpu). */
  agreement: { ok: boolean; worst: number; note: string };
  value: Record<ImplName, number | null>;
  speedup: { cpu: number | null; wasm: number | null };
}

/** V8's `gc()`: a full collection, or with `{ type: 'minor' }` a scavenge of the young generation. */
const gc: (options?: { type: 'minor' | 'major' }) => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
})();

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

async function timeCase(c: Case, env: Env, opts: Options, log: (s: string) => void): Promise<CaseResult> {
  const impls = Object.fromEntries(IMPLS.map((i) => [i, emptyResult()])) as Record<ImplName, ImplResult>;
  const runners = new Map<ImplName, Runner>();
  for (const impl of IMPLS) {
    const r = impls[impl];
    try {
      await activate(env, impl);
      const runner = c.build(impl, env);
      runners.set(impl, runner);
      r.checkBefore = runner.check();
    } catch (e) {
      r.status = e instanceof NotAvailable ? 'unavailable' : 'error';
      r.message = errorMessage(e);
      if (r.status === 'error' && opts.verbose) log(`  ${c.id} ${impl}: ${e instanceof Error ? e.stack : e}`);
    }
  }
  const live = IMPLS.filter((i) => runners.has(i));
  // One timed sample: `reps` consecutive runs after a scavenge, so each implementation starts clean but
  // pays for the garbage collection its own runs cause (a training loop does not GC between steps).
  // Training workloads run the same number of epochs everywhere, re-warming included.
  const sample = async (impl: ImplName, reps: number, timed: boolean): Promise<number> => {
    const r = impls[impl];
    if (r.status !== 'ok') return NaN;
    try {
      await activate(env, impl);
      // A scavenge clears the previous implementation's young garbage. (A forced full GC would also
      // do, but it leaves a cold heap — released pages, reset GC heuristics — that slows the next
      // dozens of runs by up to 2×, which no real loop sees.) Fast workloads also get one untimed
      // run to settle the heap before the timed ones.
      gc({ type: 'minor' });
      const runner = runners.get(impl)!;
      if (reps > 1) runner.run();
      const t0 = performance.now();
      let v: number | void = undefined;
      for (let i = 0; i < reps; i++) v = runner.run();
      const dt = (performance.now() - t0) / reps;
      if (typeof v === 'number') r.lastLoss = v;
      if (timed) r.times.push(dt);
      return dt;
    } catch (e) {
      r.status = 'error';
      r.message = errorMessage(e);
      if (opts.verbose) log(`  ${c.id} ${impl}: ${e instanceof Error ? e.stack : e}`);
      return NaN;
    }
  };
  const reps = new Map<ImplName, number>();
  for (const impl of live) reps.set(impl, 1);
  const warm = new Map<ImplName, number>();
  for (let w = 0; w < opts.warmup; w++) {
    for (const impl of live) {
      // A run of over a second is long enough to have warmed the JIT: one warm-up is enough.
      if (w > 0 && (warm.get(impl) ?? 0) > 1000) continue;
      warm.set(impl, await sample(impl, 1, false));
    }
  }
  // Calibrate from the last warm-up run: enough runs per sample to fill `sampleMs`.
  const fill = (ms: number | undefined) => (ms !== undefined && ms > 0 ? Math.max(1, Math.min(opts.maxReps, Math.round(opts.sampleMs / ms))) : 1);
  if (c.training) {
    // Every implementation must train for the same number of epochs (the final losses are
    // compared): one count for all, from the fastest, capped so the slowest sample stays ~3 s.
    const ts = live.map((i) => warm.get(i)).filter((t): t is number => t !== undefined && t > 0);
    const n = ts.length ? Math.max(1, Math.min(fill(Math.min(...ts)), Math.floor(3000 / Math.max(...ts)))) : 1;
    for (const impl of live) reps.set(impl, n);
  } else {
    for (const impl of live) reps.set(impl, fill(warm.get(impl)));
  }
  for (let round = 0; round < opts.rounds; round++) {
    // Rotate the order each round so no implementation always runs right after another.
    for (let k = 0; k < live.length; k++) {
      const impl = live[(k + round) % live.length]!;
      await sample(impl, reps.get(impl)!, true);
    }
  }
  for (const impl of live) impls[impl].reps = reps.get(impl)!;
  for (const impl of live) {
    const r = impls[impl];
    if (r.status !== 'ok') continue;
    try {
      await activate(env, impl);
      r.checkAfter = runners.get(impl)!.check();
    } catch (e) {
      r.status = 'error';
      r.message = errorMessage(e);
    }
    r.median = median(r.times);
  }
  for (const impl of live) {
    await activate(env, impl);
    runners.get(impl)!.dispose();
  }

  // Agreement: every implementation against focalgrad (or tfjs-cpu when focalgrad is missing).
  const ref = impls.focalgrad.status === 'ok' ? 'focalgrad' : 'tfjs-cpu';
  let worst = 0;
  let ok = true;
  const notes: string[] = [];
  for (const impl of IMPLS) {
    if (impl === ref || impls[impl].status !== 'ok' || impls[ref].status !== 'ok') continue;
    const before = relDiff(impls[impl].checkBefore, impls[ref].checkBefore);
    worst = Math.max(worst, before);
    if (!(before <= c.tol)) {
      ok = false;
      notes.push(`${impl} differs from ${ref} by ${before.toExponential(1)} (tol ${c.tol})`);
    }
    if (c.training) {
      // After the same number of epochs the trajectories have drifted apart by float32 rounding.
      const after = relDiff(impls[impl].checkAfter, impls[ref].checkAfter);
      if (!(after <= 5e-2)) {
        ok = false;
        notes.push(`${impl} final loss differs from ${ref} by ${after.toExponential(1)}`);
      }
    }
  }
  const value = Object.fromEntries(IMPLS.map((i) => [i, impls[i].status === 'ok' ? metricValue(c, impls[i].median) : null])) as Record<ImplName, number | null>;
  const sp = (tfImpl: ImplName): number | null => {
    const f = impls.focalgrad;
    const t = impls[tfImpl];
    return f.status === 'ok' && t.status === 'ok' ? t.median / f.median : null;
  };
  return {
    id: c.id,
    label: c.label,
    metric: c.metric,
    targets: c.targets,
    impls,
    agreement: { ok, worst, note: notes.join('; ') },
    value,
    speedup: { cpu: sp('tfjs-cpu'), wasm: sp('tfjs-wasm') },
  };
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

function measureMemory(c: Case, impl: ImplName, opts: Options): MemResult | { error: string } {
  const script = path.join(HERE, 'run.ts');
  const args = ['--conditions=@focalgrad/source', '--import', 'tsx', script, '--child', c.id, impl, '--mem-runs', String(opts.memRuns)];
  if (opts.quick) args.push('--quick');
  const res = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 2 ** 20 });
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

/** The results as a markdown table plus notes on skipped workloads and the agreement check. */
export function renderTable(results: readonly CaseResult[], withMemory: boolean): string {
  const head = ['id', 'workload', 'unit', 'focalgrad', 'tfjs-cpu', 'tfjs-wasm', 'vs cpu', 'vs wasm', 'target', 'met', 'same loss'];
  if (withMemory) head.push('peak RSS MB (+ over idle) fg / cpu / wasm', 'RSS drift MB fg / cpu / wasm', 'mem ok');
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  const notes: string[] = [];
  for (const r of results) {
    const cell = (i: ImplName) => {
      const s = r.impls[i];
      if (s.status === 'unavailable') return 'n/a';
      if (s.status === 'error') return 'error';
      return fmt(r.value[i]);
    };
    const met = targetMet(r);
    const row = [
      r.id,
      r.label,
      r.metric,
      cell('focalgrad'),
      cell('tfjs-cpu'),
      cell('tfjs-wasm'),
      speed(r.speedup.cpu),
      speed(r.speedup.wasm),
      targetText(r),
      met === null ? '—' : met ? 'yes' : '**no**',
      r.agreement.ok ? `yes (${r.agreement.worst.toExponential(0)})` : '**no**',
    ];
    if (withMemory) {
      const m = (i: ImplName) => r.impls[i].mem;
      row.push(`${memCell(m('focalgrad'))} / ${memCell(m('tfjs-cpu'))} / ${memCell(m('tfjs-wasm'))}`);
      row.push(`${growthCell(m('focalgrad'))} / ${growthCell(m('tfjs-cpu'))} / ${growthCell(m('tfjs-wasm'))}`);
      const f = m('focalgrad');
      const c = m('tfjs-cpu');
      row.push(f && c && !('error' in f) && !('error' in c) ? (f.peakMB <= c.peakMB ? 'yes' : '**no**') : '—');
    }
    lines.push(`| ${row.join(' | ')} |`);
    for (const i of IMPLS) {
      const s = r.impls[i];
      if (s.status === 'unavailable') notes.push(`- ${r.id} ${i}: not available yet — ${s.message}`);
      else if (s.status === 'error') notes.push(`- ${r.id} ${i}: error — ${s.message}`);
      if (s.mem !== undefined && 'error' in s.mem) notes.push(`- ${r.id} ${i}: peak-RSS child failed — ${s.mem.error}`);
    }
    if (!r.agreement.ok && r.agreement.note) notes.push(`- ${r.id}: ${r.agreement.note}`);
  }
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function parseArgs(argv: readonly string[]): Options & { child: [string, ImplName] | null } {
  const o: Options & { child: [string, ImplName] | null } = {
    quick: false, rounds: 5, warmup: 2, sampleMs: 200, maxReps: 50, only: null, memory: true, memRuns: 2, record: false, verbose: true, child: null,
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
    else if (a === '--record') o.record = true;
    else if (a === '--silent') o.verbose = false;
    else if (a === '--child') o.child = [val(), val() as ImplName];
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'npm run bench -- [--quick] [--rounds N] [--warmup N] [--sample-ms MS] [--only W1,W6] [--no-mem] [--mem-runs N] [--record] [--silent]\n',
      );
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
  const results: CaseResult[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    const r = await timeCase(c, env, opts, log);
    results.push(r);
    const times = IMPLS.map((i) => `${i} ${r.impls[i].status === 'ok' ? fmt(r.value[i]) : r.impls[i].status}`).join(', ');
    log(`${c.id}: ${times} ${c.metric} [${((performance.now() - t0) / 1000).toFixed(1)} s]`);
  }
  if (opts.memory) {
    for (const [k, c] of cases.entries()) {
      if (c.memory === false) continue;
      for (const impl of IMPLS) {
        const r = results[k]!.impls[impl];
        if (r.status !== 'ok') continue;
        r.mem = measureMemory(c, impl, opts);
      }
      const m = IMPLS.map((i) => `${i} ${memCell(results[k]!.impls[i].mem)}`).join(', ');
      log(`${c.id} peak RSS MB: ${m}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const table = renderTable(results, opts.memory);
  const header = [
    `focalgrad vs TensorFlow.js ${info.version} (cpu backend; wasm backend, SIMD ${info.wasmSimd ? 'on' : 'off'}, ${info.wasmThreads ? 'multi-threaded' : '1 thread'})`,
    `${new Date().toISOString()} · ${machine()} · load average ${loadBefore.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end`,
    `medians of ${opts.rounds} interleaved rounds after ${opts.warmup} warm-up run(s); each sample is a scavenge, one untimed run (when runs are shorter than the sample), then back-to-back runs filling ~${opts.sampleMs} ms (at least one); speedup = tfjs time / focalgrad time (> 1: focalgrad faster); total ${seconds.toFixed(0)} s`,
  ].join('\n');
  if (opts.verbose) process.stdout.write(`\n${header}\n\n${table}\n`);
  if (opts.record) writeResults(header, table, argv, seconds);
  return results;
}

function writeResults(header: string, table: string, argv: readonly string[], seconds: number): void {
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
    '',
  ].join('\n');
  // Hand-written analysis below the marker survives re-recording.
  const marker = '<!-- notes -->';
  const prev = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const at = prev.indexOf(marker);
  fs.writeFileSync(file, at >= 0 ? `${body}\n${prev.slice(at)}` : body);
}
