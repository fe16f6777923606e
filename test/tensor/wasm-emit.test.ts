/**
 * The WebAssembly module emitter: LEB128 against the specification's examples, and tiny modules
 * built with it that the engine validates, instantiates and runs (integer arithmetic, a loop with
 * branches, memory, SIMD lanes, and relaxed SIMD where the engine has it).
 */
import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../packages/tensor/src/kernels/wasm/emit.js';
import { hasRelaxedSimd, hasSimd } from '../../packages/tensor/src/kernels/wasm/features.js';
import { f32Bytes, f64Bytes, name, sleb, uleb } from '../../packages/tensor/src/kernels/wasm/leb.js';
import { wasmApi } from '../../packages/tensor/src/kernels/wasm/runtime.js';

/** The engine's `WebAssembly` (Node's type definitions declare only its types). */
const WebAssembly = wasmApi()!;

function run(m: ModuleBuilder, imports: Record<string, Record<string, unknown>> = {}): Record<string, CallableFunction> {
  const bytes = m.bytes();
  expect(WebAssembly.validate(bytes)).toBe(true);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as Record<string, CallableFunction>;
}

describe('LEB128 and constants', () => {
  it('unsigned LEB128 (the examples of the DWARF and WebAssembly specifications)', () => {
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => uleb(-1)).toThrow(RangeError);
    expect(() => uleb(2 ** 32)).toThrow(RangeError);
  });

  it('signed LEB128', () => {
    expect(sleb(0)).toEqual([0x00]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(2 ** 31 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(sleb(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('floats little-endian, names length-prefixed', () => {
    expect(f32Bytes(1)).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(f64Bytes(-2)).toEqual([0, 0, 0, 0, 0, 0, 0x00, 0xc0]);
    expect(name('gemm')).toEqual([4, 0x67, 0x65, 0x6d, 0x6d]);
    expect(() => name('é')).toThrow(RangeError);
  });
});

describe('ModuleBuilder', () => {
  it('an empty module is the 8-byte header plus empty sections, and validates', () => {
    const bytes = new ModuleBuilder().bytes();
    expect(Array.from(bytes.slice(0, 8))).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it('adds integers and floats, with constants (negative and multi-byte ones)', () => {
    const m = new ModuleBuilder();
    m.func('add', ['i32', 'i32'], ['i32'], (c) => c.get(0).get(1).i32Add());
    m.func('affine', ['i32'], ['i32'], (c) => c.get(0).i32Const(-300).i32Mul().i32Const(100000).i32Add());
    m.func('fma64', ['f64', 'f64'], ['f64'], (c) => c.get(0).get(1).f64Mul().f64Const(0.5).f64Add());
    m.func('sq32', ['f32'], ['f32'], (c) => c.get(0).get(0).f32Mul().f32Const(1.5).f32Add());
    const e = run(m);
    expect(e.add!(2, 40)).toBe(42);
    expect(e.add!(2 ** 31 - 1, 1)).toBe(-(2 ** 31)); // i32 wraps
    expect(e.affine!(7)).toBe(100000 - 2100);
    expect(e.fma64!(3, 0.25)).toBe(1.25);
    expect(e.sq32!(0.1)).toBe(Math.fround(Math.fround(Math.fround(0.1) * Math.fround(0.1)) + 1.5));
  });

  it('structured control flow with labels: a counting loop, an early exit, if/else, select, calls', () => {
    const m = new ModuleBuilder();
    // Sum of 1..n, leaving the loop through the enclosing block's label when i > n.
    const sum = m.func('sum', ['i32'], ['i32'], (c) => {
      const i = c.local('i32');
      const s = c.local('i32');
      c.i32Const(1).set(i);
      c.block((done) => {
        c.loop((top) => {
          c.get(i).get(0).i32GtS().brIf(done);
          c.get(s).get(i).i32Add().set(s);
          c.get(i).i32Const(1).i32Add().set(i);
          c.br(top);
        });
      });
      c.get(s);
    });
    m.func('twiceSum', ['i32'], ['i32'], (c) => c.get(0).call(sum).i32Const(2).i32Mul());
    m.func('sign', ['i32'], ['i32'], (c) => {
      const r = c.local('i32');
      c.get(0).i32Const(0).i32LtS().if(
        () => c.i32Const(-1).set(r),
        () => c.i32Const(1).set(r),
      );
      c.get(r);
    });
    m.func('min', ['i32', 'i32'], ['i32'], (c) => c.get(0).get(1).get(0).get(1).i32LtS().select());
    const e = run(m);
    expect(e.sum!(100)).toBe(5050);
    expect(e.sum!(0)).toBe(0);
    expect(e.twiceSum!(10)).toBe(110);
    expect([e.sign!(-5), e.sign!(7)]).toEqual([-1, 1]);
    expect([e.min!(3, -4), e.min!(2, 9)]).toEqual([-4, 2]);
  });

  it('a branch to a label that does not enclose the current position is refused', () => {
    const m = new ModuleBuilder();
    expect(() =>
      m.func('bad', [], [], (c) => {
        let outer = { depth: -1 };
        c.block((l) => {
          outer = l;
        });
        c.br(outer);
      }),
    ).toThrow(RangeError);
  });

  it('reads and writes an imported memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const m = new ModuleBuilder().importMemory('env', 'memory');
    // out[i] = 2·x[i] for float64 x at byte 0 and out at byte 8n.
    m.func('double', ['i32'], [], (c) => {
      const i = c.local('i32');
      c.block((done) => {
        c.loop((top) => {
          c.get(i).get(0).i32GeS().brIf(done);
          c.get(i).get(0).i32Add().i32Const(8).i32Mul();
          c.get(i).i32Const(8).i32Mul().f64Load().f64Const(2).f64Mul();
          c.f64Store();
          c.get(i).i32Const(1).i32Add().set(i);
          c.br(top);
        });
      });
    });
    m.func('poke', ['i32', 'i32'], [], (c) => c.get(0).get(1).i32Store(4));
    m.func('peek', ['i32'], ['i32'], (c) => c.get(0).i32Load(4));
    const e = run(m, { env: { memory } });
    const f64 = new Float64Array(memory.buffer);
    f64.set([1, -2.5, 3e300], 0);
    e.double!(3);
    expect(Array.from(f64.subarray(3, 6))).toEqual([2, -5, 6e300]);
    e.poke!(100, 123456789);
    expect(new Int32Array(memory.buffer)[26]).toBe(123456789); // byte 104
    expect(e.peek!(100)).toBe(123456789);
  });

  it('SIMD128: lanes of splat, add, mul, loads, splatting loads, constants and stores', () => {
    expect(hasSimd()).toBe(true); // Node 20 and every current browser engine have SIMD128
    const memory = new WebAssembly.Memory({ initial: 1 });
    const m = new ModuleBuilder().importMemory('env', 'memory');
    // Byte 16 ← splat(x)·v + v for the f32x4 v at byte 0.
    m.func('f32ops', ['f32'], [], (c) => {
      const v = c.local('v128');
      c.i32Const(0).v128Load().set(v);
      c.i32Const(16).get(0).f32x4Splat().get(v).f32x4Mul().get(v).f32x4Add().v128Store();
    });
    // Byte 64 ← splat(x)·v + v for the f64x2 v at byte 32 (offset immediate 32).
    m.func('f64ops', ['f64'], [], (c) => {
      const v = c.local('v128');
      c.i32Const(0).v128Load(32).set(v);
      c.i32Const(0).get(0).f64x2Splat().get(v).f64x2Mul().get(v).f64x2Add().v128Store(64);
    });
    // Byte 96 ← the f32 at byte 4 in every lane; byte 112 ← the f64 at byte 40 in both lanes.
    m.func('splats', [], [], (c) => {
      c.i32Const(96).i32Const(0).v128Load32Splat(4).v128Store();
      c.i32Const(112).i32Const(0).v128Load64Splat(40).v128Store();
    });
    m.func('lane2', [], ['f32'], (c) => c.i32Const(0).v128Load().f32x4ExtractLane(2));
    m.func('lane1', [], ['f64'], (c) => c.i32Const(32).v128Load().f64x2ExtractLane(1));
    const one = [0, 0, 0x80, 0x3f];
    m.func('constLane3', [], ['f32'], (c) => c.v128Const([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...one]).f32x4ExtractLane(3));
    m.func('zeroLane0', [], ['f64'], (c) => c.v128Const().f64x2ExtractLane(0));
    const e = run(m, { env: { memory } });
    const f32 = new Float32Array(memory.buffer);
    const f64 = new Float64Array(memory.buffer);
    f32.set([1, 2, 3, 4], 0);
    f64.set([0.5, -8], 4); // bytes 32..47
    e.f32ops!(3);
    expect(Array.from(f32.subarray(4, 8))).toEqual([4, 8, 12, 16]);
    e.f64ops!(2);
    expect(Array.from(f64.subarray(8, 10))).toEqual([1.5, -24]);
    e.splats!();
    expect(Array.from(f32.subarray(24, 28))).toEqual([2, 2, 2, 2]);
    expect(Array.from(f64.subarray(14, 16))).toEqual([-8, -8]);
    expect(e.lane2!()).toBe(3);
    expect(e.lane1!()).toBe(-8);
    expect(e.constLane3!()).toBe(1);
    expect(e.zeroLane0!()).toBe(0);
  });

  it('relaxed SIMD multiply-add: validates exactly where the feature test says so, and computes a·b + c', () => {
    const m = new ModuleBuilder();
    m.func('madd32', ['f32', 'f32', 'f32'], ['f32'], (c) =>
      c.get(0).f32x4Splat().get(1).f32x4Splat().get(2).f32x4Splat().f32x4RelaxedMadd().f32x4ExtractLane(1),
    );
    m.func('madd64', ['f64', 'f64', 'f64'], ['f64'], (c) =>
      c.get(0).f64x2Splat().get(1).f64x2Splat().get(2).f64x2Splat().f64x2RelaxedMadd().f64x2ExtractLane(0),
    );
    expect(WebAssembly.validate(m.bytes())).toBe(hasRelaxedSimd());
    if (!hasRelaxedSimd()) return; // Node 20 without --experimental-wasm-relaxed-simd
    const e = run(m);
    expect(e.madd32!(3, 4, 5)).toBe(17);
    expect(e.madd64!(0.5, -6, 1)).toBe(-2);
  });
});
