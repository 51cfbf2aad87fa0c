/**
 * Payload schema definition: named, bit-sized fields packed MSB-first behind a small version header.
 * One schema gives the TS encoder/decoder, the inferred TypeScript type of the decoded object, the C
 * encoder, the TS013 codec JS and the CBOR forms. `t` builds fields, `definePayload` checks the whole.
 */
import { MurmurError } from '@murmur/core';

/** Options shared by the numeric fields. */
export interface NumericOptions {
  /** Clamp out-of-range values to the nearest representable one instead of failing. */
  saturate?: boolean;
  /** Unit of the decoded value (SenML unit symbol where one exists, e.g. `g`, `%`, `1/min`). */
  unit?: string;
  description?: string;
}

export interface EnumField<V extends readonly string[] = readonly string[]> {
  kind: 'enum';
  bits: number;
  values: V;
  description?: string;
}
export interface BoolField {
  kind: 'bool';
  bits: 1;
  description?: string;
}
/** Unsigned integer 0..max (max defaults to 2^bits - 1). */
export interface UintField extends NumericOptions {
  kind: 'uint';
  bits: number;
  max?: number;
}
/** Two's complement signed integer. */
export interface IntField extends NumericOptions {
  kind: 'int';
  bits: number;
}
/** Fixed point: value = offset + raw * scale, raw in 0..2^bits - 1. Scale and offset have at most 6 decimals. */
export interface FixedField extends NumericOptions {
  kind: 'fixed';
  bits: number;
  scale: number;
  offset: number;
}
/** A value in 0..1 stored as raw / (2^bits - 1). */
export interface UnormField extends NumericOptions {
  kind: 'unorm';
  bits: number;
}
export type ScalarField = EnumField | BoolField | UintField | IntField | FixedField | UnormField;
/** A fixed-length array of one scalar field type (e.g. minutes per class). */
export interface ArrayField<E extends ScalarField = ScalarField> {
  kind: 'array';
  of: E;
  length: number;
  description?: string;
}
export type Field = ScalarField | ArrayField;
export type Fields = Record<string, Field>;

/** Field builders, as in zod: `t.fixed(10, { scale: 0.01, unit: 'g' })`. */
export const t = {
  enum<const V extends readonly string[]>(
    values: V,
    opts: { bits?: number; description?: string } = {},
  ): EnumField<V> {
    return {
      kind: 'enum',
      values,
      bits: opts.bits ?? Math.max(1, Math.ceil(Math.log2(values.length))),
      ...desc(opts),
    };
  },
  bool(opts: { description?: string } = {}): BoolField {
    return { kind: 'bool', bits: 1, ...desc(opts) };
  },
  uint(bits: number, opts: NumericOptions & { max?: number } = {}): UintField {
    return { kind: 'uint', bits, ...opts };
  },
  int(bits: number, opts: NumericOptions = {}): IntField {
    return { kind: 'int', bits, ...opts };
  },
  fixed(bits: number, opts: NumericOptions & { scale: number; offset?: number }): FixedField {
    return { kind: 'fixed', bits, ...opts, offset: opts.offset ?? 0 };
  },
  unorm(bits: number, opts: NumericOptions = {}): UnormField {
    return { kind: 'unorm', bits, ...opts };
  },
  array<E extends ScalarField>(of: E, length: number, opts: { description?: string } = {}): ArrayField<E> {
    return { kind: 'array', of, length, ...desc(opts) };
  },
};

function desc(opts: { description?: string }): { description?: string } {
  return opts.description === undefined ? {} : { description: opts.description };
}

/** The decoded value of one field. */
export type FieldValue<F> =
  F extends EnumField<infer V>
    ? V[number]
    : F extends BoolField
      ? boolean
      : F extends ArrayField<infer E>
        ? FieldValue<E>[]
        : number;

/** The decoded object of a field set. */
export type FieldsValue<F extends Fields> = { -readonly [K in keyof F]: FieldValue<F[K]> };

export interface PayloadSchemaDef<F extends Fields = Fields> {
  /** C identifier-like name: `[a-z][a-z0-9_]*`; names the C functions and codec files. */
  name: string;
  /** LoRaWAN fPort 1..223 this message travels on. */
  fPort: number;
  /** Schema version written in the header; the decoder rejects other versions. */
  version: number;
  /** Header bits holding the version (default 3: versions 0..7). */
  versionBits?: number;
  fields: F;
  description?: string;
}

/** A checked schema; `downlink` is the schema of the (optional) downlink message on its own fPort. */
export interface PayloadSchema<F extends Fields = Fields, D extends Fields = Fields> {
  name: string;
  fPort: number;
  version: number;
  versionBits: number;
  fields: F;
  description?: string;
  /** Packed size in bytes (header + fields, rounded up to whole bytes). */
  size: number;
  /** Packed size in bits. */
  bits: number;
  downlink?: PayloadSchema<D>;
}

/** The decoded uplink type of a schema, as `z.infer`. */
export type Infer<S> = S extends PayloadSchema<infer F, Fields> ? FieldsValue<F> : never;
/** The decoded downlink type of a schema. */
export type InferDownlink<S> = S extends PayloadSchema<Fields, infer D> ? FieldsValue<D> : never;

