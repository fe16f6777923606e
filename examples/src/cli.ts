/**
 * Shared command-line handling for the examples: a typed flag table parsed with Node's
 * `util.parseArgs`, generated `--help` text, a single-line training progress display, and the
 * small printing helpers the examples share.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** One flag: its type, default and the help line. */
export type FlagSpec =
  | { type: 'int' | 'number'; default: number; description: string; min?: number; max?: number }
  | { type: 'optionalNumber'; default: number | null; description: string; min?: number; max?: number }
  | { type: 'numberList'; default: readonly number[]; description: string; min?: number; max?: number }
  | { type: 'string'; default: string; description: string; choices?: readonly string[] }
  | { type: 'boolean'; default?: false; description: string };

/** The parsed value type of a flag table. */
export type FlagValues<F extends Record<string, FlagSpec>> = {
  [K in keyof F]: F[K] extends { type: 'int' | 'number' } ? number
    : F[K] extends { type: 'optionalNumber' } ? number | null
    : F[K] extends { type: 'numberList' } ? number[]
    : F[K] extends { type: 'boolean' } ? boolean
    : string;
};

/** The repository's `out/` directory (git-ignored), whatever the working directory. */
export const DEFAULT_OUT = fileURLToPath(new URL('../../out', import.meta.url));

/** A command-line error: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The flags every example shares. Examples override the defaults and wording where their meaning
 * differs (`--imbalance`, `--alpha`).
 */
export const commonFlags = {
  seed: { type: 'int', default: 0, description: 'seed of the data, the split, the initialisation and the minibatch order' },
  epochs: { type: 'int', default: 30, min: 1, description: 'passes over the training set' },
  lr: { type: 'number', default: 0.05, min: 0, description: 'learning rate of the optimizer (Adam)' },
  gamma: { type: 'number', default: 2, min: 0, description: 'focusing parameter γ of the focal loss (Lin et al.: 2)' },
  alpha: { type: 'optionalNumber', default: null, min: 0, max: 1, description: 'class-balancing weight α of the focal loss, or "none"' },
  imbalance: { type: 'number', default: 99, min: 1, description: 'majority-to-minority ratio of the synthetic data' },
  out: { type: 'string', default: DEFAULT_OUT, description: 'directory for the SVG plots (created if missing)' },
  quiet: { type: 'boolean', description: 'no progress display' },
} satisfies Record<string, FlagSpec>;

function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function fmtDefault(s: FlagSpec): string {
  if (s.type === 'boolean') return '';
  if (s.type === 'optionalNumber') return ` (default: ${s.default === null ? 'none' : s.default})`;
  if (s.type === 'numberList') return ` (default: ${s.default.join(',')})`;
  if (s.type === 'string') {
    const v = s.default === DEFAULT_OUT ? displayPath(DEFAULT_OUT) : s.default;
    return ` (default: ${v === '' ? '""' : v}${s.choices ? `; one of ${s.choices.join(', ')}` : ''})`;
  }
  return ` (default: ${s.default})`;
}

/**
 * The `--help` text: usage line, summary, then one line per flag.
 * @param command - how to run the example.
 * @param summary - what it does (a paragraph; lines are kept).
 * @param flags - the flag table.
 */
export function helpText(command: string, summary: string, flags: Record<string, FlagSpec>): string {
  const rows = Object.entries(flags).map(([k, s]) => {
    const arg = s.type === 'boolean' ? '' : s.type === 'string' ? ' <text>' : s.type === 'int' ? ' <int>' : s.type === 'numberList' ? ' <x,y,…>' : ' <x>';
    return [`  --${flagName(k)}${arg}`, `${s.description}${fmtDefault(s)}`] as [string, string];
  });
  rows.push(['  -h, --help', 'show this help']);
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return [`Usage: ${command} [flags]`, '', summary.trim(), '', 'Flags:', ...rows.map(([a, b]) => a.padEnd(w) + b), ''].join('\n');
}

