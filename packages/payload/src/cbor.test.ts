import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Encoder, decode as cborDecode } from 'cbor-x';
import {
  CBOR_MAX_BYTES,
  cborCompactMaxSize,
  cborMaxBytes,
  decodeCborCompact,
  decodeSenml,
  encodeCborCompact,
  encodeSenml,
} from './cbor';
import { planOf } from './plan';
import { appSchemas, arbitraryValue } from './testing';
import type { PayloadSchema } from './schema';
import {
  predictiveMaintenance as pdm,
  predictiveMaintenanceExamples as pdmExamples,
  ppgTriage as ppg,
  ppgTriageExamples as ppgExamples,
  wearableActivity as wear,
} from './fixtures';

const apps = [pdm, wear, ppg] as PayloadSchema[];

describe('CBOR forms', () => {
  it('writes SenML-CBOR with RFC 8428 integer labels and registered units', () => {
    const bytes = encodeSenml(pdm, pdmExamples[0]!.value, { baseTime: 1_700_000_000 });
    const pack = cborDecode(bytes) as Record<string, unknown>[];
    expect(pack[0]).toEqual({
      '-2': 'predictive_maintenance:',
      '-3': 1_700_000_000,
      '0': 'state',
      '3': 'normal',
    });
    expect(pack.find((r) => r['0'] === 'battery_pct')).toEqual({ '0': 'battery_pct', '1': '%EL', '2': 97 });
    expect(pack.find((r) => r['0'] === 'alert')).toEqual({ '0': 'alert', '4': false });
    expect(pack.find((r) => r['0'] === 'rms_g')).toEqual({ '0': 'rms_g', '2': 0.12 });
  });

  it('round-trips random values through SenML-CBOR and the compact array', () => {
    for (const s of apps) {
      fc.assert(
        fc.property(arbitraryValue(s), (x) => {
          expect(decodeSenml(s, encodeSenml(s, x as never))).toEqual({ data: x, warnings: [], errors: [] });
          const compact = encodeCborCompact(s, x as never);
          expect(compact.length).toBeLessThanOrEqual(cborCompactMaxSize(s));
          expect(decodeCborCompact(s, compact)).toEqual({ data: x, warnings: [], errors: [] });
        }),
        { seed: 21, numRuns: 300 },
      );
    }
  });

  it('reports bad CBOR, missing SenML fields and bad codes as errors, never exceptions', () => {
    expect(decodeCborCompact(ppg, new Uint8Array([0xff])).errors[0]).toMatch(/^byte 0: not valid CBOR/);
    expect(decodeCborCompact(ppg, new Uint8Array([0x82, 0x01, 0x02])).errors[0]).toMatch(
      /CBOR array of 9 items/,
    );
    const pack = encodeSenml(ppg, {
      breathing: 'slow',
      rr_bpm: 9,
      hr_bpm: 60,
      rejected: 0,
      signal_quality: 1,
      alert: true,
      sensor_fault: false,
      battery_pct: 5,
    });
    expect(decodeSenml(wear, pack).errors[0]).toBe("field 'minutes.0': missing from the SenML pack");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        for (const s of apps) {
          expect(() => decodeCborCompact(s, bytes)).not.toThrow();
          expect(() => decodeSenml(s, bytes)).not.toThrow();
        }
      }),
      { seed: 22, numRuns: 500 },
    );
  });
});

const writer = new Encoder({ useRecords: false, variableMapSize: true, mapsAsObjects: false });
const cborOf = (value: unknown): Uint8Array => writer.encode(value);
const ppgValue = ppgExamples[0]!.value;
/** The compact items of the first ppg example with item `k` (0: version, 1: breathing, ...) replaced. */
const compactWith = (k: number, item: unknown): Uint8Array => {
  const items = cborDecode(encodeCborCompact(ppg, ppgValue)) as unknown[];
  items[k] = item;
  return cborOf(items);
};
/** The SenML records of the first ppg example with the value of record `name` replaced. */
const senmlWith = (name: string, value: unknown): Uint8Array => {
  const records = writer.decode(encodeSenml(ppg, ppgValue)) as Map<number, unknown>[];
  for (const r of records) if (r.get(0) === name) r.set(2, value);
  return cborOf(records);
};
const hrItem = 3;

