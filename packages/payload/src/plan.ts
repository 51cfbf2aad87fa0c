/**
 * A schema compiled once into a flat list of slots (one per scalar or array field) with bit offsets and
 * conversion constants, so that encoding and decoding do no per-call schema work. The quantisation rules
 * here are the specification that the generated C and codec JS follow exactly.
 */
import type { Field, PayloadSchema, ScalarField } from './schema';
import { decimalsOf } from './schema';
import { valueText } from './value-text';

export interface Slot {
  name: string;
  field: ScalarField;
  /** 0 for a scalar field, else the array length. */
  length: number;
  bits: number;
  bitOffset: number;
  /** Largest raw value (after the uint `max` limit). */
  rawMax: number;
  /** Fixed point: value = (raw * scaleInt + offsetInt) / pow, all exact integers but the division. */
  scaleInt: number;
  offsetInt: number;
  pow: number;
  /** float32 constants used by quantisation. */
  scale32: number;
  offset32: number;
}

export interface Plan {
  schema: PayloadSchema;
  slots: Slot[];
  versionWhere: string;
}

const plans = new WeakMap<PayloadSchema, Plan>();

function slotOf(name: string, f: Field, bitOffset: number): Slot {
  const field = f.kind === 'array' ? f.of : f;
  const length = f.kind === 'array' ? f.length : 0;
  const full = 2 ** field.bits - 1;
  const rawMax =
    field.kind === 'uint' && field.max !== undefined
      ? field.max
      : field.kind === 'enum'
        ? field.values.length - 1
        : full;
  let scaleInt = 1;
  let offsetInt = 0;
  let pow = 1;
  let scale32 = 1;
  let offset32 = 0;
  if (field.kind === 'fixed') {
    pow = 10 ** Math.max(decimalsOf(field.scale), decimalsOf(field.offset));
    scaleInt = Math.round(field.scale * pow);
    offsetInt = Math.round(field.offset * pow);
    scale32 = Math.fround(field.scale);
    offset32 = Math.fround(field.offset);
  }
  return {
    name,
    field,
    length,
    bits: field.bits,
    bitOffset,
    rawMax,
    scaleInt,
    offsetInt,
    pow,
    scale32,
    offset32,
  };
}

/** The compiled plan of a schema (cached per schema object). */
export function planOf(schema: PayloadSchema): Plan {
  let plan = plans.get(schema);
  if (plan) return plan;
  const slots: Slot[] = [];
  let bit = schema.versionBits;
  for (const [name, f] of Object.entries(schema.fields)) {
    const slot = slotOf(name, f, bit);
    slots.push(slot);
    bit += slot.bits * Math.max(1, slot.length);
  }
  plan = { schema, slots, versionWhere: "field 'version', byte 0" };
  plans.set(schema, plan);
  return plan;
}

/** Reads `width` (≤ 32) bits MSB-first starting at bit `pos`. */
export function readBits(bytes: ArrayLike<number>, pos: number, width: number): number {
  let v = 0;
  while (width > 0) {
    const inByte = pos & 7;
    const take = Math.min(8 - inByte, width);
    const chunk = (bytes[pos >> 3]! >> (8 - inByte - take)) & ((1 << take) - 1);
    v = v * (1 << take) + chunk;
    pos += take;
    width -= take;
  }
  return v;
}

/** Writes the low `width` (≤ 32) bits of `value` MSB-first at bit `pos` into zero-initialised `out`. */
export function writeBits(out: Uint8Array, pos: number, value: number, width: number): void {
  while (width > 0) {
    const inByte = pos & 7;
    const put = Math.min(8 - inByte, width);
    const chunk = Math.floor(value / 2 ** (width - put)) & ((1 << put) - 1);
    out[pos >> 3]! |= chunk << (8 - inByte - put);
    pos += put;
    width -= put;
  }
}

/** The decoded value of a raw element, or undefined when the raw value is invalid for the field. */
export function rawToValue(slot: Slot, raw: number): number | boolean | string | undefined {
  const f = slot.field;
  switch (f.kind) {
    case 'enum':
      return f.values[raw];
    case 'bool':
      return raw === 1;
    case 'uint':
      return raw > slot.rawMax ? undefined : raw;
    case 'int':
      return raw >= 2 ** (f.bits - 1) ? raw - 2 ** f.bits : raw;
    case 'fixed':
      return (raw * slot.scaleInt + slot.offsetInt) / slot.pow;
    case 'unorm':
      return raw / slot.rawMax;
  }
}

/** Why a raw value is invalid (only enums past their last value and uints above `max` can be). */
export function invalidRawMessage(slot: Slot, raw: number): string {
  return slot.field.kind === 'enum'
    ? `${raw} is not a valid value (0..${slot.rawMax})`
    : `${raw} is above the maximum ${slot.rawMax}`;
}

/**
 * Quantises one element value to its raw code. Returns the raw value, or a message saying why the value
 * cannot be encoded. Float fields quantise in float32 (`q = fround(fround(fround(v) - offset) / scale)`, unorm
 * `q = fround(v * rawMax)`) and round half up; out-of-range values saturate only when `saturate` is true (by
 * default when the field says so; decoders pass false, so that a received value out of range is an error).
 */
export function quantize(slot: Slot, v: unknown, saturate = fieldSaturates(slot.field)): number | string {
  const f = slot.field;
  switch (f.kind) {
    case 'enum': {
      const i = typeof v === 'string' ? (f.values as readonly string[]).indexOf(v) : -1;
      return i >= 0 ? i : `${valueText(v)} is not one of ${f.values.join('|')}`;
    }
    case 'bool':
      return typeof v === 'boolean' ? (v ? 1 : 0) : `${valueText(v)} is not a boolean`;
    case 'uint':
    case 'int': {
      if (typeof v !== 'number' || Number.isNaN(v)) return `${valueText(v)} is not a number`;
      if (Number.isFinite(v) && !Number.isInteger(v)) return `${v} is not an integer`;
      const lo = f.kind === 'int' ? -(2 ** (f.bits - 1)) : 0;
      const hi = f.kind === 'int' ? 2 ** (f.bits - 1) - 1 : slot.rawMax;
      let x = v;
      if (x < lo || x > hi) {
        if (!saturate) return `${v} is out of range ${lo}..${hi}`;
        x = x < lo ? lo : hi;
      }
      return x < 0 ? x + 2 ** f.bits : x;
    }
    case 'fixed':
    case 'unorm': {
      if (typeof v !== 'number' || Number.isNaN(v)) return `${valueText(v)} is not a number`;
      const q =
        f.kind === 'fixed'
          ? Math.fround(Math.fround(Math.fround(v) - slot.offset32) / slot.scale32)
          : Math.fround(Math.fround(v) * slot.rawMax);
      if (Number.isNaN(q)) return `${v} is not a number`;
      if (q < -0.5 || q >= slot.rawMax + 0.5) {
        if (!saturate) return `${v} is out of range ${rangeText(slot)}`;
        return q < 0 ? 0 : slot.rawMax;
      }
      return q < 0 ? 0 : Math.round(q);
    }
  }
}

function fieldSaturates(f: ScalarField): boolean {
  return 'saturate' in f && f.saturate === true;
}

function rangeText(slot: Slot): string {
  return slot.field.kind === 'unorm' ? '0..1' : `${rawToValue(slot, 0)}..${rawToValue(slot, slot.rawMax)}`;
}
