import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode, toHex } from '@murmur/payload';
import { buildPhyPayload, fromPhyPayload, reconstructFCnt, MAX_FCNT_GAP } from './phy';
import { ppgTriage as ppg, ppgTriageExamples as ppgExamples } from '@murmur/payload/fixtures';

const session = {
  nwkSKey: '2b7e151628aed2a6abf7158809cf4f3c',
  appSKey: '000102030405060708090a0b0c0d0e0f',
  devAddr: '260b1234',
  devEui: '70B3D57ED0000002',
};
const payload = encode(ppg, ppgExamples[1]!.value);
const frame = (fCnt: number) =>
  buildPhyPayload({ devAddr: session.devAddr, fCnt, fPort: 14, payload }, session);

describe('raw PHYPayload with ABP keys', () => {
  it('verifies the MIC, decrypts and decodes', () => {
    const up = fromPhyPayload(frame(5), session, { schema: ppg, lastFCnt: 4 });
    expect(up).toEqual({
      devEui: '70b3d57ed0000002',
      fCnt: 5,
      fPort: 14,
      receivedAt: '1970-01-01T00:00:00.000Z',
      gateways: [],
      bytes: toHex(payload),
      data: ppgExamples[1]!.value,
      warnings: [],
      errors: [],
    });
  });

  it('fails the MIC with a wrong key and rejects other devices', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (k) => {
        fc.pre(toHex(k) !== session.nwkSKey);
        expect(() => fromPhyPayload(frame(9), { ...session, nwkSKey: k })).toThrow(
          /field 'MIC', byte \d+: MIC check failed/,
        );
      }),
      { seed: 41, numRuns: 50 },
    );
    expect(() => fromPhyPayload(frame(9), { ...session, devAddr: '260b9999' })).toThrow(/DevAddr/);
    expect(() => fromPhyPayload(new Uint8Array(5), session)).toThrow(/at least 12 bytes/);
  });

  it('rebuilds 32-bit counters across 0xFFFF and checks the MIC with the upper bytes', () => {
    expect(fromPhyPayload(frame(0x10000), session, { lastFCnt: 0xffff }).fCnt).toBe(0x10000);
    expect(fromPhyPayload(frame(0x1_0002), session, { lastFCnt: 0xfff0 }).fCnt).toBe(0x1_0002);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff - MAX_FCNT_GAP }),
        fc.integer({ min: 1, max: MAX_FCNT_GAP }),
        (last, step) => {
          expect(reconstructFCnt((last + step) & 0xffff, last)).toBe(last + step);
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xfff0_0000 }),
        fc.integer({ min: 1, max: MAX_FCNT_GAP }),
        (last, step) => {
          const up = fromPhyPayload(frame(last + step), session, { lastFCnt: last, schema: ppg });
          expect(up.fCnt).toBe(last + step);
          expect(up.data).toEqual(ppgExamples[1]!.value);
        },
      ),
      { seed: 43, numRuns: 60 },
    );
    // The same wire frame read with the wrong upper counter bytes fails the MIC.
    expect(() => fromPhyPayload(frame(0x2_0005), session, { lastFCnt: 4 })).toThrow(/MIC check failed/);
  });

  it('rejects replays and gaps larger than 16,384', () => {
    expect(() => fromPhyPayload(frame(100), session, { lastFCnt: 100 })).toThrow(
      /field 'FCnt', byte 6: replay/,
    );
    expect(() => fromPhyPayload(frame(90), session, { lastFCnt: 100 })).toThrow(
      /replay: wire FCnt 90 is older/,
    );
    expect(() => fromPhyPayload(frame(100 + MAX_FCNT_GAP + 1), session, { lastFCnt: 100 })).toThrow(
      /gap 16385/,
    );
    expect(fromPhyPayload(frame(100 + MAX_FCNT_GAP), session, { lastFCnt: 100 }).fCnt).toBe(
      100 + MAX_FCNT_GAP,
    );
  });
});
