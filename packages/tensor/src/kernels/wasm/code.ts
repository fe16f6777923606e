/**
 * The body of one WebAssembly function, written instruction by instruction: locals, structured
 * control flow with named labels (so branch depths are computed, never counted by hand), and the
 * integer, float and SIMD128 instructions the kernels use. Each method appends the instruction's
 * binary encoding; `ModuleBuilder` (emit.ts) wraps the result into a function body.
 *
 * Only what the kernels need is here; adding an instruction is one method with its opcode from the
 * WebAssembly core specification (SIMD instructions sit behind the 0xFD prefix, their sub-opcode a
 * LEB128 u32).
 */
import { f32Bytes, f64Bytes, sleb, uleb } from './leb.js';

/** A value type: the four numeric types and the 128-bit vector. */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

/** The binary code of each value type. */
export const VALTYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** A branch target: the block, loop or if it was made by, identified by its nesting depth. */
export interface Label {
  readonly depth: number;
}

/** A local variable (parameters come first, numbered from 0). */
export type Local = number;

/** Natural alignment (log2 bytes) of each memory access width; the emitted hint is never larger. */
const ALIGN = { 4: 2, 8: 3, 16: 4 } as const;

/** Instructions of one function body (without its local declarations, which {@link Code.locals} holds). */
export class Code {
  /** The encoded instructions. */
  readonly bytes: number[] = [];
  /** The declared locals beyond the parameters, in order. */
  readonly locals: ValType[] = [];
  private depth = 0;

  constructor(private readonly params: readonly ValType[]) {}

  /** The `i`-th parameter as a local. */
  param(i: number): Local {
    if (i < 0 || i >= this.params.length) throw new RangeError(`no parameter ${i}`);
    return i;
  }

  /** Declares a new local of type `t`. */
  local(t: ValType): Local {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }

