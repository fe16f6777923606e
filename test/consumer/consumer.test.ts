/**
 * The packages as their users get them: `npm pack` both library packages (which builds `dist/`),
 * install the tarballs into fresh projects outside the repository, and use them from plain Node
 * ESM, CommonJS, two TypeScript setups and a browser bundle in headless Chromium. The README's code
 * blocks run here too, against the installed packages.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, transformSync } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsSnippets, type Snippet } from './snippets.js';

const root = resolve(import.meta.dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const exec = promisify(execFile);
const LONG = 240_000;

/** Runs a command and returns its output; a non-zero exit fails with everything it printed. */
async function run(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

let work: string;
let tarballs: string[];
const readmeBlocks: Snippet[] = [];

/** A fresh project in `work/name` with `files`, and the tarballs installed from disk only. */
async function project(name: string, files: Record<string, string>, manifest: object = { type: 'module' }): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...manifest }, null, 2));
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  await run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], dir);
  return dir;
}

/** Logistic regression with a focal loss, for a few steps; prints the losses as JSON. */
const TRAIN_TS = `
import { nn, optim, randn, tensor } from '@focalgrad/tensor';
import { binaryFocalCrossentropy } from '@focalgrad/losses';
const x = randn([128, 2], { seed: 0 });
const y = tensor(x.toArray().map(([a, b]: number[]) => [2 * a! + b! > 1 ? 1 : 0]));
const model = new nn.Linear(2, 1, { seed: 1 });
const opt = new optim.SGD(model.parameters(), { lr: 0.5 });
const losses: number[] = [];
for (let step = 0; step < 30; step++) {
  opt.zeroGrad();
  const loss = binaryFocalCrossentropy(y, model.forward(x), { fromLogits: true, gamma: 2 }).mean();
  loss.backward();
  opt.step();
  losses.push(loss.item());
}
console.log(JSON.stringify(losses));
`;
/** The same program as plain JavaScript. */
const TRAIN_ESM = transformSync(TRAIN_TS, { loader: 'ts', format: 'esm' }).code;