describe('CBOR forms on hostile input', () => {
  it('returns a typed error naming the field for a 64-bit integer or a bignum, never throws', () => {
    const big64 = compactWith(hrItem, 2n ** 64n - 1n);
    expect(decodeCborCompact(ppg, big64).errors).toEqual([
      "field 'hr_bpm': 18446744073709551615 is a 64-bit integer or a bignum, not an integer code 0..255",
    ]);
    expect(decodeCborCompact(ppg, compactWith(hrItem, 2n ** 64n)).errors).toEqual([
      "field 'hr_bpm': 18446744073709551616 is a 64-bit integer or a bignum, not an integer code 0..255",
    ]);
    expect(decodeCborCompact(ppg, compactWith(hrItem, -(2n ** 70n))).errors[0]).toMatch(/^field 'hr_bpm': /);
    expect(decodeCborCompact(ppg, compactWith(0, 2n ** 64n)).errors).toEqual([
      "field 'version': version 18446744073709551616n, expected 3",
    ]);
    expect(decodeSenml(ppg, senmlWith('hr_bpm', 2n ** 64n)).errors).toEqual([
      "field 'hr_bpm': 18446744073709551616n is not a number",
    ]);
    expect(decodeSenml(ppg, senmlWith('hr_bpm', 5n)).errors).toEqual(["field 'hr_bpm': 5n is not a number"]);
  });

  it('names the field of every item that is not a code: strings, NaN, Infinity, floats, nested junk', () => {
    const cases: [number, unknown, string][] = [
      [hrItem, '72', `field 'hr_bpm': "72" is not an integer code 0..255`],
      [hrItem, NaN, "field 'hr_bpm': NaN is not an integer code 0..255"],
      [hrItem, Infinity, "field 'hr_bpm': Infinity is not an integer code 0..255"],
      [hrItem, 72.5, "field 'hr_bpm': 72.5 is not an integer code 0..255"],
      [hrItem, 256, "field 'hr_bpm': 256 is not an integer code 0..255"],
      [hrItem, [1, [2]], "field 'hr_bpm': an array is not an integer code 0..255"],
      [hrItem, new Map([[1, 2]]), "field 'hr_bpm': an object is not an integer code 0..255"],
      [hrItem, null, "field 'hr_bpm': null is not an integer code 0..255"],
      [1, 9, "field 'breathing': 9 is not an integer code 0..3"],
      [6, 1, "field 'alert': 1 is not a boolean"],
    ];
    for (const [k, item, error] of cases)
      expect(decodeCborCompact(ppg, compactWith(k, item)).errors).toEqual([error]);
    expect(decodeSenml(ppg, senmlWith('hr_bpm', '72')).errors).toEqual([
      `field 'hr_bpm': "72" is not a number`,
    ]);
    expect(decodeSenml(ppg, senmlWith('hr_bpm', NaN)).errors).toEqual([
      "field 'hr_bpm': NaN is not a number",
    ]);
    expect(decodeSenml(ppg, senmlWith('rr_bpm', [1])).errors).toEqual([
      "field 'rr_bpm': an array is not a number",
    ]);
    const items = cborDecode(encodeCborCompact(wear, wearExample())) as unknown[];
    const slot = planOf(wear).slots.findIndex((x) => x.length > 0);
    const { name, length } = planOf(wear).slots[slot]!;
    items[slot + 1] = [1, 2];
    expect(decodeCborCompact(wear, cborOf(items)).errors).toEqual([
      `field '${name}': an array of 2 items, expected an array of ${length}`,
    ]);
    items[slot + 1] = 'x';
    expect(decodeCborCompact(wear, cborOf(items)).errors).toEqual([
      `field '${name}': "x" is not an array of ${length} items`,
    ]);
  });

  it("makes a SenML value outside its field's range an error naming it, not a capped value", () => {
    expect(decodeSenml(ppg, senmlWith('battery_pct', 1e9)).errors).toEqual([
      "field 'battery_pct': 1000000000 is out of range 0..100",
    ]);
    expect(decodeSenml(ppg, senmlWith('hr_bpm', 100000)).errors).toEqual([
      "field 'hr_bpm': 100000 is out of range 0..255",
    ]);
    expect(decodeSenml(ppg, senmlWith('rr_bpm', -1)).errors).toEqual([
      "field 'rr_bpm': -1 is out of range 0..63.5",
    ]);
    expect(decodeSenml(ppg, senmlWith('signal_quality', Infinity)).errors).toEqual([
      "field 'signal_quality': Infinity is out of range 0..1",
    ]);
    expect(decodeCborCompact(ppg, compactWith(8, 101)).errors).toEqual([
      "field 'battery_pct': 101 is above the maximum 100",
    ]);
  });

  it('rejects a body over the size limit before decoding it; the limit is an option', () => {
    const long = new Uint8Array(CBOR_MAX_BYTES + 1).fill(0x01);
    for (const decodeBody of [decodeCborCompact, decodeSenml]) {
      expect(decodeBody(ppg, long).errors).toEqual([
        `byte ${CBOR_MAX_BYTES}: CBOR body too long: ${CBOR_MAX_BYTES + 1} bytes, the limit is ${CBOR_MAX_BYTES}`,
      ]);
      expect(decodeBody(ppg, long, { maxBytes: 1000 }).errors[0]).toMatch(/^byte 0: not valid CBOR/);
    }
    const compact = encodeCborCompact(ppg, ppgValue);
    expect(decodeCborCompact(ppg, compact, { maxBytes: compact.length - 1 }).errors[0]).toMatch(/too long/);
    expect(decodeSenml(ppg, encodeSenml(ppg, ppgValue), { maxBytes: 8 }).errors[0]).toMatch(/too long/);
    for (const s of appSchemas()) {
      const value = arbitraryValue(s);
      const pack = encodeSenml(s, fc.sample(value, { seed: 1, numRuns: 1 })[0] as never, { baseTime: 1.5e9 });
      expect(pack.length).toBeLessThanOrEqual(cborMaxBytes(s));
      expect(cborMaxBytes(s)).toBeGreaterThanOrEqual(CBOR_MAX_BYTES);
    }
  });

  it('returns an error for bytes that are not a Uint8Array', () => {
    expect(decodeCborCompact(ppg, null as never).errors).toEqual(['bytes: null is not a Uint8Array']);
    expect(decodeSenml(ppg, [0x80] as never).errors).toEqual(['bytes: an array is not a Uint8Array']);
  });
});

