/**
 * `--baseline <git-rev-or-dir>`: another focalgrad tree timed alongside the current one.
 *
 * The baseline runs in its own Node process, started with the hooks of `baseline-register.ts`,
 * which send every `@focalgrad/tensor` and `@focalgrad/losses` import to the baseline tree's
 * sources. The process runs this benchmark's own workloads, so both trees are measured by the same
 * code; the main process drives it sample by sample over IPC, interleaved with the other
 * implementations. A separate process is what keeps the two libraries apart: in one process, each
 * copy's package-name imports would have to be steered by the importing file, and vitest's module
 * runner (the smoke test) does not apply Node's resolution hooks at all.
 *
 * The current focalgrad then runs in a process of its own too, started the same way minus the
 * hooks, so that the two trees are measured alike: the main process also holds tfjs's modules,
 * heap and JIT state, which the baseline process does not.
 *
 * A git revision is checked out with `git worktree add --detach` into a temporary directory and
 * removed when the run ends, also when it fails. No install is needed: the library packages have
 * no runtime dependencies, and the hooks bypass `node_modules` for the focalgrad packages.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASELINE_ENV } from './baseline-env.js';
import { NotAvailable, loadLosses } from './losses.js';
import { runSample, type Contender, type Sample } from './sample.js';
import { allCases, type Env, type Runner } from './workloads.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

/** A baseline tree ready to import. */
export interface Baseline {
  /** The table's column name: `focalgrad@<rev-or-dir>`. */
  label: string;
  /** Root of the tree (the one holding `packages/`). */
  dir: string;
  /** The commit the tree is at (short hash), when it is a git checkout. */
  commit: string | null;
  /** Removes what was made for the run (the temporary worktree); idempotent. */
  cleanup(): void;
}

function git(args: readonly string[], cwd = ROOT): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function shortCommit(dir: string): string | null {
  try {
    return git(['rev-parse', '--short', 'HEAD'], dir);
  } catch {
    return null;
  }
}

function assertTree(dir: string, what: string): void {
  if (!fs.existsSync(path.join(dir, 'packages/tensor/src/index.ts'))) {
    throw new Error(`--baseline ${what}: ${dir} has no packages/tensor/src/index.ts`);
  }
}

/**
 * A detached shell that removes the worktree once this process has gone, however it went. A signal
 * handler is not enough: on Ctrl-C the tsx CLI SIGKILLs its child 60 ms after relaying the signal
 * unless the child acknowledges it, which a child busy in a timed sample cannot do. After a normal
 * exit the worktree is already gone and the shell finds nothing to remove.
 */
function watchdog(dir: string, tmp: string): void {
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; git -C "$2" worktree remove --force "$3" >/dev/null 2>&1; rm -rf "$4"';
  spawn('sh', ['-c', script, 'sh', String(process.pid), ROOT, dir, tmp], { detached: true, stdio: 'ignore', cwd: ROOT }).unref();
}

