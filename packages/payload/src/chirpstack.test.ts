/**
 * The generated codec under ChirpStack v4's calling convention, in QuickJS (the engine ChirpStack embeds):
 * the codec source followed by `decodeUplink(chirpstack_input)` is evaluated as one non-strict script, with
 * `chirpstack_input = { bytes, fPort, recvTime, variables }` (`bytes` an array of numbers, `recvTime` a Date,
 * `variables` strings); ChirpStack fails the uplink when `errors` is not empty and keeps only `data`.
 * Downlinks: `encodeDownlink({ data, variables, fPort })`, of which it reads `bytes` (and `errors`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getQuickJS, type QuickJSContext, type QuickJSWASMModule } from 'quickjs-emscripten';
import { MurmurError } from '@murmur/core';
import { decode, encode, encodeDownlink } from './codec';
import { generateCodecJs } from './codegen-js';
import type { PayloadSchema } from './schema';
import { appSchemas, arbitraryPacked } from './testing';
import {
  predictiveMaintenance as pdm,
  predictiveMaintenanceDownlinkExamples as pdmDownlinkExamples,
  predictiveMaintenanceExamples as pdmExamples,
  ppgTriage as ppg,
  ppgTriageExamples as ppgExamples,
  wearableActivity as wear,
  wearableActivityExamples as wearExamples,
} from './fixtures';

let quickjs: QuickJSWASMModule;
beforeAll(async () => {
  quickjs = await getQuickJS();
});

const contexts: QuickJSContext[] = [];
afterAll(() => contexts.forEach((c) => c.dispose()));

interface ChirpStackResult {
  /** What ChirpStack keeps: `data`, or its error when `errors` is not empty or `data` is missing. */
  kept: { data: Record<string, unknown> } | { error: string };
  raw: Record<string, unknown>;
}

/**
 * A ChirpStack v4 codec runner for one codec script. `fresh` evaluates the script in a new context for every
 * call, as ChirpStack does; otherwise one context is reused (faster for property runs).
 */
function chirpstack(code: string, fresh = false) {
  let shared: QuickJSContext | undefined;
  const context = (): QuickJSContext => {
    if (!fresh && shared) return shared;
    const ctx = quickjs.newContext();
    contexts.push(ctx);
    if (!fresh) shared = ctx;
    return ctx;
  };
  const run = (routine: string, inputJs: string): Record<string, unknown> => {
    const ctx = context();
    ctx.unwrapResult(ctx.evalCode(`var chirpstack_input = ${inputJs};`)).dispose();
    const handle = ctx.unwrapResult(ctx.evalCode(`${code}\n\n${routine}(chirpstack_input)\n`, 'codec.js'));
    const raw = ctx.dump(handle) as Record<string, unknown>;
    handle.dispose();
    return raw;
  };
  const kept = (routine: string, raw: Record<string, unknown>, field: string) => {
    const errors = raw.errors as string[] | undefined;
    if (Array.isArray(errors) && errors.length > 0)
      return { error: `${routine} returned errors: ${errors.join(', ')}` };
    return raw[field] === undefined
      ? { error: `${routine} did not return '${field}'` }
      : { [field]: raw[field] };
  };
  return {
    decodeUplink(bytes: ArrayLike<number>, fPort: number): ChirpStackResult {
      const input =
        `{ bytes: ${JSON.stringify(Array.from(bytes))}, fPort: ${fPort}, ` +
        `recvTime: new Date(${Date.UTC(2026, 0, 2, 3, 4, 5)}), variables: { app_key: 'x', site: 'hall 2' } }`;
      const raw = run('decodeUplink', input);
      return { raw, kept: kept('decodeUplink', raw, 'data') as ChirpStackResult['kept'] };
    },
    encodeDownlink(data: unknown, fPort: number): { bytes: number[] } | { error: string } {
      const raw = run('encodeDownlink', `{ data: ${JSON.stringify(data)}, fPort: ${fPort}, variables: {} }`);
      return kept('encodeDownlink', raw, 'bytes') as { bytes: number[] } | { error: string };
    },
  };
}

const apps: [PayloadSchema, { value: Record<string, unknown> }[]][] = [
  [pdm, pdmExamples],
  [wear, wearExamples],
  [ppg, ppgExamples],
];

