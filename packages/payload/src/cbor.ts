/**
 * The NB-IoT forms of a payload: SenML-CBOR (RFC 8428, integer labels) and a compact CBOR array
 * `[version, raw codes...]` (arrays nested, bools as CBOR booleans, ints signed) that the generated C writes.
 * Both decode to the same TS013 result as the bit-packed form.
 */
import { Encoder } from 'cbor-x';
import type { DecodeResult } from './codec';
import { quantizeValue } from './codec';
import { planOf, quantize, rawToValue, invalidRawMessage, type Slot } from './plan';
import type { Infer, PayloadSchema } from './schema';
import { valueText } from './value-text';

const cbor = new Encoder({ useRecords: false, variableMapSize: true, mapsAsObjects: false });

/** SenML labels (RFC 8428 section 6). */
export const SENML = {
  baseName: -2,
  baseTime: -3,
  name: 0,
  unit: 1,
  value: 2,
  stringValue: 3,
  boolValue: 4,
} as const;

/** Units of this package's schemas that are registered SenML units (others are left out of `u`). */
const SENML_UNITS = new Set([
  '%',
  '%EL',
  '%RH',
  '1/min',
  'beat/min',
  'beats',
  'min',
  's',
  'ms',
  'm/s2',
  'Cel',
  'V',
  'Hz',
]);

function headSize(arg: number): number {
  return arg < 24 ? 1 : arg <= 0xff ? 2 : arg <= 0xffff ? 3 : 5;
}

/** Largest compact CBOR encoding of a schema (what the C encoder needs as buffer). */
export function cborCompactMaxSize(schema: PayloadSchema): number {
  const plan = planOf(schema);
  let n = headSize(plan.slots.length + 1) + headSize(schema.version);
  for (const s of plan.slots) {
    const one =
      s.field.kind === 'bool' ? 1 : s.field.kind === 'int' ? headSize(2 ** (s.bits - 1)) : headSize(s.rawMax);
    n += s.length ? headSize(s.length) + s.length * one : one;
  }
  return n;
}

function cborItem(slot: Slot, raw: number): number | boolean {
  if (slot.field.kind === 'bool') return raw === 1;
  if (slot.field.kind === 'int' && raw >= 2 ** (slot.bits - 1)) return raw - 2 ** slot.bits;
  return raw;
}

/** The compact CBOR array form; throws MurmurError naming the bad field like `encode`. */
export function encodeCborCompact<S extends PayloadSchema>(schema: S, value: Infer<S>): Uint8Array {
  const plan = planOf(schema);
  const raws = quantizeValue(plan, value);
  const items: unknown[] = [schema.version];
  let r = 0;
  for (const s of plan.slots) {
    if (s.length) items.push(Array.from({ length: s.length }, () => cborItem(s, raws[r++]!)));
    else items.push(cborItem(s, raws[r++]!));
  }
  return cbor.encode(items);
}

/** Options of the CBOR decoders. */
export interface CborDecodeOptions {
  /** Largest CBOR body decoded; a longer one is an error before any decoding (default: `cborMaxBytes`). */
  maxBytes?: number;
}

/** The smallest default size limit of a CBOR body. */
export const CBOR_MAX_BYTES = 256;

/** Bytes a SenML base time (`-3`: a float64) adds to a pack. */
const BASE_TIME_BYTES = 10;

/**
 * The default size limit of a CBOR body of a schema: 256 bytes, or the largest SenML pack of the schema with
 * a base time when that is longer (so that what the device writes always fits).
 */
export function cborMaxBytes(schema: PayloadSchema): number {
  return Math.max(CBOR_MAX_BYTES, senmlMaxSize(schema) + BASE_TIME_BYTES);
}

/** Parses a CBOR body within the size limit; the error names the byte where the problem is. */
function decodeCbor(
  schema: PayloadSchema,
  bytes: Uint8Array,
  opts: CborDecodeOptions,
): { value?: unknown; error?: string } {
  if (!(bytes instanceof Uint8Array)) return { error: `bytes: ${valueText(bytes)} is not a Uint8Array` };
  const limit = opts.maxBytes ?? cborMaxBytes(schema);
  if (bytes.length > limit)
    return { error: `byte ${limit}: CBOR body too long: ${bytes.length} bytes, the limit is ${limit}` };
  try {
    return { value: cbor.decode(bytes) };
  } catch (err) {
    return { error: `byte 0: not valid CBOR (${err instanceof Error ? err.message : valueText(err)})` };
  }
}

/** The smallest and largest integer a compact CBOR item of a numeric slot may hold. */
function codeRange(slot: Slot): [number, number] {
  if (slot.field.kind !== 'int') return [0, 2 ** slot.bits - 1];
  const half = 2 ** (slot.bits - 1);
  return [-half, half - 1];
}

