/**
 * Bit-packed encoding and TS013-shaped decoding of a payload schema. The layout is a `versionBits` header
 * holding the schema version, then every field in definition order, MSB-first, zero padding to a byte.
 */
import { MurmurError } from '@murmur/core';
import { fastDecoderOf } from './fast-decode';
import { invalidRawMessage, planOf, quantize, rawToValue, readBits, writeBits, type Plan } from './plan';
import type { Infer, InferDownlink, PayloadSchema } from './schema';
import { valueText } from './value-text';

/** The LoRa Alliance TS013 decoder result: `data` is present only when `errors` is empty. */
export interface DecodeResult<T = Record<string, unknown>> {
  data?: T;
  warnings: string[];
  errors: string[];
}

function downlinkOf(schema: PayloadSchema): PayloadSchema {
  if (!schema.downlink)
    throw new MurmurError(`schema '${schema.name}' has no downlink`, { field: 'downlink' });
  return schema.downlink;
}

/** Packs a value; throws MurmurError naming the field when a value is missing, of the wrong type or out of range. */
export function encode<S extends PayloadSchema>(schema: S, value: Infer<S>): Uint8Array {
  return encodeWith(planOf(schema), value);
}

/** Packs a downlink value of a schema that has one. */
export function encodeDownlink<S extends PayloadSchema>(schema: S, value: InferDownlink<S>): Uint8Array {
  return encodeWith(planOf(downlinkOf(schema)), value);
}

/** The raw codes of a value in slot order (arrays flattened); throws MurmurError naming the bad field. */
export function quantizeValue(plan: Plan, value: unknown): number[] {
  const name = plan.schema.name;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MurmurError(`a '${name}' value must be an object`);
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(plan.schema.fields, key))
      throw new MurmurError(`unknown field in '${name}'`, { field: key });
  }
  const raws: number[] = [];
  for (const slot of plan.slots) {
    const v = obj[slot.name];
    if (v === undefined) throw new MurmurError('missing', { field: slot.name });
    if (slot.length) {
      if (!Array.isArray(v) || v.length !== slot.length) {
        throw new MurmurError(`must be an array of ${slot.length} values`, { field: slot.name });
      }
      for (let i = 0; i < slot.length; i++) raws.push(rawOrThrow(quantize(slot, v[i]), `${slot.name}[${i}]`));
    } else raws.push(rawOrThrow(quantize(slot, v), slot.name));
  }
  return raws;
}

function rawOrThrow(raw: number | string, field: string): number {
  if (typeof raw === 'string') throw new MurmurError(raw, { field });
  return raw;
}

function encodeWith(plan: Plan, value: unknown): Uint8Array {
  const raws = quantizeValue(plan, value);
  const { schema } = plan;
  const out = new Uint8Array(schema.size);
  writeBits(out, 0, schema.version, schema.versionBits);
  let r = 0;
  for (const slot of plan.slots) {
    for (let i = 0; i < Math.max(1, slot.length); i++)
      writeBits(out, slot.bitOffset + i * slot.bits, raws[r++]!, slot.bits);
  }
  return out;
}

/**
 * Decodes an uplink. Never throws: a wrong or non-integer fPort, `bytes` that is not an array of byte values
 * (null, an object without a length, an element that is not an integer 0..255), a wrong size or version and
 * invalid codes come back as errors.
 */
export function decode<S extends PayloadSchema>(
  schema: S,
  bytes: ArrayLike<number>,
  fPort: number,
): DecodeResult<Infer<S>> {
  return decodeWith(planOf(schema), bytes, fPort) as DecodeResult<Infer<S>>;
}

/** Decodes a downlink of a schema that has one; never throws, like `decode`. */
export function decodeDownlink<S extends PayloadSchema>(
  schema: S,
  bytes: ArrayLike<number>,
  fPort: number,
): DecodeResult<InferDownlink<S>> {
  return decodeWith(planOf(downlinkOf(schema)), bytes, fPort) as DecodeResult<InferDownlink<S>>;
}

/** The first field (or `version`) that does not fit in `n` bytes, for the truncation message. */
function firstMissing(plan: Plan, n: number): string {
  if (n * 8 < plan.schema.versionBits) return plan.versionWhere;
  for (const slot of plan.slots) {
    for (let i = 0; i < Math.max(1, slot.length); i++) {
      const start = slot.bitOffset + i * slot.bits;
      if (start + slot.bits > n * 8)
        return `field '${slot.length ? `${slot.name}[${i}]` : slot.name}', byte ${start >> 3}`;
    }
  }
  return plan.versionWhere;
}

/** Why `fPort` is not the schema's, or undefined. */
function fPortError(schema: PayloadSchema, fPort: unknown): string | undefined {
  if (!Number.isInteger(fPort)) return `fPort ${valueText(fPort)} is not an integer`;
  if (fPort !== schema.fPort) return `fPort ${fPort} is not the fPort of '${schema.name}' (${schema.fPort})`;
  return undefined;
}