/** A checkout of `rev` in a fresh temporary directory, registered as a detached git worktree. */
function worktreeOf(rev: string): Baseline {
  let sha: string;
  try {
    sha = git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    throw new Error(`--baseline ${rev}: neither a directory nor a git revision`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'focalgrad-baseline-'));
  const dir = path.join(tmp, 'tree');
  let removed = false;
  const cleanup = () => {
    if (removed) return;
    removed = true;
    try {
      git(['worktree', 'remove', '--force', dir]);
    } catch {
      // Not registered (the add failed): only files to drop. (No `git worktree prune`: it would
      // touch every other worktree's entry too.)
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    git(['worktree', 'add', '--detach', dir, sha]);
    watchdog(dir, tmp);
    assertTree(dir, rev);
  } catch (e) {
    cleanup();
    throw e;
  }
  // A full hash as typed would make the widest column of the table: the short form names it as well.
  const name = /^[0-9a-f]{40}$/i.test(rev) ? rev.slice(0, 10) : rev;
  return { label: `focalgrad@${name}`, dir, commit: sha.slice(0, 7), cleanup };
}

/** The baseline named by `--baseline`: an existing directory, else a git revision of this repository. */
export function openBaseline(arg: string): Baseline {
  if (fs.existsSync(arg) && fs.statSync(arg).isDirectory()) {
    const dir = path.resolve(arg);
    assertTree(dir, arg);
    return { label: `focalgrad@${arg}`, dir, commit: shortCommit(dir), cleanup: () => {} };
  }
  return worktreeOf(arg);
}

/**
 * Runs `body` with the baseline named by `arg` (or none), then removes the baseline's temporary
 * worktree, after an error too. (A killed process leaves it to the watchdog of `worktreeOf`.)
 */
export async function withBaseline<T>(arg: string | null, body: (b: Baseline | null) => Promise<T>): Promise<T> {
  if (arg === null) return body(null);
  const b = openBaseline(arg);
  try {
    return await body(b);
  } finally {
    b.cleanup();
  }
}

/**
 * How to start a benchmark child process (`bench/run.ts …`): tsx with the packages' source
 * condition, plus the baseline hooks when it is to run the baseline tree `dir`.
 */
export function childNode(dir: string | null): { execArgv: string[]; env: NodeJS.ProcessEnv } {
  const execArgv = ['--conditions=@focalgrad/source', '--import', 'tsx'];
  if (dir === null) return { execArgv, env: process.env };
  execArgv.push('--import', path.join(HERE, 'baseline-register.ts'));
  return { execArgv, env: { ...process.env, [BASELINE_ENV]: dir } };
}

/** A request from the main process to a focalgrad process. */
type Request = { op: 'build'; caseId: string } | { op: 'sample'; reps: number } | { op: 'check' } | { op: 'dispose' };

/** Its answer: a value, or the error the request threw. */
type Reply = { ok: true; value: unknown } | { ok: false; message: string; unavailable: boolean };

/**
 * The main process's handle on a focalgrad process: the baseline tree's (`dir`), or with `dir`
 * null the current tree's, started the same way so that the two are timed alike. Requests are
 * answered one at a time.
 */
export class FocalgradProcess {
  private readonly child: ChildProcess;
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private stderr = '';
  private exited: string | null = null;

  constructor(dir: string | null, quick: boolean) {
    const { execArgv, env } = childNode(dir);
    const args = ['--focalgrad-process', ...(quick ? ['--quick'] : [])];
    // 'advanced' serialization keeps NaN and Infinity in the cross-check numbers (JSON makes them null).
    this.child = fork(path.join(HERE, 'run.ts'), args, { execArgv, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.child.on('message', (m: Reply) => {
      const p = this.pending;
      this.pending = null;
      p?.resolve(m);
    });
    this.child.on('exit', (code, signal) => {
      const last = this.stderr.trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(-1)[0];
      this.exited = `focalgrad process exited (${signal ?? code})${last ? `: ${last}` : ''}`;
      const p = this.pending;
      this.pending = null;
      p?.reject(new Error(this.exited));
    });
  }

  private async request(req: Request): Promise<unknown> {
    if (this.exited !== null) throw new Error(this.exited);
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(req);
    });
    if (!reply.ok) throw reply.unavailable ? new NotAvailable(reply.message) : new Error(reply.message);
    return reply.value;
  }

  /**
   * Workload `caseId` in this process. Any failure to build it there — a missing export, a changed
   * signature, a package that does not load — means that tree lacks the workload's API:
   * `NotAvailable` (n/a), not an error of the run.
   */
  contender(caseId: string): Contender {
    return {
      build: async () => {
        try {
          return (await this.request({ op: 'build', caseId })) as number[];
        } catch (e) {
          throw e instanceof NotAvailable ? e : new NotAvailable(e instanceof Error ? e.message : String(e));
        }
      },
      sample: async (reps) => (await this.request({ op: 'sample', reps })) as Sample,
      check: async () => (await this.request({ op: 'check' })) as number[],
      dispose: async () => {
        await this.request({ op: 'dispose' });
      },
    };
  }

  /** Ends the process (it exits when its IPC channel closes). */
  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

/** The body of a focalgrad process: `run.ts --focalgrad-process [--quick]`, driven over IPC. */
export async function focalgradProcessMain(quick: boolean): Promise<void> {
  await loadLosses();
  const env: Env = { quick, tf: null };
  const cases = allCases(quick);
  let runner: Runner | null = null;
  const live = (): Runner => {
    if (runner === null) throw new Error('no workload built');
    return runner;
  };
  const handle = (req: Request): unknown => {
    switch (req.op) {
      case 'build': {
        const c = cases.find((x) => x.id === req.caseId);
        if (!c) throw new NotAvailable(`this benchmark has no workload ${req.caseId}`);
        runner = null;
        runner = c.build('focalgrad', env);
        return runner.check();
      }
      case 'sample':
        return runSample(live(), req.reps);
      case 'check':
        return live().check();
      case 'dispose':
        runner?.dispose();
        runner = null;
        return null;
    }
  };
  process.on('message', (req: Request) => {
    let reply: Reply;
    try {
      reply = { ok: true, value: handle(req) };
    } catch (e) {
      reply = { ok: false, message: e instanceof Error ? e.message.split('\n')[0]! : String(e), unavailable: e instanceof NotAvailable };
    }
    process.send!(reply);
  });
  process.once('disconnect', () => process.exit(0));
}
