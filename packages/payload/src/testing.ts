/**
 * Helpers for this package's tests (not exported from the package): random valid values of a schema, hostile
 * inputs for its decoders, and a loader that runs a generated codec file in a fresh `node:vm` context holding
 * nothing else.
 */
import vm from 'node:vm';
import fc from 'fast-check';
import { encode } from './codec';
import * as fixtures from './fixtures';
import { planOf, rawToValue } from './plan';
import type { PayloadSchema } from './schema';

/** Random valid decoded values of a schema: a raw code per element, mapped through the decoder. */
export function arbitraryValue(schema: PayloadSchema): fc.Arbitrary<Record<string, unknown>> {
  const entries = planOf(schema).slots.map((slot) => {
    const one = fc.integer({ min: 0, max: slot.rawMax }).map((raw) => rawToValue(slot, raw));
    return [
      slot.name,
      slot.length ? fc.array(one, { minLength: slot.length, maxLength: slot.length }) : one,
    ] as const;
  });
  return fc.record(Object.fromEntries(entries));
}

/**
 * Loads a codec file into a fresh context; returns a caller of its functions that hands the input over as it
 * is (NaN, holes and typed arrays included) and returns the result as plain JSON.
 */
export function loadCodec(code: string): (fn: string, input: unknown) => unknown {
  const ctx = vm.createContext({});
  vm.runInContext(code, ctx);
  return (fn, input) => {
    ctx.__input = input;
    return JSON.parse(JSON.stringify(vm.runInContext(`${fn}(__input)`, ctx)));
  };
}

/** Every payload schema of the apps (the uplinks of src/fixtures.ts; with `downlinks`, their downlinks too). */
export function appSchemas(opts: { downlinks?: boolean } = {}): PayloadSchema[] {
  const uplinks = (Object.values(fixtures) as unknown[]).filter(
    (x): x is PayloadSchema => typeof x === 'object' && x !== null && 'fields' in x && 'size' in x,
  );
  const downlinks = uplinks.flatMap((s) => (s.downlink ? [s.downlink] : []));
  return opts.downlinks ? [...uplinks, ...downlinks] : uplinks;
}

/** Values that are not byte values: out of range, fractional, not numbers, huge, bigint. */
export const nonByte: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    256,
    -1,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    1e300,
    2 ** 53,
    -(2 ** 31),
    '213',
    '',
    null,
    undefined,
  ),
  fc.constantFrom(true, false, {}, [], [7], 5n),
  fc.double().filter((v) => !Number.isInteger(v) || v < 0 || v > 255),
  fc.integer({ min: -1000, max: 1000 }).filter((v) => v < 0 || v > 255),
  fc.string({ maxLength: 4 }),
);

/** The packed bytes of a random valid value of a schema. */
export function arbitraryPacked(schema: PayloadSchema): fc.Arbitrary<Uint8Array> {
  return arbitraryValue(schema).map((x) => encode(schema, x as never));
}

/** A valid payload cut short (possibly to nothing). */
export function arbitraryTruncated(schema: PayloadSchema): fc.Arbitrary<Uint8Array> {
  return fc.tuple(arbitraryPacked(schema), fc.nat()).map(([b, k]) => b.slice(0, k % b.length));
}

/** A valid payload with one to three bits flipped. */
export function arbitraryBitFlipped(schema: PayloadSchema): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(arbitraryPacked(schema), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }))
    .map(([b, ks]) => {
      const out = b.slice();
      for (const k of ks) out[(k >> 3) % out.length]! ^= 1 << (k & 7);
      return out;
    });
}

/** A valid payload as a plain array with one element replaced by a non-byte value or left a hole. */
function arbitraryNonByteArray(schema: PayloadSchema): fc.Arbitrary<unknown[]> {
  return fc.tuple(arbitraryPacked(schema), fc.nat(), nonByte, fc.boolean()).map(([b, k, v, hole]) => {
    const out: unknown[] = Array.from(b);
    if (hole) delete out[k % out.length];
    else out[k % out.length] = v;
    return out;
  });
}

const typedArrays = [
  Float64Array,
  Float32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8ClampedArray,
  Int32Array,
];

/** A typed array other than Uint8Array holding a valid payload, with one element changed or not. */
function arbitraryTypedArray(schema: PayloadSchema): fc.Arbitrary<ArrayLike<number>> {
  return fc
    .tuple(
      arbitraryPacked(schema),
      fc.constantFrom(...typedArrays),
      fc.nat(),
      fc.option(fc.oneof(fc.double(), fc.constantFrom(300, -1, 1.5, NaN))),
    )
    .map(([b, Typed, k, v]) => {
      const out = Typed.from(b);
      if (v !== null) out[k % out.length] = v;
      return out;
    });
}

/** JSON-ish values that are not arrays of bytes, and array-like objects. */
const arbitraryNotByteArray: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, 0, 'abc', true, 5n, {}, { '0': 1, '1': 2 }),
  fc.record({ length: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constantFrom(1.5, NaN, 1e9, '5')) }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.anything({ maxDepth: 2 }),
);

/** Every kind of hostile `bytes` for a schema's decoder: random, truncated, bit-flipped, non-byte, not arrays. */
export function arbitraryHostileBytes(schema: PayloadSchema): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.uint8Array({ maxLength: schema.size + 3 }),
    fc.uint8Array({ minLength: schema.size, maxLength: schema.size }),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: schema.size + 3 }),
    arbitraryPacked(schema),
    arbitraryTruncated(schema),
    arbitraryBitFlipped(schema),
    arbitraryNonByteArray(schema),
    arbitraryTypedArray(schema),
    arbitraryNotByteArray,
  );
}

/** fPorts: mostly the schema's, other ports, and values that are not integers. */
export function arbitraryFPort(schema: PayloadSchema): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.constant(schema.fPort), weight: 6 },
    { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 },
    { arbitrary: fc.constantFrom(14.5, NaN, '14', null, undefined, 10n, -0), weight: 1 },
  );
}

/** An error message names where the problem is: the fPort, `bytes`, a field or a byte. */
export const NAMED_ERROR = /^(fPort |bytes: |field '[^']+'|byte \d+)/;
