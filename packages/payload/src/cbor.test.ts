import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode as cborDecode } from 'cbor-x';
import { cborCompactMaxSize, decodeCborCompact, decodeSenml, encodeCborCompact, encodeSenml } from './cbor';
import { arbitraryValue } from './testing';
import type { PayloadSchema } from './schema';
import {
  predictiveMaintenance as pdm,
  predictiveMaintenanceExamples as pdmExamples,
  ppgTriage as ppg,
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
      /CBOR array of 8 items/,
    );
    const pack = encodeSenml(ppg, {
      breathing: 'slow',
      rr_bpm: 9,
      hr_bpm: 60,
      rejected: 0,
      signal_quality: 1,
      alert: true,
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
