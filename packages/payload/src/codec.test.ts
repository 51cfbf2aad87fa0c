import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { MurmurError } from '@murmur/core';
import { decode, decodeDownlink, encode, encodeDownlink, fromHex, toHex } from './codec';
import { definePayload, t, type Infer, type InferDownlink, type PayloadSchema } from './schema';
import { schemaFromJson, schemaToJson } from './json';
import {
  appSchemas,
  arbitraryBitFlipped,
  arbitraryFPort,
  arbitraryHostileBytes,
  arbitraryTruncated,
  arbitraryValue,
  NAMED_ERROR,
  nonByte,
} from './testing';
import { planOf } from './plan';
import {
  predictiveMaintenance as pdm,
  predictiveMaintenanceExamples as pdmExamples,
  ppgTriage as ppg,
  ppgTriageExamples as ppgExamples,
  wearableActivity as wear,
  wearableActivityExamples as wearExamples,
} from './fixtures';

const apps = [pdm, wear, ppg] as PayloadSchema[];

describe('payload schema', () => {
  it('reports the packed size of each app payload (all fit 11 bytes)', () => {
    expect([pdm.size, wear.size, ppg.size]).toEqual([9, 6, 5]);
    for (const s of apps) expect(s.size).toBeLessThanOrEqual(11);
    expect(pdm.downlink?.size).toBe(2);
  });

  it('round-trips the JSON form and names the bad field of an invalid one', () => {
    for (const s of apps) {
      const back = schemaFromJson(JSON.parse(JSON.stringify(schemaToJson(s))));
      expect(schemaToJson(back)).toEqual(schemaToJson(s));
      expect(back.size).toBe(s.size);
    }
    const json = schemaToJson(ppg) as { fields: Record<string, unknown>[] };
    json.fields[1] = { ...json.fields[1], scale: 'big' };
    expect(() => schemaFromJson(json, 'ppg.json')).toThrow(/ppg\.json, field 'fields\[1\]\.scale'/);
    const tooWide = schemaToJson(ppg) as { fields: Record<string, unknown>[] };
    tooWide.fields[0] = { name: 'breathing', type: 'enum', values: ['a', 'b', 'c'], bits: 1 };
    expect(() => schemaFromJson(tooWide)).toThrow(/field 'ppg_triage.breathing'.*do not fit 1 bits/);
  });

  it('infers the decoded TypeScript type from the schema', () => {
    expectTypeOf<Infer<typeof ppg>>().toEqualTypeOf<{
      breathing: 'slow' | 'normal' | 'fast' | 'unknown';
      rr_bpm: number;
      hr_bpm: number;
      rejected: number;
      signal_quality: number;
      alert: boolean;
      sensor_fault: boolean;
      battery_pct: number;
    }>();
    expectTypeOf<Infer<typeof wear>['minutes']>().toEqualTypeOf<number[]>();
    expectTypeOf<InferDownlink<typeof pdm>>().toEqualTypeOf<{
      restart_baseline: boolean;
      uplink_period_min: number;
    }>();
  });

  it('rejects bad definitions with the field named', () => {
    const bad = (fields: Record<string, unknown>) => () =>
      definePayload({ name: 's', fPort: 1, version: 0, fields: fields as never });
    expect(bad({ x: t.fixed(8, { scale: 0 }) })).toThrow(/field 's.x'.*scale/);
    expect(bad({ x: t.uint(40) })).toThrow(/field 's.x'.*bits/);
    expect(bad({ version: t.bool() })).toThrow(/field 's.version'/);
    expect(() => definePayload({ name: 'Bad-Name', fPort: 1, version: 0, fields: { x: t.bool() } })).toThrow(
      /name/,
    );
  });
});