describe('codec JS under ChirpStack v4 (QuickJS)', () => {
  for (const [schema, examples] of apps) {
    it(`decodes the '${schema.name}' examples to the TS decoder's data, in a fresh context each`, () => {
      const cs = chirpstack(generateCodecJs(schema), true);
      for (const ex of examples) {
        const bytes = encode(schema, ex.value as never);
        const r = cs.decodeUplink(bytes, schema.fPort);
        expect(r.kept).toEqual({ data: decode(schema, bytes, schema.fPort).data });
        expect(r.raw).toEqual({ data: r.raw.data, warnings: [], errors: [] });
      }
      const truncated = encode(schema, examples[0]!.value as never).slice(0, 2);
      expect(cs.decodeUplink(truncated, schema.fPort).kept).toEqual({
        error: `decodeUplink returned errors: ${decode(schema, truncated, schema.fPort).errors.join(', ')}`,
      });
    });
  }

  it('equals the TS decoder on random payloads of every app (data kept, or the uplink failed)', () => {
    for (const schema of appSchemas()) {
      const cs = chirpstack(generateCodecJs(schema));
      fc.assert(
        fc.property(
          fc.oneof(arbitraryPacked(schema), fc.uint8Array({ minLength: 1, maxLength: schema.size + 1 })),
          fc.constantFrom(schema.fPort, schema.fPort, 200),
          (bytes, fPort) => {
            const ts = JSON.parse(JSON.stringify(decode(schema, bytes, fPort)));
            const { kept } = cs.decodeUplink(bytes, fPort);
            if (ts.errors.length > 0)
              expect(kept).toEqual({ error: `decodeUplink returned errors: ${ts.errors.join(', ')}` });
            else expect(kept).toEqual({ data: ts.data });
          },
        ),
        { seed: 21, numRuns: 300 },
      );
    }
  });

  it('drops warnings unless the codec folds them into data.warnings', () => {
    const padded = encode(wear, wearExamples[0]!.value);
    padded[5] = padded[5]! | 0x07; // the 3 padding bits of wear's 45 bits in 6 bytes
    const ts = decode(wear, padded, wear.fPort);
    expect(ts.warnings).toEqual(['byte 5: padding bits are not zero']);

    const plain = chirpstack(generateCodecJs(wear), true).decodeUplink(padded, wear.fPort);
    expect(plain.raw.warnings).toEqual(ts.warnings);
    expect(plain.kept).toEqual({ data: ts.data });
    expect(JSON.stringify(plain.kept)).not.toContain('padding');

    const folded = chirpstack(generateCodecJs(wear, { warningsInData: true }), true);
    expect(folded.decodeUplink(padded, wear.fPort).kept).toEqual({
      data: { ...ts.data, warnings: ts.warnings },
    });
    const clean = encode(wear, wearExamples[0]!.value);
    expect(folded.decodeUplink(clean, wear.fPort).kept).toEqual({
      data: { ...decode(wear, clean, wear.fPort).data, warnings: [] },
    });
  });

  it("encodes downlinks to the TS encoder's bytes, and fails on what the TS encoder refuses", () => {
    const cs = chirpstack(generateCodecJs(pdm), true);
    const fPort = pdm.downlink!.fPort;
    for (const ex of pdmDownlinkExamples) {
      expect(cs.encodeDownlink(ex.value, fPort)).toEqual({
        bytes: Array.from(encodeDownlink(pdm, ex.value)),
      });
    }
    const shared = chirpstack(generateCodecJs(pdm));
    fc.assert(
      fc.property(
        fc.record({
          restart_baseline: fc.oneof(fc.boolean(), fc.constant(1)),
          uplink_period_min: fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.constant(2.5)),
        }),
        (data) => {
          let expected: unknown;
          try {
            expected = { bytes: Array.from(encodeDownlink(pdm, data as never)) };
          } catch (err) {
            if (!(err instanceof MurmurError)) throw err;
            expected = { error: `encodeDownlink returned errors: ${err.message}` };
          }
          expect(shared.encodeDownlink(data, fPort)).toEqual(expected);
        },
      ),
      { seed: 22, numRuns: 300 },
    );
  });
});
