/**
 * The safetensors format: golden files written by the reference implementation (and by
 * test/fixtures/safetensors/make_golden.py, which follows it), the byte vectors of the reference's
 * own tests, bit-for-bit round trips of random dicts, one test per kind of malformed input, and
 * the Node file helpers in a temporary directory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, Tensor, ValueError, fromSafetensors, nn, tensor, toSafetensors, type StateDict } from '@focalgrad/tensor';
import { loadSafetensorsFile, saveSafetensors } from '@focalgrad/tensor/node';

const fixture = (name: string): Promise<Uint8Array> => readFile(fileURLToPath(new URL(`../fixtures/safetensors/${name}`, import.meta.url)));

/** The raw bytes of a typed array, for bit-for-bit comparison (NaN payloads, -0). */
const raw = (a: ArrayBufferView): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

/** float32 / float64 / int32 tensors with exact bit patterns. */
const f32bits = (shape: number[], ...words: number[]): Tensor => new Tensor(new Float32Array(Uint32Array.from(words).buffer), shape);
const f64bits = (shape: number[], ...words: bigint[]): Tensor => new Tensor(new Float64Array(BigUint64Array.from(words).buffer), shape);
const i32 = (shape: number[], ...values: number[]): Tensor => new Tensor(Int32Array.from(values), shape);

function expectSameDict(a: StateDict, b: StateDict): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(a)) {
    expect(a[k]!.dtype, k).toBe(b[k]!.dtype);
    expect(a[k]!.shape, k).toEqual(b[k]!.shape);
    expect(raw(a[k]!.data), k).toEqual(raw(b[k]!.data));
  }
}

/** A file from a header text (not padded) and data bytes. */
function file(header: string, data: ArrayLike<number> = []): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** The header text of a file (padding included). */
const headerOf = (bytes: Uint8Array): string => new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))));

function expectThrows(fn: () => unknown, cls: typeof ValueError | typeof DTypeError | typeof ShapeError, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(cls);
  expect((error as Error).message).toMatch(message);
}