describe('encode/decode', () => {
  it('encodes the examples to known bytes and decodes them back with units in the names', () => {
    const bytes = encode(pdm, pdmExamples[0]!.value);
    expect(toHex(bytes)).toBe('43f82018058ff08610');
    const r = decode(pdm, bytes, 10);
    expect(r).toEqual({ data: pdmExamples[0]!.value, warnings: [], errors: [] });
    expect(Object.keys(r.data!)).toContain('rms_g');
  });

  it('decode(encode(x)) = x for random valid values of every app schema', () => {
    for (const s of apps) {
      fc.assert(
        fc.property(arbitraryValue(s), (x) => {
          expect(decode(s, encode(s, x as never), s.fPort)).toEqual({ data: x, warnings: [], errors: [] });
        }),
        { seed: 4, numRuns: 500 },
      );
    }
    fc.assert(
      fc.property(arbitraryValue(pdm.downlink!), (x) => {
        const bytes = encodeDownlink(pdm, x as never);
        expect(decodeDownlink(pdm, bytes, 11).data).toEqual(x);
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it('random, truncated and bit-flipped bytes give errors or data, never exceptions', () => {
    for (const s of apps) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 16 }), fc.integer({ min: 0, max: 224 }), (bytes, port) => {
          const r = decode(s, bytes, port);
          expect(r.errors.length > 0).toBe(r.data === undefined);
        }),
        { seed: 6, numRuns: 1000 },
      );
      fc.assert(
        fc.property(arbitraryValue(s), fc.nat(), (x, k) => {
          const bytes = encode(s, x as never);
          const cut = bytes.slice(0, k % bytes.length);
          expect(decode(s, cut, s.fPort).errors[0]).toMatch(/^field '.+', byte \d+: payload truncated/);
          const flipped = bytes.slice();
          flipped[k % bytes.length]! ^= 1 << (k % 8);
          const r = decode(s, flipped, s.fPort);
          expect(r.errors.length > 0 || r.data !== undefined).toBe(true);
        }),
        { seed: 7, numRuns: 300 },
      );
    }
  });

  it('names field and byte offset for wrong size, version and invalid codes', () => {
    const good = encode(ppg, {
      breathing: 'normal',
      rr_bpm: 15,
      hr_bpm: 70,
      rejected: 0,
      signal_quality: 1,
      alert: false,
      sensor_fault: false,
      battery_pct: 50,
    });
    expect(decode(ppg, good.slice(0, 2), 14).errors).toEqual([
      "field 'hr_bpm', byte 1: payload truncated: 2 bytes, 'ppg_triage' has 5",
    ]);
    expect(decode(ppg, [...good, 0], 14).errors).toEqual([
      "byte 5: payload too long: 6 bytes, 'ppg_triage' has 5",
    ]);
    const v2 = good.slice();
    v2[0] = (v2[0]! & 0x1f) | (2 << 5);
    expect(decode(ppg, v2, 14).errors).toEqual(["field 'version', byte 0: version 2, expected 3"]);
    // wear's dominant enum has 7 values in 3 bits (bits 27..29: byte 3, mask 0x1c); 7 is no value.
    const badEnum = encode(wear, wearExamples[0]!.value);
    badEnum[3] = badEnum[3]! | 0x1c;
    expect(decode(wear, badEnum, wear.fPort).errors).toEqual([
      "field 'dominant', byte 3: 7 is not a valid value (0..6)",
    ]);
    expect(decode(ppg, good, 15).errors).toEqual(["fPort 15 is not the fPort of 'ppg_triage' (14)"]);
    // wear packs 45 bits into 6 bytes: the last 3 bits are padding.
    const padded = encode(wear, wearExamples[0]!.value);
    padded[5] = padded[5]! | 1;
    expect(decode(wear, padded, wear.fPort).warnings).toEqual(['byte 5: padding bits are not zero']);
    const hist = definePayload({
      name: 'h',
      fPort: 2,
      version: 0,
      fields: { n: t.array(t.uint(4, { max: 10 }), 3) },
    });
    expect(decode(hist, [0x0f, 0xb0], 2).errors).toEqual([
      "field 'n[1]', byte 0: 13 is above the maximum 10",
    ]);
  });

  it('saturates only fields that declare it, and otherwise names the out-of-range field', () => {
    const base = {
      breathing: 'fast',
      rr_bpm: 99,
      hr_bpm: 300,
      rejected: 99,
      signal_quality: -1,
      alert: true,
      sensor_fault: false,
      battery_pct: 120,
    } as const;
    expect(decode(ppg, encode(ppg, base), 14).data).toMatchObject({
      rr_bpm: 63.5,
      hr_bpm: 255,
      rejected: 63,
      signal_quality: 0,
      battery_pct: 100,
    });
    const strict = definePayload({
      name: 's',
      fPort: 1,
      version: 0,
      fields: { x: t.fixed(8, { scale: 0.5, offset: -10 }) },
    });
    expect(() => encode(strict, { x: 200 })).toThrow(/field 'x': 200 is out of range -10..117.5/);
    expect(() => encode(ppg, { ...base, breathing: 'panting' } as never)).toThrow(MurmurError);
    expect(() => encode(ppg, { ...base, hr_bpm: 1.5 })).toThrow(/field 'hr_bpm': 1.5 is not an integer/);
    expect(() => encode(ppg, { ...base, rr_bpm: Number.NaN })).toThrow(/field 'rr_bpm'/);
    const { alert: _a, ...missing } = base;
    expect(() => encode(ppg, missing as never)).toThrow(/field 'alert': missing/);
    expect(() => encode(ppg, { ...base, extra: 1 } as never)).toThrow(/field 'extra': unknown field/);
  });

  it('parses hex and names the offset of a bad digit', () => {
    expect(toHex(fromHex('27 f0 40'))).toBe('27f040');
    expect(() => fromHex('27zz')).toThrow(/byte 1/);
  });
});