function parseNumber(key: string, raw: string, s: { type: string; min?: number; max?: number }): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${flagName(key)}: expected a number, got "${raw}"`);
  if (s.type === 'int' && !Number.isInteger(v)) throw new UsageError(`--${flagName(key)}: expected an integer, got "${raw}"`);
  if (s.min !== undefined && v < s.min) throw new UsageError(`--${flagName(key)}: expected a value >= ${s.min}, got ${v}`);
  if (s.max !== undefined && v > s.max) throw new UsageError(`--${flagName(key)}: expected a value <= ${s.max}, got ${v}`);
  return v;
}

/**
 * Parses `argv` against a flag table (strict: unknown flags and positionals are errors).
 * @param flags - the flag table.
 * @param argv - the arguments (without `node script`).
 * @returns the values (defaults filled in) and whether `--help` was asked for.
 * @throws UsageError on a bad flag or value.
 */
export function parseFlags<F extends Record<string, FlagSpec>>(flags: F, argv: readonly string[]): { values: FlagValues<F>; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [k, s] of Object.entries(flags)) options[flagName(k)] = { type: s.type === 'boolean' ? 'boolean' : 'string' };
  let parsed: { values: Record<string, string | boolean | undefined> };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }) as typeof parsed;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const out: Record<string, number | number[] | string | boolean | null> = {};
  for (const [k, s] of Object.entries(flags)) {
    const raw = parsed.values[flagName(k)];
    if (s.type === 'boolean') {
      out[k] = raw === true;
    } else if (raw === undefined) {
      out[k] = s.type === 'numberList' ? [...s.default] : (s.default ?? null);
    } else if (typeof raw !== 'string') {
      throw new UsageError(`--${flagName(k)}: expected a value`);
    } else if (s.type === 'string') {
      if (s.choices && !s.choices.includes(raw)) throw new UsageError(`--${flagName(k)}: expected one of ${s.choices.join(', ')}, got "${raw}"`);
      out[k] = raw;
    } else if (s.type === 'numberList') {
      const parts = raw.split(',').map((x) => x.trim());
      if (parts.some((x) => x === '')) throw new UsageError(`--${flagName(k)}: expected comma-separated numbers, got "${raw}"`);
      out[k] = parts.map((x) => parseNumber(k, x, s));
    } else if (s.type === 'optionalNumber' && raw.toLowerCase() === 'none') {
      out[k] = null;
    } else {
      out[k] = parseNumber(k, raw, s);
    }
  }
  return { values: out as FlagValues<F>, help: parsed.values.help === true };
}

/** Where an example prints: `out` for results, `err` for progress (a stream, so `\r` works on a terminal). */
export interface Io {
  /** Prints one line of results. */
  log: (line: string) => void;
  /** The progress stream (stderr by default). */
  progress: { write(s: string): unknown; isTTY?: boolean };
}

/** The process's stdout / stderr. */
export const processIo: Io = { log: (line) => process.stdout.write(`${line}\n`), progress: process.stderr };

/** A silent Io (tests). */
export const silentIo: Io = { log: () => {}, progress: { write: () => true } };

/** An Io that collects the result lines into an array and drops the progress (tests). */
export function collectingIo(): Io & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l), progress: { write: () => true } };
}

function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * The training progress display: one status line (`label  epoch 12/40  loss 0.01234  1.3s`),
 * rewritten in place with `\r` on a terminal; on a pipe or file, a line at every quarter of the run
 * (so logs stay short). Nothing at all when `quiet`.
 *
 * @example
 * ```ts
 * const p = new Progress('focal', epochs, io);
 * for (let e = 1; e <= epochs; e++) p.update(e, trainOneEpoch());
 * p.done();
 * ```
 */
export class Progress {
  private readonly start = performance.now();
  private lastLine = '';
  private lastLoggedEpoch = 0;

  /**
   * @param label - what is training.
   * @param total - number of epochs.
   * @param io - where to write (uses `io.progress`).
   * @param quiet - write nothing.
   */
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly io: Io,
    private readonly quiet = false,
  ) {}

  /** Milliseconds since construction. */
  get elapsedMs(): number {
    return performance.now() - this.start;
  }

  /**
   * Reports the end of an epoch.
   * @param epoch - 1-based epoch number.
   * @param loss - the epoch's mean training loss.
   * @param extra - anything else to show (e.g. a validation metric).
   */
  update(epoch: number, loss: number, extra = ''): void {
    if (this.quiet) return;
    const width = String(this.total).length;
    this.lastLine = `${this.label}  epoch ${String(epoch).padStart(width)}/${this.total}  loss ${loss.toPrecision(4)}${extra ? `  ${extra}` : ''}  ${fmtSeconds(this.elapsedMs)}`;
    if (this.io.progress.isTTY) {
      this.io.progress.write(`\r\x1b[2K${this.lastLine}`);
    } else {
      const every = Math.max(1, Math.ceil(this.total / 4));
      if (epoch === 1 || epoch === this.total || epoch - this.lastLoggedEpoch >= every) {
        this.io.progress.write(`${this.lastLine}\n`);
        this.lastLoggedEpoch = epoch;
      }
    }
  }

  /** Ends the status line (on a terminal, leaves the last status visible). */
  done(): void {
    if (this.quiet) return;
    if (this.io.progress.isTTY && this.lastLine) this.io.progress.write('\n');
  }
}

/** A path as shown to the user: relative to the working directory when that is shorter. */
export function displayPath(p: string): string {
  const abs = resolve(p);
  const rel = relative(process.env.INIT_CWD ?? process.cwd(), abs); // npm runs scripts in the workspace; INIT_CWD is where the user typed
  return rel && rel.length < abs.length ? rel : abs;
}

/**
 * Formats a table with aligned columns: first column left-aligned, the rest right-aligned.
 * @param header - column titles.
 * @param rows - the cells.
 */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const all = [header, ...rows];
  const w = header.map((_, j) => Math.max(...all.map((r) => (r[j] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ').trimEnd();
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)];
}

/** A number with `digits` decimals, `n/a` for NaN. */
export function fmt(v: number, digits = 3): string {
  if (Number.isNaN(v)) return 'n/a';
  const r = v.toFixed(digits);
  return /^-0\.?0*$/.test(r) ? r.slice(1) : r;
}

/** A number to `digits` significant digits, in exponent form when it is tiny or huge. */
export function fmtSig(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(digits - 1) : v.toPrecision(digits);
}

/**
 * Runs an example's `main` as a command: exit code 2 and a hint on a usage error, 1 on any other
 * error. Call it only when the module is the entry point.
 * @param main - the example's main.
 */
export function runAsScript(main: (argv: string[]) => Promise<unknown>): void {
  main(process.argv.slice(2)).catch((e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n(run with --help for the flags)\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  });
}

/** Whether the module at `url` (pass `import.meta.url`) is the script Node was started with. */
export function isEntryPoint(url: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  return resolve(fileURLToPath(url)) === resolve(entry) || resolve(fileURLToPath(url)).replace(/\.ts$/, '') === resolve(entry).replace(/\.ts$/, '');
}