const NAME = /^[a-z][a-z0-9_]*$/;
const MAX_DECIMALS = 6;

/** Number of decimals of a number written the shortest way (0.05 → 2); Infinity when more than 6. */
export function decimalsOf(x: number): number {
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const p = 10 ** d;
    if (Math.abs(Math.round(x * p) / p - x) <= Math.abs(x) * 1e-15) return d;
  }
  return Infinity;
}

function fail(schema: string, field: string, message: string): never {
  throw new MurmurError(message, { field: `${schema}.${field}` });
}

function checkScalar(schema: string, path: string, f: ScalarField): void {
  if (!Number.isInteger(f.bits) || f.bits < 1 || f.bits > 32)
    fail(schema, path, `bits must be 1..32, got ${f.bits}`);
  switch (f.kind) {
    case 'enum':
      if (f.values.length < 1) fail(schema, path, 'an enum needs at least one value');
      if (f.values.length > 2 ** f.bits)
        fail(schema, path, `${f.values.length} values do not fit ${f.bits} bits`);
      for (const v of f.values) if (!NAME.test(v)) fail(schema, path, `enum value '${v}' must match ${NAME}`);
      if (new Set(f.values).size !== f.values.length) fail(schema, path, 'enum values must be unique');
      break;
    case 'bool':
      if (f.bits !== 1) fail(schema, path, 'a bool has 1 bit');
      break;
    case 'uint':
      if (f.max !== undefined && (!Number.isInteger(f.max) || f.max < 1 || f.max > 2 ** f.bits - 1)) {
        fail(schema, path, `max must be an integer in 1..${2 ** f.bits - 1}`);
      }
      break;
    case 'int':
      if (f.bits < 2) fail(schema, path, 'an int needs at least 2 bits');
      break;
    case 'fixed':
      if (!(f.scale > 0) || decimalsOf(f.scale) > MAX_DECIMALS) {
        fail(schema, path, `scale must be > 0 with at most ${MAX_DECIMALS} decimals`);
      }
      if (!Number.isFinite(f.offset) || decimalsOf(f.offset) > MAX_DECIMALS) {
        fail(schema, path, `offset must be finite with at most ${MAX_DECIMALS} decimals`);
      }
      if (f.bits > 23) fail(schema, path, 'a fixed field has at most 23 bits (float32 quantisation)');
      break;
    case 'unorm':
      if (f.bits > 23) fail(schema, path, 'a unorm field has at most 23 bits (float32 quantisation)');
      break;
    default:
      fail(schema, path, `unknown field kind '${(f as { kind: string }).kind}'`);
  }
}

/** Total bits of one field (arrays: length × element bits). */
export function fieldBits(f: Field): number {
  return f.kind === 'array' ? f.of.bits * f.length : f.bits;
}

/** Checks a schema definition and computes its packed size; throws MurmurError naming the bad field. */
export function definePayload<F extends Fields, D extends Fields = Fields>(
  def: PayloadSchemaDef<F>,
  downlink?: PayloadSchemaDef<D>,
): PayloadSchema<F, D> {
  const schema = check(def);
  if (downlink) {
    const down = check(downlink);
    if (down.fPort === schema.fPort) fail(def.name, 'downlink.fPort', 'the downlink needs its own fPort');
    return { ...schema, downlink: down as PayloadSchema<D> };
  }
  return schema as PayloadSchema<F, D>;
}

function check<F extends Fields>(def: PayloadSchemaDef<F>): PayloadSchema<F> {
  const name = String(def.name);
  if (!NAME.test(name)) throw new MurmurError(`schema name '${name}' must match ${NAME}`, { field: 'name' });
  if (!Number.isInteger(def.fPort) || def.fPort < 1 || def.fPort > 223)
    fail(name, 'fPort', 'fPort must be 1..223');
  const versionBits = def.versionBits ?? 3;
  if (!Number.isInteger(versionBits) || versionBits < 1 || versionBits > 8) {
    fail(name, 'versionBits', 'versionBits must be 1..8');
  }
  if (!Number.isInteger(def.version) || def.version < 0 || def.version >= 2 ** versionBits) {
    fail(name, 'version', `version must be an integer in 0..${2 ** versionBits - 1}`);
  }
  const entries = Object.entries(def.fields ?? {});
  if (entries.length === 0) fail(name, 'fields', 'a schema needs at least one field');
  let bits = versionBits;
  for (const [key, f] of entries) {
    if (!NAME.test(key) || key === 'version')
      fail(name, key, `field name must match ${NAME} and not be 'version'`);
    if (f.kind === 'array') {
      if (!Number.isInteger(f.length) || f.length < 1 || f.length > 64)
        fail(name, key, 'array length must be 1..64');
      checkScalar(name, `${key}[]`, f.of);
    } else checkScalar(name, key, f);
    bits += fieldBits(f);
  }
  const size = Math.ceil(bits / 8);
  if (size > 222) fail(name, 'fields', `packed size ${size} bytes exceeds the LoRaWAN maximum`);
  return {
    name,
    fPort: def.fPort,
    version: def.version,
    versionBits,
    fields: def.fields,
    ...(def.description === undefined ? {} : { description: def.description }),
    size,
    bits,
  };
}