  private simd(sub: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(sub), ...imm);
  }

  private memarg(width: 4 | 8 | 16, offset: number): number[] {
    return [...uleb(ALIGN[width]), ...uleb(offset)];
  }

  private relative(l: Label): number {
    const d = this.depth - 1 - l.depth;
    if (d < 0) throw new RangeError('branch to a label that is not enclosing');
    return d;
  }

  // Control ----------------------------------------------------------------------------------

  /** `block … end`: a branch to its label jumps past the end. */
  block(body: (exit: Label) => void): this {
    return this.structured(0x02, body);
  }

  /** `loop … end`: a branch to its label jumps back to the top. */
  loop(body: (top: Label) => void): this {
    return this.structured(0x03, body);
  }

  /** `if … else … end` on the i32 on the stack (no result value). */
  if(then: (exit: Label) => void, otherwise?: (exit: Label) => void): this {
    this.op(0x04, 0x40);
    const label = { depth: this.depth++ };
    then(label);
    if (otherwise) {
      this.op(0x05);
      otherwise(label);
    }
    this.depth--;
    return this.op(0x0b);
  }

  private structured(opcode: number, body: (l: Label) => void): this {
    this.op(opcode, 0x40);
    const label = { depth: this.depth++ };
    body(label);
    this.depth--;
    return this.op(0x0b);
  }

  br(l: Label): this {
    return this.op(0x0c, ...uleb(this.relative(l)));
  }

  /** Branches when the i32 on the stack is non-zero. */
  brIf(l: Label): this {
    return this.op(0x0d, ...uleb(this.relative(l)));
  }

  return(): this {
    return this.op(0x0f);
  }

  call(funcIndex: number): this {
    return this.op(0x10, ...uleb(funcIndex));
  }

  drop(): this {
    return this.op(0x1a);
  }

  /** `select`: the first operand if the i32 condition is non-zero, else the second. */
  select(): this {
    return this.op(0x1b);
  }

  // Variables --------------------------------------------------------------------------------

  get(l: Local): this {
    return this.op(0x20, ...uleb(l));
  }

  set(l: Local): this {
    return this.op(0x21, ...uleb(l));
  }

  tee(l: Local): this {
    return this.op(0x22, ...uleb(l));
  }

  // Memory -----------------------------------------------------------------------------------

  i32Load(offset = 0): this {
    return this.op(0x28, ...this.memarg(4, offset));
  }

  f32Load(offset = 0): this {
    return this.op(0x2a, ...this.memarg(4, offset));
  }

  f64Load(offset = 0): this {
    return this.op(0x2b, ...this.memarg(8, offset));
  }

  i32Store(offset = 0): this {
    return this.op(0x36, ...this.memarg(4, offset));
  }

  f32Store(offset = 0): this {
    return this.op(0x38, ...this.memarg(4, offset));
  }

  f64Store(offset = 0): this {
    return this.op(0x39, ...this.memarg(8, offset));
  }

  // Numeric ----------------------------------------------------------------------------------

  i32Const(v: number): this {
    return this.op(0x41, ...sleb(v | 0));
  }

  f32Const(v: number): this {
    return this.op(0x43, ...f32Bytes(v));
  }

  f64Const(v: number): this {
    return this.op(0x44, ...f64Bytes(v));
  }

  i32Eqz(): this {
    return this.op(0x45);
  }

  i32Eq(): this {
    return this.op(0x46);
  }

  i32Ne(): this {
    return this.op(0x47);
  }

  i32LtS(): this {
    return this.op(0x48);
  }

  i32GtS(): this {
    return this.op(0x4a);
  }

  i32LeS(): this {
    return this.op(0x4c);
  }

  i32GeS(): this {
    return this.op(0x4e);
  }

  i32Add(): this {
    return this.op(0x6a);
  }

  i32Sub(): this {
    return this.op(0x6b);
  }

  i32Mul(): this {
    return this.op(0x6c);
  }

  i32And(): this {
    return this.op(0x71);
  }

  i32Or(): this {
    return this.op(0x72);
  }

  i32Shl(): this {
    return this.op(0x74);
  }

  f32Add(): this {
    return this.op(0x92);
  }

  f32Mul(): this {
    return this.op(0x94);
  }

  f64Add(): this {
    return this.op(0xa0);
  }

  f64Mul(): this {
    return this.op(0xa2);
  }

  // SIMD128 ----------------------------------------------------------------------------------

  /** `align` is the alignment hint as log2 bytes (4: 16-byte aligned; 0 for unaligned data). */
  v128Load(offset = 0, align = 4): this {
    if (align < 0 || align > 4) throw new RangeError(`v128.load: alignment hint ${align} exceeds 4`);
    return this.simd(0x00, ...uleb(align), ...uleb(offset));
  }

  /** Loads one 32-bit value and copies it into all four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09, ...this.memarg(4, offset));
  }

  /** Loads one 64-bit value and copies it into both lanes. */
  v128Load64Splat(offset = 0): this {
    return this.simd(0x0a, ...this.memarg(8, offset));
  }

  v128Store(offset = 0): this {
    return this.simd(0x0b, ...this.memarg(16, offset));
  }

  /** A vector constant of 16 bytes (little-endian lanes); zero by default. */
  v128Const(bytes: readonly number[] = new Array<number>(16).fill(0)): this {
    if (bytes.length !== 16) throw new RangeError('v128.const takes 16 bytes');
    return this.simd(0x0c, ...bytes);
  }

  f32x4Splat(): this {
    return this.simd(0x13);
  }

  f64x2Splat(): this {
    return this.simd(0x14);
  }

  f32x4ExtractLane(lane: number): this {
    return this.simd(0x1f, lane);
  }

  f64x2ExtractLane(lane: number): this {
    return this.simd(0x21, lane);
  }

  f32x4Add(): this {
    return this.simd(0xe4);
  }

  f32x4Mul(): this {
    return this.simd(0xe6);
  }

  f64x2Add(): this {
    return this.simd(0xf0);
  }

  f64x2Mul(): this {
    return this.simd(0xf2);
  }

  /** Relaxed SIMD: `a·b + c` (fused or not, as the hardware does it); operands pushed a, b, c. */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }

  /** Relaxed SIMD: `a·b + c` (fused or not, as the hardware does it); operands pushed a, b, c. */
  f64x2RelaxedMadd(): this {
    return this.simd(0x107);
  }
}