describe('golden files', () => {
  // Written by make_golden.py (its stdlib + numpy fallback; `safetensors.numpy.save_file` writes
  // the same bytes, which the script checks when the package is installed).
  const golden = {
    'b.scale': new Tensor(Float64Array.of(0.1), []),
    'z.double': f64bits([2, 2], 0x8000000000000000n, 0x7ff8000000000001n, 0x1n, 0x7fefffffffffffffn),
    empty: new Tensor(new Float32Array(0), [0]),
    'layer.0.bias': f32bits([3], 0x7fc00001, 0xffc00123, 0x7f800001),
    'layer.0.weight': f32bits([2, 3], 0x00000000, 0x80000000, 0x3fc00000, 0x7fc00000, 0x7f800000, 0xff800000),
    subnormals: f32bits([4], 0x00000001, 0x807fffff, 0x7f7fffff, 0x3dcccccd),
    'a.counts': i32([1, 2, 2], 3, 1, 4, 1),
    'a.none': i32([2, 0]),
    labels: i32([5], -2147483648, -1, 0, 1, 2147483647),
  };

  it('reads golden.safetensors (make_golden.py) to the right values, in data order', async () => {
    const { tensors, metadata } = fromSafetensors(await fixture('golden.safetensors'));
    expect({ ...metadata }).toEqual({ format: 'pt' });
    // The reference orders the data by dtype (F64, F32, I32), then by name.
    expect(Object.keys(tensors)).toEqual(Object.keys(golden));
    expectSameDict(tensors, golden);
    expect(tensors['b.scale']!.data[0]).toBe(0.1);
    expect(Object.is(tensors['layer.0.weight']!.data[1], -0)).toBe(true);
    expect(tensors['z.double']!.data[2]).toBe(5e-324);
  });

  it('writes golden.safetensors byte for byte, from the loaded dict and from a dict built here', async () => {
    const bytes = await fixture('golden.safetensors');
    const { tensors, metadata } = fromSafetensors(bytes);
    expect(toSafetensors(tensors, metadata)).toEqual(new Uint8Array(bytes));
    const shuffled = Object.fromEntries(Object.entries(golden).reverse());
    expect(toSafetensors(shuffled, { format: 'pt' })).toEqual(new Uint8Array(bytes));
  });

  // The reference's own byte vectors: `test_serialization`, `test_serialization_forced_alignement`
  // and `test_empty` in huggingface/safetensors safetensors/src/tensor.rs (commit 24b0b28).
  it('matches the byte vectors of the reference tests', () => {
    const values = Float32Array.of(0, 1, 2, 3, 4, 5);
    const data = [0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64];
    expect(Array.from(toSafetensors({ 'attn.0': new Tensor(values, [1, 2, 3]) }))).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
      58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
      101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, ...data,
    ]);
    expect(Array.from(toSafetensors({ attn0: new Tensor(values, [1, 1, 2, 3]) }))).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
      121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
      91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
      115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
      32, 32, ...data,
    ]);
    expect(Array.from(toSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(toSafetensors({}, { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
      95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
      116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  // f.safetensors and overall.safetensors: huggingface/safetensors pull request #84 (commit
  // bd71d43, samples/), written by samples/generate.py with `safetensors.numpy.save` in Nov 2022.
  // That release predates the header padding and dtype ordering (safetensors#148, 0.3.0), so the
  // bytes match ours except for the padding.
  it("reads the reference sample f.safetensors and writes it again up to the header's padding", async () => {
    const bytes = await fixture('f.safetensors');
    const { tensors, metadata } = fromSafetensors(bytes);
    expect({ ...metadata }).toEqual({ test: 'a' });
    expect(Object.keys(tensors)).toEqual(['f']);
    expect(tensors['f']!.dtype).toBe('float32');
    expect(tensors['f']!.shape).toEqual([6]);
    expect(Array.from(tensors['f']!.data)).toEqual([-3, -2, -1, 0, 1, 2]); // np.array(range(-3, 3), dtype='<f')
    const out = toSafetensors(tensors, metadata);
    const header = headerOf(bytes);
    expect(header.length).toBe(83);
    expect(headerOf(out)).toBe(header.padEnd(88, ' '));
    expect(Array.from(out.subarray(8 + 88))).toEqual(Array.from(bytes.subarray(8 + 83)));
  });

  it('rejects the reference sample overall.safetensors, naming the first unsupported tensor and dtype', async () => {
    const bytes = await fixture('overall.safetensors');
    expectThrows(() => fromSafetensors(bytes), DTypeError, /tensor 'B' has dtype "U8", a safetensors dtype that focalgrad does not support; focalgrad reads only F32 \(float32\), F64 \(float64\) and I32 \(int32\)/);
  });
});

describe('toSafetensors', () => {
  it('orders the data by dtype, then by name in code-point (UTF-8) order', () => {
    const out = toSafetensors({ b: i32([1], 1), a: i32([1], 2), '\u{10000}': tensor([1]), '\uffff': tensor([2]), z: tensor([3], { dtype: 'float64' }) });
    const header = JSON.parse(headerOf(out)) as Record<string, { data_offsets: number[] }>;
    expect(Object.keys(header)).toEqual(['z', '\uffff', '\u{10000}', 'a', 'b']);
    expect(header['a']!.data_offsets).toEqual([16, 20]);
  });

  it('sorts metadata keys, escapes names like serde_json, and omits an empty __metadata__', () => {
    const out = toSafetensors({ 'x"\\\n\u0001é': tensor([1]) }, { b: '2', a: '1', '10': 'ten' });
    expect(headerOf(out).trimEnd()).toBe('{"__metadata__":{"10":"ten","a":"1","b":"2"},"x\\"\\\\\\n\\u0001é":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    expect(headerOf(toSafetensors({}, {}))).toBe('{}      ');
  });

  it('writes views of a shared buffer and leaves the tensors untouched', () => {
    const base = Float64Array.of(1, 2, 3, 4, 5);
    const view = new Tensor(base.subarray(1, 4), [3]);
    const { tensors } = fromSafetensors(toSafetensors({ v: view }));
    expect(Array.from(tensors['v']!.data)).toEqual([2, 3, 4]);
    expect(Array.from(base)).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects bad names, values and metadata, naming the argument', () => {
    const t = tensor([1]);
    expectThrows(() => toSafetensors({ '': t }), ValueError, /^toSafetensors: argument 'dict' has an empty tensor name/);
    expectThrows(() => toSafetensors({ __metadata__: t }), ValueError, /^toSafetensors: argument 'dict' uses the name '__metadata__', which safetensors reserves/);
    expectThrows(() => toSafetensors({ ['a\ud800']: t }), ValueError, /argument 'dict' has the name .* lone surrogate/);
    expectThrows(() => toSafetensors({ w: [1, 2] as unknown as Tensor }), ValueError, /argument 'dict' expected a Tensor under 'w', got an array/);
    expectThrows(() => toSafetensors(null as unknown as StateDict), ValueError, /argument 'dict' expected an object of named tensors, got null/);
    expectThrows(() => toSafetensors({ w: t }, { format: 1 as unknown as string }), ValueError, /^toSafetensors: argument 'metadata' expected a string under 'format', got 1/);
    expectThrows(() => toSafetensors({ w: t }, 'pt' as unknown as Record<string, string>), ValueError, /argument 'metadata' expected an object of strings, got "pt"/);
    expectThrows(() => toSafetensors({ w: t }, { a: '\udc00' }), ValueError, /argument 'metadata' has a lone surrogate under 'a'/);
  });
});

describe('round trips', () => {
  const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).filter((s) => s !== '__metadata__');
  const shape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
  const entry = fc.tuple(fc.constantFrom('float32', 'float64', 'int32'), shape).chain(([dtype, s]) => {
    const n = s.reduce((a, d) => a * d, 1) * (dtype === 'float64' ? 2 : 1);
    // Random 32-bit words, so the floats include NaNs with every payload, ±0, subnormals and ±Inf.
    return fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: n, maxLength: n }).map((words) => {
      const buffer = Int32Array.from(words).buffer;
      const data = dtype === 'float32' ? new Float32Array(buffer) : dtype === 'float64' ? new Float64Array(buffer) : new Int32Array(buffer);
      return new Tensor(data, s);
    });
  });
  const dict = fc.uniqueArray(fc.tuple(name, entry), { selector: ([k]) => k, maxLength: 6 }).map((es) => {
    const d: StateDict = Object.create(null);
    for (const [k, t] of es) d[k] = t;
    return d;
  });
  const metadata = fc.option(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), { maxKeys: 3 }), { nil: undefined });

  it('reads back every tensor bit for bit, and rewrites the same bytes', () => {
    fc.assert(
      fc.property(dict, metadata, (d, meta) => {
        const bytes = toSafetensors(d, meta);
        expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
        const back = fromSafetensors(bytes);
        expectSameDict(back.tensors, d);
        expect({ ...back.metadata }).toEqual({ ...meta });
        expect(toSafetensors(back.tensors, back.metadata)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('copies each tensor out of the buffer, from an ArrayBuffer or any byte offset', () => {
    const bytes = toSafetensors({ w: f64bits([2], 0x7ff0000000000001n, 0x8000000000000000n), n: i32([3], 1, 2, 3) });
    for (const shift of [1, 3, 5]) {
      const shifted = new Uint8Array(bytes.length + shift);
      shifted.set(bytes, shift);
      const { tensors } = fromSafetensors(shifted.subarray(shift));
      expect(raw(tensors['w']!.data)).toEqual(raw(f64bits([2], 0x7ff0000000000001n, 0x8000000000000000n).data));
      expect(tensors['w']!.data.byteOffset).toBe(0);
      shifted.fill(0);
      expect(Array.from(tensors['n']!.data)).toEqual([1, 2, 3]);
    }
    expect(Array.from(fromSafetensors(bytes.slice().buffer).tensors['n']!.data)).toEqual([1, 2, 3]);
  });
});

describe('fromSafetensors rejects malformed input, naming the problem', () => {
  const ok = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const eight = [0, 0, 128, 63, 0, 0, 0, 64];
  /** A file with a header length declared by hand. */
  const declared = (n: bigint, rest: ArrayLike<number>): Uint8Array => {
    const out = new Uint8Array(8 + rest.length);
    new DataView(out.buffer).setBigUint64(0, n, true);
    out.set(rest, 8);
    return out;
  };

  it('accepts the well-formed baseline', () => {
    expect(Array.from(fromSafetensors(file(ok, eight)).tensors['w']!.data)).toEqual([1, 2]);
  });
  it('a buffer shorter than 8 bytes', () => {
    expectThrows(() => fromSafetensors(new Uint8Array(5)), ValueError, /^fromSafetensors: argument 'bytes' has 5 bytes, fewer than the 8-byte header length/);
  });
  it('a non-byte input', () => {
    expectThrows(() => fromSafetensors('{}' as unknown as Uint8Array), ValueError, /expected a Uint8Array or ArrayBuffer, got "\{\}"/);
  });
  it('a header length past the end of the buffer', () => {
    expectThrows(() => fromSafetensors(declared(100n, [123, 125])), ValueError, /declares a 100-byte header, past the end of the 10-byte buffer/);
    expectThrows(() => fromSafetensors(file(ok, eight).subarray(0, 40)), ValueError, /past the end/);
  });
  it('an absurdly large header length', () => {
    expectThrows(() => fromSafetensors(declared(2n ** 63n + 5n, [123, 125])), ValueError, /declares a 9223372036854775813-byte header, over the format's limit of 100000000 bytes/);
  });
  it('a header that is not UTF-8', () => {
    expectThrows(() => fromSafetensors(declared(3n, [123, 0xff, 125])), ValueError, /header that is not valid UTF-8/);
  });
  it('a header that is not JSON', () => {
    expectThrows(() => fromSafetensors(file('{"w":')), ValueError, /header that is not valid JSON \(/);
  });
  it('a header that is not an object', () => {
    expectThrows(() => fromSafetensors(file('[1]     ')), ValueError, /header that is not a JSON object: got an array/);
    expectThrows(() => fromSafetensors(file('null')), ValueError, /header that is not a JSON object: got null/);
  });
  it('leading spaces before the header object, as the reference accepts (huggingface/safetensors#686); a BOM is not JSON', () => {
    expect(Object.keys(fromSafetensors(file('  {"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0, 128, 63])).tensors)).toEqual(['w']);
    expectThrows(() => fromSafetensors(file('\ufeff{}')), ValueError, /not valid JSON/);
  });
  it('an unknown dtype, naming the tensor and the supported dtypes', () => {
    for (const code of ['F16', 'BF16', 'I64', 'U8', 'BOOL']) {
      expectThrows(() => fromSafetensors(file(`{"h":{"dtype":"${code}","shape":[],"data_offsets":[0,0]}}`)), DTypeError, new RegExp(`tensor 'h' has dtype "${code}", a safetensors dtype that focalgrad does not support; focalgrad reads only F32 \\(float32\\), F64 \\(float64\\) and I32 \\(int32\\)`));
    }
    expectThrows(() => fromSafetensors(file('{"h":{"dtype":"float32","shape":[],"data_offsets":[0,4]}}', [0, 0, 0, 0])), DTypeError, /tensor 'h' has dtype "float32", which is not a safetensors dtype/);
    expectThrows(() => fromSafetensors(file('{"h":{"shape":[],"data_offsets":[0,4]}}', [0, 0, 0, 0])), DTypeError, /tensor 'h' has dtype undefined/);
  });
  it('a tensor entry that is not an object', () => {
    expectThrows(() => fromSafetensors(file('{"w":[1,2]}')), ValueError, /tensor 'w': expected an object with dtype, shape and data_offsets, got an array/);
  });
  it('a shape that is not an array of non-negative safe integers', () => {
    for (const shape of ['2', '[-1]', '[1.5]', '["2"]', '[2,18446744073709551614]']) {
      expectThrows(() => fromSafetensors(file(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":[0,8]}}`, eight)), ShapeError, /tensor 'w' has shape .*, expected an array of non-negative integers/);
    }
  });
  it('data_offsets that are not two integers with begin ≤ end', () => {
    for (const offsets of ['[0]', '[0,8,8]', '"0,8"', '[0,8.5]', '[-8,0]', '[8,0]']) {
      expectThrows(() => fromSafetensors(file(`{"w":{"dtype":"F32","shape":[2],"data_offsets":${offsets}}}`, eight)), ValueError, /tensor 'w' has data_offsets .*, expected \[begin, end\] with integers 0 ≤ begin ≤ end/);
    }
  });
  it('a byte count that does not match shape × dtype size', () => {
    expectThrows(() => fromSafetensors(file('{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}', eight)), ValueError, /tensor 'w' of shape \[2\] and dtype F64 needs 16 bytes, but its data_offsets \[0, 8\] span 8/);
  });
  it('offsets out of range', () => {
    expectThrows(() => fromSafetensors(file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', eight)), ValueError, /tensor 'w' has data_offsets \[4, 12\] past the end of the 8-byte data/);
  });
  it('overlapping offsets', () => {
    const h = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expectThrows(() => fromSafetensors(file(h, eight)), ValueError, /tensor 'b' has data_offsets \[4, 8\] overlapping tensor 'a', which ends at 8/);
    const empty = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"I32","shape":[0],"data_offsets":[4,4]}}';
    expectThrows(() => fromSafetensors(file(empty, eight)), ValueError, /tensor 'e' has data_offsets \[4, 4\] overlapping tensor 'a'/);
  });
  it('gaps in the data and trailing bytes', () => {
    const h = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}';
    expectThrows(() => fromSafetensors(file(h, [...eight, 0, 0, 0, 0])), ValueError, /leaves bytes \[4, 8\) of the data, before tensor 'b', not covered by any tensor/);
    expectThrows(() => fromSafetensors(file(ok, [...eight, 1, 2])), ValueError, /leaves bytes \[8, 10\) at the end of the data not covered by any tensor/);
    expectThrows(() => fromSafetensors(file('{}', [0])), ValueError, /leaves bytes \[0, 1\) at the end/);
  });
  it('duplicate keys, which JSON.parse would silently drop', () => {
    const w = '{"dtype":"F32","shape":[2],"data_offsets":[0,8]}';
    expectThrows(() => fromSafetensors(file(`{"w":${w},"w":${w}}`, eight)), ValueError, /header that repeats the key "w" at the top level/);
    expectThrows(() => fromSafetensors(file(`{"w":${w},"\\u0077":${w}}`, eight)), ValueError, /repeats the key "w" at the top level/);
    expectThrows(() => fromSafetensors(file(`{"__metadata__":{"a":"1","b":"[\\"{","a":"2"},"w":${w}}`, eight)), ValueError, /repeats the key "a" under "__metadata__"/);
    expectThrows(() => fromSafetensors(file(`{"w":{"dtype":"F32","shape":[2],"dtype":"F64","data_offsets":[0,8]}}`, eight)), ValueError, /repeats the key "dtype" under "w"/);
    expectThrows(() => fromSafetensors(file(`{"__metadata__":{},"__metadata__":{},"w":${w}}`, eight)), ValueError, /repeats the key "__metadata__"/);
    // The same key in different objects is fine.
    expect(Object.keys(fromSafetensors(file(`{"__metadata__":{"w":"dtype"},"w":${w}}`, eight)).tensors)).toEqual(['w']);
  });
  it('__metadata__ that is not a map of strings', () => {
    expectThrows(() => fromSafetensors(file(`{"__metadata__":{"epochs":3},${ok.slice(1)}`, eight)), ValueError, /'__metadata__' value under 'epochs' that is not a string: got 3/);
    expectThrows(() => fromSafetensors(file(`{"__metadata__":["pt"],${ok.slice(1)}`, eight)), ValueError, /'__metadata__' that is not an object of strings: got an array/);
    // serde reads a null Option as none, as the reference does.
    expect({ ...fromSafetensors(file(`{"__metadata__":null,${ok.slice(1)}`, eight)).metadata }).toEqual({});
  });
  it('__proto__ and constructor are ordinary names: nothing is polluted', () => {
    const h = '{"__metadata__":{"__proto__":"x","constructor":"y"},"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"constructor":{"dtype":"I32","shape":[1],"data_offsets":[4,8]}}';
    const { tensors, metadata } = fromSafetensors(file(h, [0, 0, 128, 63, 7, 0, 0, 0]));
    expect(Object.getPrototypeOf(tensors)).toBe(null);
    expect(Object.getPrototypeOf(metadata)).toBe(null);
    expect(Object.keys(tensors)).toEqual(['__proto__', 'constructor']);
    expect(tensors['__proto__']).toBeInstanceOf(Tensor);
    expect(Array.from(tensors['constructor']!.data)).toEqual([7]);
    expect(Object.keys(metadata)).toEqual(['__proto__', 'constructor']);
    expect(metadata['__proto__']).toBe('x');
    expect(({} as Record<string, unknown>)['dtype']).toBeUndefined();
    // And they round-trip through the writer.
    expect(toSafetensors(tensors, metadata)).toEqual(toSafetensors(fromSafetensors(toSafetensors(tensors, metadata)).tensors, metadata));
    expect(Object.keys(fromSafetensors(toSafetensors(tensors)).tensors)).toEqual(['__proto__', 'constructor']);
  });
});

describe('saveSafetensors / loadSafetensorsFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'focalgrad-safetensors-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves a module atomically and loads it back bit for bit', async () => {
    const model = new nn.Sequential(new nn.Linear(3, 4, { seed: 1 }), new nn.ReLU(), new nn.Linear(4, 2, { seed: 2, dtype: 'float64' }));
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, model, { format: 'pt' });
    const bytes = await readFile(path);
    expect(new Uint8Array(bytes)).toEqual(toSafetensors(model.stateDict(), { format: 'pt' }));
    const { tensors, metadata } = await loadSafetensorsFile(path);
    expectSameDict(tensors, model.stateDict());
    expect({ ...metadata }).toEqual({ format: 'pt' });
    // Overwrite with a plain dict; no temporary file is left behind.
    await saveSafetensors(path, { x: i32([2], 5, 6) });
    expect(Array.from((await loadSafetensorsFile(path)).tensors['x']!.data)).toEqual([5, 6]);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('reads the golden file from disk', async () => {
    const path = fileURLToPath(new URL('../fixtures/safetensors/golden.safetensors', import.meta.url));
    expect(Object.keys((await loadSafetensorsFile(path)).tensors)).toContain('labels');
  });

  it('a missing file or directory is a ValueError naming the path', async () => {
    const missing = join(dir, 'nope.safetensors');
    await expect(loadSafetensorsFile(missing)).rejects.toThrow(ValueError);
    await expect(loadSafetensorsFile(missing)).rejects.toThrow(`loadSafetensorsFile: argument 'path' no such file '${missing}'`);
    await expect(loadSafetensorsFile(dir)).rejects.toThrow(/is a directory/);
    await expect(saveSafetensors(join(dir, 'no', 'such', 'dir.safetensors'), {})).rejects.toThrow(/saveSafetensors: argument 'path' cannot write .* its directory does not exist/);
    await expect(loadSafetensorsFile('')).rejects.toThrow(ValueError);
  });
});