function expectTrained(stdout: string): void {
  const losses = JSON.parse(stdout.trim().split('\n').at(-1)!) as number[];
  expect(losses.length).toBeGreaterThan(1);
  for (const l of losses) expect(Number.isFinite(l)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'focalgrad-consumer-'));
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', work, '-w', '@focalgrad/tensor', '-w', '@focalgrad/losses'], root);
  const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as { name: string; filename: string; files: { path: string }[] }[];
  tarballs = packed.map((p) => join(work, p.filename));
  for (const p of packed) {
    const paths = p.files.map((f) => f.path);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map']) {
      expect(paths, `${p.name} tarball`).toContain(needed);
    }
  }
  readmeBlocks.push(...tsSnippets(await readFile(join(root, 'README.md'), 'utf8'), 'README.md'));
  for (const pkg of ['tensor', 'losses']) {
    const file = `packages/${pkg}/README.md`;
    readmeBlocks.push(...tsSnippets(await readFile(join(root, file), 'utf8'), file));
  }
}, LONG);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('installed from the packed tarballs', () => {
  it('plain Node ESM: `node app.mjs` trains logistic regression and the loss goes down', async () => {
    const dir = await project('esm', { 'app.mjs': TRAIN_ESM });
    const { stdout, stderr } = await run(process.execPath, ['app.mjs'], dir);
    expect(stderr).toBe('');
    expectTrained(stdout);
  }, LONG);

  it('CommonJS: `node app.cjs` with require()', async () => {
    const cjs = TRAIN_ESM.replace(
      /import \{ (.*) \} from ["'](@focalgrad\/\w+)["'];/g,
      (_m, names: string, from: string) => `const { ${names} } = require('${from}');`,
    );
    expect(cjs).not.toMatch(/\bimport\b/);
    const dir = await project('cjs', { 'app.cjs': cjs }, {});
    const { stdout, stderr } = await run(process.execPath, ['app.cjs'], dir);
    expect(stderr).toBe('');
    expectTrained(stdout);
  }, LONG);

  it("TypeScript, `tsc --init` defaults (module nodenext): the README's blocks compile with zero errors and run", async () => {
    const node = readmeBlocks.filter((s) => s.target === 'node');
    expect(node.length).toBeGreaterThanOrEqual(5);
    const files: Record<string, string> = { 'app.ts': TRAIN_TS };
    node.forEach((s, i) => (files[`snippet${i}.ts`] = `// ${s.where}\n${s.code}`));
    const dir = await project('ts-nodenext', files);
    await run(process.execPath, [tsc, '--init'], dir);
    const config = await readFile(join(dir, 'tsconfig.json'), 'utf8');
    expect(config).toMatch(/"module": "nodenext"/);
    expect(config).toMatch(/"strict": true/);
    const compiled = await run(process.execPath, [tsc, '-p', '.'], dir);
    expect(compiled.stdout + compiled.stderr).toBe('');
    // Our declarations are checked too, not only skipped.
    const libCheck = await run(process.execPath, [tsc, '-p', '.', '--skipLibCheck', 'false', '--noEmit'], dir);
    expect(libCheck.stdout + libCheck.stderr).toBe('');
    expectTrained((await run(process.execPath, ['app.js'], dir)).stdout);
    for (let i = 0; i < node.length; i++) {
      const ran = await run(process.execPath, [`snippet${i}.js`], dir).catch((e: Error) => {
        throw new Error(`${node[i]!.where}: ${e.message}`);
      });
      expect(ran.stderr, node[i]!.where).toBe('');
    }
  }, LONG);

  it('TypeScript with "moduleResolution": "bundler": compiles with zero errors and runs', async () => {
    const tsconfig = {
      compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, outDir: 'out', types: [] },
      include: ['app.ts'],
    };
    const app = `import { nn, optim, randn, tensor, type Tensor } from '@focalgrad/tensor';
import { sigmoidFocalLoss } from '@focalgrad/losses';
const x: Tensor = randn([128, 2], { seed: 0 });
const y = tensor(x.toArray().map(([a, b]: number[]) => [2 * a! + b! > 1 ? 1 : 0]));
const model = new nn.Linear(2, 1, { seed: 1 });
const opt = new optim.Adam(model.parameters(), { lr: 0.1 });
const losses: number[] = [];
for (let step = 0; step < 30; step++) {
  opt.zeroGrad();
  const loss = sigmoidFocalLoss(model.forward(x), y, { reduction: 'mean' });
  loss.backward();
  opt.step();
  losses.push(loss.item());
}
console.log(JSON.stringify(losses));
`;
    const dir = await project('ts-bundler', { 'tsconfig.json': JSON.stringify(tsconfig), 'app.ts': app });
    const compiled = await run(process.execPath, [tsc, '-p', '.'], dir);
    expect(compiled.stdout + compiled.stderr).toBe('');
    expectTrained((await run(process.execPath, ['out/app.js'], dir)).stdout);
  }, LONG);
});

describe('in a browser', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), or set CHROMIUM_PATH`);
    }
    const pageApp = `import { nn, optim, randn, tensor } from '@focalgrad/tensor';
import { binaryFocalCrossentropy } from '@focalgrad/losses';
const x = randn([128, 2], { seed: 0 });
const y = tensor(x.toArray().map(([a, b]: number[]) => [2 * a! + b! > 1 ? 1 : 0]));
const model = new nn.Sequential(new nn.Linear(2, 8, { seed: 1 }), new nn.ReLU(), new nn.Linear(8, 1, { seed: 2 }));
const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
const losses: number[] = [];
for (let step = 0; step < 40; step++) {
  opt.zeroGrad();
  const loss = binaryFocalCrossentropy(y, model.forward(x), { fromLogits: true }).mean();
  loss.backward();
  opt.step();
  losses.push(loss.item());
}
document.getElementById('result')!.textContent = JSON.stringify(losses);
`;
    // The WebAssembly backend as the page gets it by default, against the JavaScript one.
    const backendApp = `import { getBackend, matmul, randn, setBackend } from '@focalgrad/tensor';