/** The raw code of a compact CBOR item, or undefined when the item is not one. */
function itemRaw(slot: Slot, item: unknown): number | undefined {
  if (slot.field.kind === 'bool') return typeof item === 'boolean' ? (item ? 1 : 0) : undefined;
  const [lo, hi] = codeRange(slot);
  if (!Number.isInteger(item) || (item as number) < lo || (item as number) > hi) return undefined;
  const code = item as number;
  return code < 0 ? code + 2 ** slot.bits : code;
}

/** Why a compact CBOR item is not a code of the slot. */
function itemProblem(slot: Slot, item: unknown): string {
  if (slot.field.kind === 'bool') return `${valueText(item)} is not a boolean`;
  const [lo, hi] = codeRange(slot);
  if (typeof item === 'bigint')
    return `${item} is a 64-bit integer or a bignum, not an integer code ${lo}..${hi}`;
  return `${valueText(item)} is not an integer code ${lo}..${hi}`;
}

/** The decoded value of one compact CBOR item, or an error naming the element. */
function compactElement(slot: Slot, item: unknown, name: string, errors: string[]): unknown {
  const raw = itemRaw(slot, item);
  const v = raw === undefined ? undefined : rawToValue(slot, raw);
  if (raw === undefined) errors.push(`field '${name}': ${itemProblem(slot, item)}`);
  else if (v === undefined) errors.push(`field '${name}': ${invalidRawMessage(slot, raw)}`);
  return v;
}

/** The decoded value of a compact CBOR field (an array field is a nested CBOR array), or errors naming it. */
function compactField(slot: Slot, item: unknown, errors: string[]): unknown {
  if (!slot.length) return compactElement(slot, item, slot.name, errors);
  if (!Array.isArray(item) || item.length !== slot.length) {
    const problem = Array.isArray(item)
      ? `an array of ${item.length} items, expected an array of ${slot.length}`
      : `${valueText(item)} is not an array of ${slot.length} items`;
    errors.push(`field '${slot.name}': ${problem}`);
    return undefined;
  }
  return item.map((x, i) => compactElement(slot, x, `${slot.name}[${i}]`, errors));
}

/**
 * Decodes the compact CBOR array form. Never throws: bad CBOR, a body over the size limit, a wrong version and
 * every item that is not a code of its field (a 64-bit integer, a bignum, a float, a string, nested junk) are
 * errors naming the field (`field 'x'`, `field 'x[2]'`) or the byte.
 */
export function decodeCborCompact<S extends PayloadSchema>(
  schema: S,
  bytes: Uint8Array,
  opts: CborDecodeOptions = {},
): DecodeResult<Infer<S>> {
  const plan = planOf(schema);
  const { value, error } = decodeCbor(schema, bytes, opts);
  if (error !== undefined) return { warnings: [], errors: [error] };
  if (!Array.isArray(value) || value.length !== plan.slots.length + 1) {
    return {
      warnings: [],
      errors: [`byte 0: expected a CBOR array of ${plan.slots.length + 1} items for '${schema.name}'`],
    };
  }
  if (value[0] !== schema.version) {
    return {
      warnings: [],
      errors: [`field 'version': version ${valueText(value[0])}, expected ${schema.version}`],
    };
  }
  const data: Record<string, unknown> = {};
  const errors: string[] = [];
  plan.slots.forEach((s, k) => (data[s.name] = compactField(s, value[k + 1], errors)));
  return errors.length ? { warnings: [], errors } : { data: data as Infer<S>, warnings: [], errors: [] };
}

/** SenML record name of element `i` of a slot: `name`, or `name.i` for arrays. */
export function senmlName(slot: Slot, i: number): string {
  return slot.length ? `${slot.name}.${i}` : slot.name;
}

/** The SenML unit (`u`) written for a slot, if its unit is a registered SenML unit. */
export function senmlUnit(slot: Slot): string | undefined {
  const unit = 'unit' in slot.field ? slot.field.unit : undefined;
  return unit !== undefined && SENML_UNITS.has(unit) ? unit : undefined;
}

/** The base name a SenML pack carries by default: `<schema>:`. */
export function senmlBaseName(schema: PayloadSchema): string {
  return `${schema.name}:`;
}

/** UTF-8 length of a CBOR text string with its head. */
function textSize(text: string): number {
  const n = Buffer.byteLength(text);
  return headSize(n) + n;
}

