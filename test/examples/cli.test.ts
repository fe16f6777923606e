import { describe, expect, it } from 'vitest';
import { Progress, UsageError, commonFlags, fmt, fmtSig, formatTable, helpText, parseFlags, type FlagSpec, type Io } from '../../examples/src/cli.js';

const flags = {
  seed: commonFlags.seed,
  lr: commonFlags.lr,
  alpha: commonFlags.alpha,
  gammas: { type: 'numberList', default: [0, 2], min: 0, description: 'γ values' },
  init: { type: 'string', default: 'prior', choices: ['prior', 'zero'], description: 'bias init' },
  batchSize: { type: 'int', default: 32, min: 1, description: 'rows per batch' },
  quiet: commonFlags.quiet,
} satisfies Record<string, FlagSpec>;

describe('parseFlags', () => {
  it('fills in the defaults', () => {
    const { values, help } = parseFlags(flags, []);
    expect(help).toBe(false);
    expect(values).toEqual({ seed: 0, lr: 0.05, alpha: null, gammas: [0, 2], init: 'prior', batchSize: 32, quiet: false });
  });

  it('parses numbers, lists, "none", choices, booleans and kebab-case names', () => {
    const { values } = parseFlags(flags, ['--seed', '7', '--lr=0.1', '--alpha', '0.25', '--gammas', '0, 0.5,5', '--init', 'zero', '--batch-size', '8', '--quiet']);
    expect(values).toEqual({ seed: 7, lr: 0.1, alpha: 0.25, gammas: [0, 0.5, 5], init: 'zero', batchSize: 8, quiet: true });
    expect(parseFlags(flags, ['--alpha', 'none']).values.alpha).toBeNull();
  });

  it('recognises --help and -h', () => {
    expect(parseFlags(flags, ['--help']).help).toBe(true);
    expect(parseFlags(flags, ['-h']).help).toBe(true);
  });

  it.each([
    [['--seed', '1.5'], /--seed: expected an integer, got "1.5"/],
    [['--lr', 'fast'], /--lr: expected a number, got "fast"/],
    [['--lr=-1'], /--lr: expected a value >= 0, got -1/],
    [['--alpha', '2'], /--alpha: expected a value <= 1, got 2/],
    [['--gammas', '1,,2'], /--gammas: expected comma-separated numbers/],
    [['--init', 'he'], /--init: expected one of prior, zero, got "he"/],
    [['--batch-size', '0'], /--batch-size: expected a value >= 1/],
    [['--nope'], /Unknown option '--nope'/],
    [['stray'], /positional/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseFlags(flags, argv)).toThrow(UsageError);
    expect(() => parseFlags(flags, argv)).toThrow(message);
  });
});

describe('helpText', () => {
  it('lists every flag with its argument kind and default', () => {
    const text = helpText('npx tsx x.ts', 'Does a thing.', flags);
    expect(text).toMatch(/^Usage: npx tsx x.ts \[flags\]\n\nDoes a thing.\n\nFlags:\n/);
    for (const line of [
      /--seed <int> +seed of the data.*\(default: 0\)/,
      /--lr <x> +learning rate.*\(default: 0\.05\)/,
      /--alpha <x> +.*\(default: none\)/,
      /--gammas <x,y,…> +γ values \(default: 0,2\)/,
      /--init <text> +bias init \(default: prior; one of prior, zero\)/,
      /--batch-size <int> +rows per batch \(default: 32\)/,
      /--quiet +no progress display$/m,
      /-h, --help +show this help/,
    ]) expect(text).toMatch(line);
  });
});

function recordingIo(isTTY: boolean): Io & { written: string[] } {
  const written: string[] = [];
  return { written, log: () => {}, progress: { isTTY, write: (s: string) => written.push(s) } };
}

describe('Progress', () => {
  it('rewrites one line with \\r on a terminal', () => {
    const io = recordingIo(true);
    const p = new Progress('ce', 3, io);
    p.update(1, 0.5);
    p.update(2, 0.25, 'test recall 0.40');
    p.done();
    expect(io.written).toHaveLength(3);
    expect(io.written[0]).toMatch(/^\r\x1b\[2Kce {2}epoch 1\/3 {2}loss 0\.5000 {2}\d+\.\ds$/);
    expect(io.written[1]).toMatch(/^\r\x1b\[2Kce {2}epoch 2\/3 {2}loss 0\.2500 {2}test recall 0\.40 {2}\d+\.\ds$/);
    expect(io.written[2]).toBe('\n');
  });

  it('writes a few whole lines to a pipe: the first epoch, every quarter, the last', () => {
    const io = recordingIo(false);
    const p = new Progress('fl', 20, io);
    for (let e = 1; e <= 20; e++) p.update(e, 1 / e);
    p.done();
    expect(io.written.map((l) => /epoch +(\d+)/.exec(l)![1])).toEqual(['1', '6', '11', '16', '20']);
    expect(io.written.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });

  it('writes nothing when quiet', () => {
    const io = recordingIo(true);
    const p = new Progress('x', 2, io, true);
    p.update(1, 1);
    p.done();
    expect(io.written).toEqual([]);
  });
});

describe('formatting', () => {
  it('aligns table columns', () => {
    expect(formatTable(['metric', 'a', 'b'], [['recall', '0.5', '0.75'], ['AP', '1', '0.1']])).toEqual([
      'metric    a     b',
      '------  ---  ----',
      'recall  0.5  0.75',
      'AP        1   0.1',
    ]);
  });

  it('prints numbers without a negative zero', () => {
    expect(fmt(-0.0001)).toBe('0.000');
    expect(fmt(-0.0006)).toBe('-0.001');
    expect(fmt(NaN)).toBe('n/a');
    expect(fmtSig(0.5)).toBe('0.5000');
    expect(fmtSig(-2.99e-6)).toBe('-2.990e-6');
  });
});
