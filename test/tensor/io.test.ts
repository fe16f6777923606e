/**
 * State dicts: snapshots and checked loading on modules, the JSON encoding (bit-exact for float32,
 * float64 and int32, including NaN, ±Infinity, -0 and subnormals), and the file helpers in a
 * temporary directory.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStateDictFile, saveStateDict } from '@focalgrad/tensor/node';
import {
  DTypeError,
  Rng,
  ShapeError,
  Tensor,
  ValueError,
  nn,
  optim,
  stateDictFromJSON,
  stateDictToJSON,
  tensor,
  zeros,
  type StateDict,
} from '@focalgrad/tensor';

/** The raw bytes of a tensor's storage, for bit-for-bit comparison (NaN payloads, -0). */
const bytes = (t: Tensor): number[] => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));

function expectSameStateDict(a: StateDict, b: StateDict): void {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) {
    expect(a[k]!.dtype, k).toBe(b[k]!.dtype);
    expect(a[k]!.shape, k).toEqual(b[k]!.shape);
    expect(bytes(a[k]!), k).toEqual(bytes(b[k]!));
  }
}

class WithBuffer extends nn.Module {
  fc = this.registerModule('fc', new nn.Linear(3, 2, { seed: 0 }));
  counts = this.registerBuffer('counts', tensor([1, 2, 3], { dtype: 'int32' }));
  forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

const mlp = (seed: number, dtype: 'float32' | 'float64' = 'float32'): nn.Sequential =>
  new nn.Sequential(new nn.Linear(2, 4, { seed, dtype }), new nn.ReLU(), new nn.Linear(4, 1, { seed: seed + 1, dtype }));

describe('Module.stateDict / loadStateDict', () => {
  it('snapshots parameters and buffers under dotted names, detached', () => {
    const m = new WithBuffer();
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(['counts', 'fc.weight', 'fc.bias']);
    expect(sd['counts']!.dtype).toBe('int32');
    expect(Array.from(sd['fc.weight']!.data)).toEqual(Array.from(m.fc.weight.data));
    expect(sd['fc.weight']!.requiresGrad).toBe(false);
    // A snapshot: later changes to the parameters do not reach it.
    const before = Array.from(sd['fc.weight']!.data);
    m.fc.weight.data[0] = 123;
    expect(Array.from(sd['fc.weight']!.data)).toEqual(before);
  });

  it('loads in place, so an optimizer holding the parameters keeps working', () => {
    const src = mlp(10);
    const dst = mlp(20);
    const params = dst.parameters();
    const arrays = params.map((p) => p.data);
    const opt = new optim.SGD(params, { lr: 0.1 });
    const result = dst.loadStateDict(src.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expectSameStateDict(dst.stateDict(), src.stateDict());
    dst.parameters().forEach((p, i) => {
      expect(p).toBe(params[i]);
      expect(p.data).toBe(arrays[i]);
    });
    dst.forward(tensor([[1, 2]])).sum().backward();
    opt.step();
    expect(Array.from(dst.parameters()[0]!.data)).not.toEqual(Array.from(src.parameters()[0]!.data));
  });

  it('rejects a shape mismatch with a ShapeError naming the parameter, expected and actual', () => {
    const m = mlp(0);
    const sd = m.stateDict();
    sd['2.weight'] = zeros([2, 4]);
    expect(() => m.loadStateDict(sd)).toThrow(ShapeError);
    expect(() => m.loadStateDict(sd)).toThrow("loadStateDict: argument '2.weight' expected shape [1, 4], got [2, 4]");
  });

  it('rejects a dtype mismatch with a DTypeError', () => {
    const m = mlp(0);
    const sd = mlp(0, 'float64').stateDict();
    expect(() => m.loadStateDict(sd)).toThrow(DTypeError);
    expect(() => m.loadStateDict(sd)).toThrow("loadStateDict: argument '0.weight' expected dtype float32, got float64");
  });

  it('strict: missing and unexpected keys throw a ValueError listing them; nothing is loaded', () => {
    const m = mlp(0);
    const original = m.stateDict();
    const sd = mlp(5).stateDict();
    delete sd['0.bias'];
    sd['3.weight'] = zeros([1]);
    expect(() => m.loadStateDict(sd)).toThrow(ValueError);
    expect(() => m.loadStateDict(sd)).toThrow(/missing keys '0.bias'; unexpected keys '3.weight'/);
    expectSameStateDict(m.stateDict(), original);
    // A bad shape found late also leaves everything untouched (checks run before any copy).
    const bad = mlp(5).stateDict();
    bad['2.bias'] = zeros([7]);
    expect(() => m.loadStateDict(bad)).toThrow(ShapeError);
    expectSameStateDict(m.stateDict(), original);
  });

  it('non-strict: loads what matches and reports the rest', () => {
    const m = mlp(0);
    const src = mlp(5).stateDict();
    const sd: StateDict = { '0.weight': src['0.weight']!, extra: zeros([1]) };
    const r = m.loadStateDict(sd, { strict: false });
    expect(r).toEqual({ missingKeys: ['0.bias', '2.weight', '2.bias'], unexpectedKeys: ['extra'] });
    expect(bytes(m.stateDict()['0.weight']!)).toEqual(bytes(src['0.weight']!));
    // Shapes are still checked.
    expect(() => m.loadStateDict({ '0.weight': zeros([1]) }, { strict: false })).toThrow(ShapeError);
  });
});

describe('JSON encoding', () => {
  const specials = [NaN, Infinity, -Infinity, -0, 0, 5e-324, -1.7976931348623157e308, 0.1, 1 / 3];

  it('round-trips float32 values bit for bit', () => {
    // Every kind of float32: specials, the smallest subnormal, the largest finite, values that are
    // not the double nearest their decimal (0.1 and 1/3 rounded to float32).
    const f32 = new Float32Array([NaN, Infinity, -Infinity, -0, 0, 1.401298464324817e-45, 3.4028234663852886e38, 0.1, 1 / 3, -2.5]);
    const sd: StateDict = { a: tensor(f32, {}, [2, 5]), s: tensor(7.25) };
    const back = stateDictFromJSON(stateDictToJSON(sd));
    expectSameStateDict(back, sd);
    expect(Object.is(back['a']!.data[3], -0)).toBe(true);
    expect(back['s']!.shape).toEqual([]);
  });

  it('round-trips float64 and int32 values bit for bit', () => {
    const f64 = new Float64Array(specials);
    const i32 = new Int32Array([-2147483648, 2147483647, 0, -1]);
    const sd: StateDict = { x: tensor(f64, {}, [3, 3]), n: tensor(i32), e: zeros([0, 3], { dtype: 'float64' }) };
    const text = stateDictToJSON(sd);
    expectSameStateDict(stateDictFromJSON(text), sd);
    // The parsed object is accepted too, and the layout is the documented one.
    const doc = JSON.parse(text);
    expect(doc.format).toBe('focalgrad.stateDict');
    expect(doc.version).toBe(2);
    expect(doc.checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
    expect(doc.tensors[0]).toMatchObject({ name: 'x', dtype: 'float64', shape: [3, 3] });
    expect(doc.tensors[0].data.slice(0, 4)).toEqual(['NaN', 'Infinity', '-Infinity', '-0']);
    expectSameStateDict(stateDictFromJSON(doc), sd);
  });

  it('round-trips a trained model exactly and the loaded model computes the same outputs', () => {
    const m = mlp(3);
    const x = tensor([[0.3, -0.7], [1.1, 0.2]]);
    const copy = mlp(99);
    copy.loadStateDict(stateDictFromJSON(stateDictToJSON(m.stateDict())));
    expect(bytes(copy.forward(x))).toEqual(bytes(m.forward(x)));
  });

  it('rejects malformed documents with typed errors naming the tensor', () => {
    const good = JSON.parse(stateDictToJSON({ w: tensor([1, 2]) }));
    const variant = (patch: (d: any) => void): string => {
      const d = structuredClone(good);
      patch(d);
      return JSON.stringify(d);
    };
    expect(() => stateDictFromJSON('not json')).toThrow(ValueError);
    expect(() => stateDictFromJSON('{}')).toThrow(/format 'focalgrad.stateDict'/);
    expect(() => stateDictFromJSON(variant((d) => (d.version = 3)))).toThrow(ValueError);
    expect(() => stateDictFromJSON(variant((d) => (d.tensors[0].dtype = 'float16')))).toThrow(DTypeError);
    expect(() => stateDictFromJSON(variant((d) => (d.tensors[0].shape = [3])))).toThrow("stateDictFromJSON: argument 'w' expected 3 values for shape [3], got 2");
    expect(() => stateDictFromJSON(variant((d) => (d.tensors[0].shape = [-2])))).toThrow(ShapeError);
    expect(() => stateDictFromJSON(variant((d) => (d.tensors[0].data[1] = 'big')))).toThrow(ValueError);
    expect(() => stateDictFromJSON(variant((d) => d.tensors.push(d.tensors[0])))).toThrow(/more than once/);
    expect(() => stateDictFromJSON(variant((d) => ((d.tensors[0].dtype = 'int32'), (d.tensors[0].data[0] = 1.5))))).toThrow(ValueError);
    expect(() => stateDictToJSON({ w: [1, 2] as unknown as Tensor })).toThrow(ValueError);
  });

  it('a parameter named __proto__ survives stateDict() and JSON, and sets no prototype', () => {
    class Odd extends nn.Module {
      constructor() {
        super();
        this.registerParameter('__proto__', tensor([1, 2]));
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Odd();
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(['__proto__']);
    const back = stateDictFromJSON(stateDictToJSON(sd));
    expect(Object.getPrototypeOf(back)).toBeNull();
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect(back['__proto__']!.toArray()).toEqual([1, 2]);
    m.loadStateDict(back);
  });

  it('a value its dtype cannot hold is rejected, not rounded: float32 1e39 is not Infinity', () => {
    const good = JSON.parse(stateDictToJSON({ w: tensor([1, 2]) }));
    good.tensors[0].data[0] = 1e39;
    expect(() => stateDictFromJSON(good)).toThrow(/argument 'w' expected float32 values .* got 1e\+39 at data\[0\]/);
    good.tensors[0].data[0] = 0.1; // not a float32 either
    expect(() => stateDictFromJSON(good)).toThrow(/got 0.1 at data\[0\]/);
  });

  it('NaN payloads round-trip bit for bit in float32 and float64', () => {
    const f32 = new Float32Array(3);
    new Uint32Array(f32.buffer).set([0x7fc00001, 0xffc00000, 0x7fa00000]);
    const f64 = new Float64Array(2);
    new BigUint64Array(f64.buffer).set([0x7ff8000000000123n, 0xfff8000000000000n]);
    const sd: StateDict = { a: tensor(f32), b: tensor(f64) };
    const back = stateDictFromJSON(stateDictToJSON(sd));
    expect(new Uint32Array(back['a']!.data.buffer)).toEqual(new Uint32Array(f32.buffer));
    expect(new BigUint64Array(back['b']!.data.buffer)).toEqual(new BigUint64Array(f64.buffer));
  });

  it('every single-digit edit of a saved file is caught (checksum, exactness or structure)', () => {
    const text = stateDictToJSON(mlp(7).stateDict());
    const rng = new Rng(11);
    const digits = [...text].flatMap((c, i) => (c >= '0' && c <= '9' ? [i] : []));
    let edits = 0;
    for (let trial = 0; trial < 300; trial++) {
      const i = digits[rng.randint(0, digits.length, [1]).item()]!;
      const d = String((Number(text[i]) + 1 + rng.randint(0, 9, [1]).item()) % 10);
      const edited = text.slice(0, i) + d + text.slice(i + 1);
      if (edited === text) continue;
      edits++;
      expect(() => stateDictFromJSON(edited), `edit at ${i}`).toThrow();
    }
    expect(edits).toBeGreaterThan(250);
  });

  it('still reads version 1 documents (no checksum)', () => {
    const doc = JSON.parse(stateDictToJSON({ w: tensor([1, 2]) }));
    doc.version = 1;
    delete doc.checksum;
    expect(stateDictFromJSON(doc)['w']!.toArray()).toEqual([1, 2]);
  });
});

describe('file helpers', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'focalgrad-io-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves a module and loads it back exactly (float32 and float64)', async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const m = mlp(4, dtype);
      const path = join(dir, `model-${dtype}.json`);
      await saveStateDict(path, m);
      const sd = await loadStateDictFile(path);
      expectSameStateDict(sd, m.stateDict());
      const other = mlp(40, dtype);
      other.loadStateDict(sd);
      expectSameStateDict(other.stateDict(), m.stateDict());
    }
  });

  it('saves a plain state dict, overwrites, and reports file errors', async () => {
    const path = join(dir, 'dict.json');
    await saveStateDict(path, { a: tensor([1, 2, 3], { dtype: 'int32' }) });
    await saveStateDict(path, { b: tensor([0.5]) });
    expect(Object.keys(await loadStateDictFile(path))).toEqual(['b']);
    expect(JSON.parse(await readFile(path, 'utf8')).format).toBe('focalgrad.stateDict');
    await expect(loadStateDictFile(join(dir, 'missing.json'))).rejects.toThrow(/loadStateDictFile: argument 'path' no such file '.*missing\.json'/);
    await expect(saveStateDict(join(dir, 'no', 'such', 'dir.json'), {})).rejects.toThrow(/saveStateDict: argument 'path' cannot write .* its directory does not exist/);
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"format":"something else"}');
    await expect(loadStateDictFile(junk)).rejects.toThrow(ValueError);
    await expect(saveStateDict('', {})).rejects.toThrow(ValueError);
  });
});