/** Largest SenML-CBOR encoding of a schema with the default base name and no base time. */
export function senmlMaxSize(schema: PayloadSchema): number {
  const plan = planOf(schema);
  let records = 0;
  let n = 0;
  for (const s of plan.slots) {
    for (let i = 0; i < Math.max(1, s.length); i++) {
      const unit = senmlUnit(s);
      const first = records === 0;
      const value =
        s.field.kind === 'bool'
          ? 1
          : s.field.kind === 'enum'
            ? Math.max(...s.field.values.map(textSize))
            : s.field.kind === 'fixed' || s.field.kind === 'unorm'
              ? 9
              : 5;
      n += 1 + (first ? 1 + textSize(senmlBaseName(schema)) : 0) + 1 + textSize(senmlName(s, i));
      n += (unit === undefined ? 0 : 1 + textSize(unit)) + 1 + value;
      records++;
    }
  }
  return headSize(records) + n;
}

/** SenML-CBOR pack of a value: one record per element, the base name (default `<schema>:`) on the first. */
export function encodeSenml<S extends PayloadSchema>(
  schema: S,
  value: Infer<S>,
  opts: { baseName?: string; baseTime?: number } = {},
): Uint8Array {
  const plan = planOf(schema);
  quantizeValue(plan, value);
  // Values are sent as their decoded (quantised) form, the same numbers the bit-packed uplink carries.
  const decodedValue = decodeQuantised(plan.slots, value as Record<string, unknown>);
  const records: Map<number, unknown>[] = [];
  for (const s of plan.slots) {
    const v = decodedValue[s.name];
    const list = s.length ? (v as unknown[]) : [v];
    list.forEach((x, i) => {
      const rec = new Map<number, unknown>();
      if (records.length === 0) {
        rec.set(SENML.baseName, opts.baseName ?? senmlBaseName(schema));
        if (opts.baseTime !== undefined) rec.set(SENML.baseTime, opts.baseTime);
      }
      rec.set(SENML.name, senmlName(s, i));
      const unit = senmlUnit(s);
      if (unit !== undefined) rec.set(SENML.unit, unit);
      if (typeof x === 'boolean') rec.set(SENML.boolValue, x);
      else if (typeof x === 'string') rec.set(SENML.stringValue, x);
      else rec.set(SENML.value, x);
      records.push(rec);
    });
  }
  return cbor.encode(records);
}

function decodeQuantised(slots: Slot[], value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of slots) {
    const q = (x: unknown): unknown => rawToValue(s, quantize(s, x) as number);
    out[s.name] = s.length ? (value[s.name] as unknown[]).map(q) : q(value[s.name]);
  }
  return out;
}

/** The values of a SenML pack by record name (base name applied, the `<schema>:` prefix taken off). */
function senmlValues(schema: PayloadSchema, records: Map<unknown, unknown>[]): Map<string, unknown> {
  let baseName = '';
  const byName = new Map<string, unknown>();
  for (const rec of records) {
    const base = rec.get(SENML.baseName);
    if (typeof base === 'string') baseName = base;
    const own = rec.get(SENML.name);
    const name = `${baseName}${typeof own === 'string' ? own : ''}`;
    const v = rec.has(SENML.value)
      ? rec.get(SENML.value)
      : rec.has(SENML.boolValue)
        ? rec.get(SENML.boolValue)
        : rec.get(SENML.stringValue);
    byName.set(name.startsWith(`${schema.name}:`) ? name.slice(schema.name.length + 1) : name, v);
  }
  return byName;
}

/**
 * Decodes a SenML-CBOR pack of a schema. Never throws: bad CBOR, a body over the size limit, a missing record
 * and every value that is not one of its field (out of the field's range, also on a field that saturates when
 * encoding; a bignum, NaN, a string where a number belongs) are errors naming the field or the byte.
 */
export function decodeSenml<S extends PayloadSchema>(
  schema: S,
  bytes: Uint8Array,
  opts: CborDecodeOptions = {},
): DecodeResult<Infer<S>> {
  const plan = planOf(schema);
  const { value, error } = decodeCbor(schema, bytes, opts);
  if (error !== undefined) return { warnings: [], errors: [error] };
  if (!Array.isArray(value) || !value.every((r) => r instanceof Map)) {
    return { warnings: [], errors: ['byte 0: expected a SenML pack (a CBOR array of maps)'] };
  }
  const byName = senmlValues(schema, value as Map<unknown, unknown>[]);
  const data: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const s of plan.slots) {
    const read = (i: number): unknown => {
      const name = senmlName(s, i);
      if (!byName.has(name)) {
        errors.push(`field '${name}': missing from the SenML pack`);
        return undefined;
      }
      const raw = quantize(s, byName.get(name), false);
      if (typeof raw === 'string') {
        errors.push(`field '${name}': ${raw}`);
        return undefined;
      }
      return rawToValue(s, raw);
    };
    data[s.name] = s.length ? Array.from({ length: s.length }, (_, i) => read(i)) : read(0);
  }
  return errors.length ? { warnings: [], errors } : { data: data as Infer<S>, warnings: [], errors: [] };
}