describe('compiled fast decoder', () => {
  it('agrees with the reference decoder on random bytes', async () => {
    const { planOf } = await import('./plan');
    const { referenceDecode } = await import('./codec');
    const wide = definePayload({
      name: 'wide',
      fPort: 3,
      version: 0,
      versionBits: 1,
      fields: {
        a: t.uint(32),
        b: t.int(20),
        c: t.array(t.uint(3, { max: 5 }), 4),
        d: t.enum(['x', 'y', 'z']),
        e: t.fixed(9, { scale: 0.25, offset: -3 }),
      },
    });
    for (const s of [...apps, wide]) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: s.size, maxLength: s.size }), (bytes) => {
          bytes[0] = (bytes[0]! & (0xff >> s.versionBits)) | (s.version << (8 - s.versionBits));
          const ref = referenceDecode(planOf(s), bytes);
          const r = decode(s, bytes, s.fPort);
          expect(r.errors).toEqual(ref.errors);
          expect(r.data).toEqual(ref.data);
        }),
        { seed: 8, numRuns: 2000 },
      );
    }
  });

  it('rejects plain arrays holding non-byte values', () => {
    expect(decode(ppg, [1, 2, 300, 4, 5], 14).errors).toEqual(['byte 2: 300 is not a byte value']);
  });
});

describe('hostile input', () => {
  const good = (): number[] => Array.from(encode(ppg, ppgExamples[0]!.value));

  it('returns an error, never throws, when bytes is null, undefined or not array-like', () => {
    const cases: [unknown, string][] = [
      [null, 'bytes: null is not an array of bytes'],
      [undefined, 'bytes: undefined is not an array of bytes'],
      [JSON.parse(JSON.stringify(new Uint8Array(good()))), 'bytes: an object is not an array of bytes'],
      ['0123456789', 'bytes: "0123456789" is not an array of bytes'],
      [42, 'bytes: 42 is not an array of bytes'],
      [{ length: -1 }, 'bytes: an object is not an array of bytes'],
      [{ length: 1.5 }, 'bytes: an object is not an array of bytes'],
    ];
    for (const [bytes, error] of cases) {
      expect(decode(ppg, bytes as never, ppg.fPort)).toEqual({ warnings: [], errors: [error] });
    }
    expect(decodeDownlink(pdm, null as never, pdm.downlink!.fPort).errors).toEqual([
      'bytes: null is not an array of bytes',
    ]);
  });

  it('returns an error for an fPort that is not an integer', () => {
    const bytes = new Uint8Array(good());
    expect(decode(ppg, bytes, 14.5).errors).toEqual(['fPort 14.5 is not an integer']);
    expect(decode(ppg, bytes, '14' as never).errors).toEqual(['fPort "14" is not an integer']);
    expect(decode(ppg, bytes, undefined as never).errors).toEqual(['fPort undefined is not an integer']);
    expect(decode(ppg, bytes, 14n as never).errors).toEqual(['fPort 14n is not an integer']);
  });

  it('checks every element of plain and typed arrays other than Uint8Array', () => {
    const at = (i: number, v: unknown): unknown[] => Object.assign(good(), { [i]: v });
    expect(decode(ppg, at(2, 256) as never, 14).errors).toEqual(['byte 2: 256 is not a byte value']);
    expect(decode(ppg, at(0, -1) as never, 14).errors).toEqual(['byte 0: -1 is not a byte value']);
    expect(decode(ppg, at(1, 1.5) as never, 14).errors).toEqual(['byte 1: 1.5 is not a byte value']);
    expect(decode(ppg, at(1, NaN) as never, 14).errors).toEqual(['byte 1: NaN is not a byte value']);
    expect(decode(ppg, at(3, '213') as never, 14).errors).toEqual(['byte 3: "213" is not a byte value']);
    expect(decode(ppg, at(4, null) as never, 14).errors).toEqual(['byte 4: null is not a byte value']);
    const sparse = good();
    delete sparse[2];
    expect(decode(ppg, sparse, 14).errors).toEqual(['byte 2: undefined is not a byte value']);
    expect(decode(ppg, Float64Array.from(at(1, 1.5) as number[]), 14).errors).toEqual([
      'byte 1: 1.5 is not a byte value',
    ]);
    expect(decode(ppg, Int16Array.from(at(0, 300) as number[]), 14).errors).toEqual([
      'byte 0: 300 is not a byte value',
    ]);
    const valid = decode(ppg, new Uint8Array(good()), 14);
    for (const Typed of [Float64Array, Int16Array, Uint16Array, Uint8ClampedArray])
      expect(decode(ppg, Typed.from(good()), 14)).toEqual(valid);
  });

  it("never decodes a value outside its field's declared range (bit-packed)", () => {
    for (const s of appSchemas()) {
      const plan = planOf(s);
      fc.assert(
        fc.property(fc.uint8Array({ minLength: s.size, maxLength: s.size }), (bytes) => {
          bytes[0] = (bytes[0]! & (0xff >> s.versionBits)) | (s.version << (8 - s.versionBits));
          const { data } = decode(s, bytes, s.fPort);
          if (data === undefined) return;
          for (const slot of plan.slots) {
            const values = slot.length ? (data[slot.name] as unknown[]) : [data[slot.name]];
            for (const v of values) expect(inDeclaredRange(slot, v), `${slot.name} = ${v}`).toBe(true);
          }
        }),
        { seed: 41, numRuns: 5000 },
      );
    }
  });
});