const initial = getBackend();
const worst: Record<string, number> = {};
for (const dtype of ['float32', 'float64'] as const) {
  const a = randn([70, 300], { seed: 0, dtype });
  const b = randn([300, 33], { seed: 1, dtype });
  setBackend('js');
  const ref = matmul(a, b);
  setBackend('wasm');
  worst[dtype] = matmul(a, b).sub(ref).abs().max().item();
}
document.getElementById('result')!.textContent = JSON.stringify({ initial, worst });
`;
    const files: Record<string, string> = { 'app.ts': pageApp, 'backend.ts': backendApp };
    readmeBlocks.filter((s) => s.target === 'browser').forEach((s, i) => (files[`snippet${i}.ts`] = s.code));
    dir = await project('browser', files);
    // What a user runs: a plain browser bundle of their entry, no flags beyond the defaults.
    for (const entry of Object.keys(files)) {
      await build({ absWorkingDir: dir, entryPoints: [entry], bundle: true, platform: 'browser', outdir: 'public', logLevel: 'silent' });
    }
    const page = (script: string) => `<!doctype html><meta charset="utf-8"><title>focalgrad</title><link rel="icon" href="data:,"><pre id="result"></pre><script src="${script}"></script>`;
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const name = url.pathname.slice(1);
      if (name.endsWith('.html')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(page(name.replace(/\.html$/, '.js')));
        return;
      }
      readFile(join(dir, 'public', name)).then(
        (body) => res.writeHead(200, { 'content-type': extname(name) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  });

  /** Opens a page; any page error or console error fails the test. */
  async function open(path: string, done: string): Promise<string> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    await page.goto(`${base}/${path}`);
    await page.waitForFunction(done, undefined, { timeout: 30_000 }).catch(() => undefined);
    const text = await page.locator('body').innerText();
    await page.close();
    expect(errors).toEqual([]);
    return text;
  }

  it('a bundle made with esbuild trains a small model in headless Chromium and writes the loss into the page', async () => {
    const text = await open('app.html', "document.getElementById('result').textContent !== ''");
    expectTrained(text);
  }, LONG);

  it('defaults to the WebAssembly backend in Chromium, whose products agree with the JavaScript backend', async () => {
    const text = await open('backend.html', "document.getElementById('result').textContent !== ''");
    const { initial, worst } = JSON.parse(text) as { initial: string; worst: { float32: number; float64: number } };
    expect(initial).toBe('wasm');
    // Sums of 300 products of unit normals: float32 rounding differences are about 1e-5.
    expect(worst.float32).toBeLessThan(1e-4);
    expect(worst.float64).toBeLessThan(1e-12);
  }, LONG);

  it("the README's browser block runs in the page without errors", async () => {
    const browserBlocks = readmeBlocks.filter((s) => s.target === 'browser');
    expect(browserBlocks.length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < browserBlocks.length; i++) {
      const text = await open(`snippet${i}.html`, "document.body.innerText.includes('step 49')");
      expect(text, browserBlocks[i]!.where).toMatch(/step 49: loss \d/);
    }
  }, LONG);

  it('the whole public API bundles to under 60 KB gzipped', async () => {
    await writeFile(join(dir, 'all.ts'), "export * from '@focalgrad/tensor';\nexport * from '@focalgrad/losses';\n");
    const out = await build({ absWorkingDir: dir, entryPoints: ['all.ts'], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false });
    const bytes = gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length;
    console.log(`whole public API, minified ESM bundle: ${(bytes / 1024).toFixed(1)} KB gzipped`);
    expect(bytes).toBeLessThan(60 * 1024);
  }, LONG);
});

describe('the packed files', () => {
  it('hold no test or build leftovers and declare what npm needs', async () => {
    for (const pkg of ['tensor', 'losses']) {
      const manifest = JSON.parse(await readFile(join(root, 'packages', pkg, 'package.json'), 'utf8')) as Record<string, any>;
      expect(manifest.version).toBe('0.2.0');
      expect(Object.keys(manifest.exports['.'])).toEqual(['@focalgrad/source', 'types', 'default']);
      expect(manifest.sideEffects).toBe(false);
      expect(manifest.engines.node).toBe('>=20.19');
      expect(manifest.publishConfig).toEqual({ access: 'public' });
      for (const key of ['repository', 'homepage', 'keywords', 'license', 'description']) expect(manifest[key], key).toBeTruthy();
      expect(manifest.dependencies ?? {}).toEqual(pkg === 'losses' ? { '@focalgrad/tensor': '0.2.0' } : {});
    }
    const listed = await readdir(work);
    expect(listed.filter((f) => f.endsWith('.tgz')).sort()).toEqual(['focalgrad-losses-0.2.0.tgz', 'focalgrad-tensor-0.2.0.tgz']);
  });
});
