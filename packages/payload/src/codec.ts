/**
 * Bit-packed encoding and TS013-shaped decoding of a payload schema. The layout is a `versionBits` header
 * holding the schema version, then every field in definition order, MSB-first, zero padding to a byte.
 */
import { MurmurError } from '@murmur/core';
import { invalidRawMessage, planOf, quantize, rawToValue, readBits, writeBits, type Plan } from './plan';
import type { Infer, InferDownlink, PayloadSchema } from './schema';

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

/** Decodes an uplink. Never throws: wrong fPort, size or version and invalid codes come back as errors. */
export function decode<S extends PayloadSchema>(
  schema: S,
  bytes: ArrayLike<number>,
  fPort: number,
): DecodeResult<Infer<S>> {
  return decodeWith(planOf(schema), bytes, fPort) as DecodeResult<Infer<S>>;
}

/** Decodes a downlink of a schema that has one. */
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

/** Checks fPort, size and version; returns the error message or undefined. */
export function frameError(plan: Plan, bytes: ArrayLike<number>, fPort: number): string | undefined {
  const { schema } = plan;
  if (fPort !== schema.fPort) return `fPort ${fPort} is not the fPort of '${schema.name}' (${schema.fPort})`;
  const n = bytes.length;
  if (n < schema.size)
    return `${firstMissing(plan, n)}: payload truncated: ${n} bytes, '${schema.name}' has ${schema.size}`;
  if (n > schema.size)
    return `byte ${schema.size}: payload too long: ${n} bytes, '${schema.name}' has ${schema.size}`;
  const version = readBits(bytes, 0, schema.versionBits);
  if (version !== schema.version)
    return `${plan.versionWhere}: version ${version}, expected ${schema.version}`;
  return undefined;
}

/** The warning about non-zero padding bits, if any. */
export function paddingWarning(plan: Plan, bytes: ArrayLike<number>): string | undefined {
  const { schema } = plan;
  const pad = schema.size * 8 - schema.bits;
  if (pad === 0 || readBits(bytes, schema.bits, pad) === 0) return undefined;
  return `byte ${schema.size - 1}: padding bits are not zero`;
}

function decodeWith(plan: Plan, bytes: ArrayLike<number>, fPort: number): DecodeResult {
  const frame = frameError(plan, bytes, fPort);
  if (frame !== undefined) return { warnings: [], errors: [frame] };
  const data: Record<string, unknown> = {};
  let errors: string[] | undefined;
  const slots = plan.slots;
  for (let s = 0; s < slots.length; s++) {
    const slot = slots[s]!;
    if (slot.length === 0) {
      const raw = readBits(bytes, slot.bitOffset, slot.bits);
      const v = rawToValue(slot, raw);
      if (v === undefined) (errors ??= []).push(`${slot.where}: ${invalidRawMessage(slot, raw)}`);
      data[slot.name] = v;
    } else {
      const arr = new Array(slot.length);
      for (let i = 0; i < slot.length; i++) {
        const pos = slot.bitOffset + i * slot.bits;
        const raw = readBits(bytes, pos, slot.bits);
        const v = rawToValue(slot, raw);
        if (v === undefined) {
          (errors ??= []).push(
            `field '${slot.name}[${i}]', byte ${pos >> 3}: ${invalidRawMessage(slot, raw)}`,
          );
        }
        arr[i] = v;
      }
      data[slot.name] = arr;
    }
  }
  if (errors) return { warnings: [], errors };
  const warning = paddingWarning(plan, bytes);
  return { data, warnings: warning === undefined ? [] : [warning], errors: [] };
}

/** Lower-case hex of bytes. */
export function toHex(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Bytes of a hex string (spaces allowed); throws MurmurError naming the offset of a bad digit. */
export function fromHex(hex: string, field = 'hex'): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw new MurmurError(`odd number of hex digits (${clean.length})`, { field });
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    const pair = clean.slice(2 * i, 2 * i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) throw new MurmurError(`'${pair}' is not hex`, { field, offset: i });
    out[i] = parseInt(pair, 16);
  }
  return out;
}