describe('decode property tests (every app schema)', () => {
  const schemas = appSchemas();
  const checkResult = (r: ReturnType<typeof decode>): void => {
    expect(r.errors.length > 0).toBe(r.data === undefined);
    for (const e of r.errors) expect(e).toMatch(NAMED_ERROR);
  };

  it('random bytes, truncated and bit-flipped payloads, non-byte arrays and JSON-ish values: no throw', () => {
    for (const s of schemas) {
      fc.assert(
        fc.property(arbitraryHostileBytes(s), arbitraryFPort(s), (bytes, fPort) => {
          checkResult(decode(s, bytes as never, fPort as never));
        }),
        { seed: 42, numRuns: 10_000 },
      );
    }
  });

  it('a truncated payload names the first missing field; a bit flip gives data or named errors', () => {
    for (const s of schemas) {
      fc.assert(
        fc.property(arbitraryTruncated(s), (bytes) => {
          expect(decode(s, bytes, s.fPort).errors[0]).toMatch(/^field '.+', byte \d+: payload truncated/);
        }),
        { seed: 43, numRuns: 2000 },
      );
      fc.assert(
        fc.property(arbitraryBitFlipped(s), (bytes) => checkResult(decode(s, bytes, s.fPort))),
        { seed: 44, numRuns: 5000 },
      );
    }
  });

  it('an array with one non-byte element is always an error naming that byte', () => {
    for (const s of schemas) {
      fc.assert(
        fc.property(arbitraryValue(s), fc.nat(), nonByte, (x, k, v) => {
          const bytes: unknown[] = Array.from(encode(s, x as never));
          const i = k % bytes.length;
          bytes[i] = v;
          expect(decode(s, bytes as never, s.fPort).errors).toEqual([
            expect.stringMatching(new RegExp(`^byte ${i}: .* is not a byte value$`)),
          ]);
        }),
        { seed: 45, numRuns: 5000 },
      );
    }
  });
});

/** True when `v` is a value field `slot` declares: an enum value, a boolean, or a number in the field's range. */
function inDeclaredRange(slot: ReturnType<typeof planOf>['slots'][number], v: unknown): boolean {
  const f = slot.field;
  switch (f.kind) {
    case 'enum':
      return (f.values as readonly unknown[]).includes(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'uint':
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= slot.rawMax;
    case 'int':
      return Number.isInteger(v) && Math.abs(v as number) <= 2 ** (f.bits - 1);
    case 'fixed':
      return (v as number) >= f.offset && (v as number) <= f.offset + slot.rawMax * f.scale + 1e-9;
    case 'unorm':
      return (v as number) >= 0 && (v as number) <= 1;
  }
}