/** An object with a whole, non-negative `length`: an array, a typed array, a Buffer or an array-like object. */
function isArrayLike(bytes: unknown): bytes is ArrayLike<unknown> {
  if (typeof bytes !== 'object' || bytes === null) return false;
  const n = (bytes as { length?: unknown }).length;
  return Number.isInteger(n) && (n as number) >= 0;
}

/** Why `bytes` is not an array of `size` elements, or undefined. */
function sizeError(plan: Plan, bytes: unknown): string | undefined {
  const { schema } = plan;
  if (!isArrayLike(bytes)) return `bytes: ${valueText(bytes)} is not an array of bytes`;
  const n = bytes.length;
  if (n < schema.size)
    return `${firstMissing(plan, n)}: payload truncated: ${n} bytes, '${schema.name}' has ${schema.size}`;
  if (n > schema.size)
    return `byte ${schema.size}: payload too long: ${n} bytes, '${schema.name}' has ${schema.size}`;
  return undefined;
}

/** The first element of `bytes` that is not an integer 0..255, as an error message (a Uint8Array holds none). */
function notBytes(bytes: ArrayLike<unknown>): string | undefined {
  if (bytes instanceof Uint8Array) return undefined;
  for (let i = 0; i < bytes.length; i++) {
    const v = bytes[i];
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 255)
      return `byte ${i}: ${valueText(v)} is not a byte value`;
  }
  return undefined;
}

function versionError(plan: Plan, bytes: ArrayLike<number>): string | undefined {
  const { schema } = plan;
  const version = readBits(bytes, 0, schema.versionBits);
  if (version === schema.version) return undefined;
  return `${plan.versionWhere}: version ${version}, expected ${schema.version}`;
}

/**
 * Checks, in this order, the fPort, that `bytes` is array-like with the schema's size, that every element is a
 * byte and the version; returns the first error message or undefined. The codec JS checks in the same order.
 */
export function frameError(plan: Plan, bytes: unknown, fPort: unknown): string | undefined {
  return (
    fPortError(plan.schema, fPort) ??
    sizeError(plan, bytes) ??
    notBytes(bytes as ArrayLike<unknown>) ??
    versionError(plan, bytes as ArrayLike<number>)
  );
}

/** The warning about non-zero padding bits, if any. */
export function paddingWarning(plan: Plan, bytes: ArrayLike<number>): string | undefined {
  const { schema } = plan;
  const pad = schema.size * 8 - schema.bits;
  if (pad === 0 || readBits(bytes, schema.bits, pad) === 0) return undefined;
  return `byte ${schema.size - 1}: padding bits are not zero`;
}

function decodeWith(plan: Plan, bytes: unknown, fPort: unknown): DecodeResult {
  const frame = frameError(plan, bytes, fPort);
  if (frame !== undefined) return { warnings: [], errors: [frame] };
  const valid = bytes as ArrayLike<number>;
  const data = fastDecoderOf(plan, readBits)(valid);
  if (data === undefined) return { warnings: [], errors: referenceErrors(plan, valid) };
  const warning = paddingWarning(plan, valid);
  return { data, warnings: warning === undefined ? [] : [warning], errors: [] };
}

/**
 * The reference decoder: reads every element through the plan and returns the decoded object, or the error
 * of every invalid element. The compiled fast path must agree with it (tested).
 */
export function referenceDecode(
  plan: Plan,
  bytes: ArrayLike<number>,
): { data?: Record<string, unknown>; errors: string[] } {
  const data: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const slot of plan.slots) {
    const values: unknown[] = [];
    for (let i = 0; i < Math.max(1, slot.length); i++) {
      const pos = slot.bitOffset + i * slot.bits;
      const raw = readBits(bytes, pos, slot.bits);
      const v = rawToValue(slot, raw);
      if (v === undefined) {
        errors.push(
          `field '${slot.length ? `${slot.name}[${i}]` : slot.name}', byte ${pos >> 3}: ${invalidRawMessage(slot, raw)}`,
        );
      }
      values.push(v);
    }
    data[slot.name] = slot.length ? values : values[0];
  }
  return errors.length ? { errors } : { data, errors };
}

function referenceErrors(plan: Plan, bytes: ArrayLike<number>): string[] {
  return referenceDecode(plan, bytes).errors;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of bytes. */
export function toHex(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}

/** Bytes of a hex string (spaces allowed); throws MurmurError naming the offset of a bad digit. */
export function fromHex(hex: string, field = 'hex'): Uint8Array {
  const clean = /\s/.test(hex) ? hex.replace(/\s+/g, '') : hex;
  if (clean.length % 2 !== 0) throw new MurmurError(`odd number of hex digits (${clean.length})`, { field });
  if (!/^[0-9a-fA-F]*$/.test(clean)) {
    const bad = clean.search(/[^0-9a-fA-F]/) >> 1;
    throw new MurmurError(`'${clean.slice(2 * bad, 2 * bad + 2)}' is not hex`, { field, offset: bad });
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