describe('CBOR decoders property tests (every app schema)', () => {
  const named = /^(field '[^']+'|byte \d+)/;
  const check = (r: ReturnType<typeof decodeSenml>): void => {
    expect(r.errors.length > 0).toBe(r.data === undefined);
    for (const e of r.errors) expect(e).toMatch(named);
  };
  const junk: fc.Arbitrary<unknown> = fc.oneof(
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.double(),
    fc.constantFrom(NaN, Infinity, -Infinity, 1e9, -1, 0.5, 2 ** 53, undefined, null, true),
    fc.integer({ min: -300, max: 300 }),
    fc.string({ maxLength: 6 }),
    fc.array(fc.oneof(fc.integer(), fc.string(), fc.bigInt()), { maxLength: 3 }),
    fc.constant(new Map([[2, 1]])),
  );

  for (const s of appSchemas()) {
    const value = arbitraryValue(s);
    const compact = value.map((x) => encodeCborCompact(s, x as never));
    const senml = value.map((x) => encodeSenml(s, x as never));
    const encodings = fc.oneof(compact, senml);
    const truncated = fc.tuple(encodings, fc.nat()).map(([b, k]) => b.slice(0, k % b.length));
    const flipped = fc.tuple(encodings, fc.nat()).map(([b, k]) => {
      const out = b.slice();
      out[(k >> 3) % out.length]! ^= 1 << (k & 7);
      return out;
    });
    const junkCompact = fc.tuple(compact, fc.nat(), junk).map(([b, k, item]) => {
      const items = cborDecode(b) as unknown[];
      items[k % items.length] = item;
      return cborOf(items);
    });
    const junkSenml = fc
      .tuple(senml, fc.nat(), fc.constantFrom(-2, 0, 1, 2, 3, 4), junk)
      .map(([b, k, label, v]) => {
        const records = writer.decode(b) as Map<number, unknown>[];
        records[k % records.length]!.set(label, v);
        return cborOf(records);
      });
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      truncated,
      flipped,
      junkCompact,
      junkSenml,
      fc.uint8Array({ minLength: CBOR_MAX_BYTES, maxLength: cborMaxBytes(s) + 8 }),
    );

    it(`'${s.name}': random, truncated, bit-flipped and junk-holding bodies give named errors, never throw`, () => {
      fc.assert(
        fc.property(bodies, (body) => {
          check(decodeCborCompact(s, body));
          check(decodeSenml(s, body));
        }),
        { seed: 42, numRuns: 10_000 },
      );
    });
  }
});

function wearExample(): never {
  return fc.sample(arbitraryValue(wear), { seed: 2, numRuns: 1 })[0] as never;
}
