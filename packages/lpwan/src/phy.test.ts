import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode, toHex } from '@murmur/payload';
import loraPacket from 'lora-packet';
import { MurmurError } from '@murmur/core';
import {
  buildPhyPayload,
  fromPhyPayload,
  reconstructFCnt,
  MAX_FCNT_GAP,
  type AbpSession,
  type PhyOptions,
} from './phy';
import { hostileValue, insaneFields, mostlyValid, outcome } from './testing';
import type { Uplink } from './uplink';
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

const nwkSKey = Buffer.from(session.nwkSKey, 'hex');

/**
 * `bytes` with its last 4 bytes replaced by the MIC over the rest (LoRaWAN 1.0 B0 block, upper counter bytes
 * of `fCnt`) when it is a data frame; other frames unchanged.
 */
function signed(bytes: Uint8Array, fCnt = 0): Uint8Array {
  if (bytes[0]! >> 5 < 2 || bytes[0]! >> 5 > 5) return bytes; // only data frames have this MIC
  const packet = loraPacket.fromWire(Buffer.from(bytes));
  const hi = Math.floor(fCnt / 0x10000);
  const mic = loraPacket.calculateMIC(packet, nwkSKey, undefined, Buffer.from([hi & 0xff, hi >> 8]));
  const out = bytes.slice();
  out.set(mic, out.length - 4);
  return out;
}

/** A validly signed frame(5) with its bytes changed by `edit`. */
function edited(edit: (b: Uint8Array) => void): Uint8Array {
  const b = frame(5).slice();
  edit(b);
  return signed(b);
}

describe('frames a network server drops', () => {
  it('rejects any MHDR but a LoRaWAN R1 data uplink', () => {
    expect(() =>
      fromPhyPayload(
        edited((b) => (b[0]! |= 0x01)),
        session,
      ),
    ).toThrow("field 'MHDR', byte 0: LoRaWAN Major 1 is not LoRaWAN R1 (0)");
    expect(() =>
      fromPhyPayload(
        edited((b) => (b[0]! |= 0x03)),
        session,
      ),
    ).toThrow(/Major 3/);
    for (const rfu of [0x04, 0x08, 0x10])
      expect(() =>
        fromPhyPayload(
          edited((b) => (b[0]! |= rfu)),
          session,
        ),
      ).toThrow("field 'MHDR', byte 0: the RFU bits of MHDR are set");
    for (const [mtype, name] of [
      [0, 'Join Request'],
      [3, 'Unconfirmed Data Down'],
      [5, 'Confirmed Data Down'],
      [6, 'RFU'],
      [7, 'Proprietary'],
    ] as const) {
      const b = frame(5).slice();
      b[0] = mtype << 5;
      expect(() => fromPhyPayload(b, session)).toThrow(
        `field 'MHDR', byte 0: expected a data uplink, got '${name}'`,
      );
    }
    const confirmed = buildPhyPayload(
      { devAddr: session.devAddr, fCnt: 5, fPort: 14, payload, confirmed: true },
      session,
    );
    expect(fromPhyPayload(confirmed, session, { schema: ppg }).data).toEqual(ppgExamples[1]!.value);
  });

  it('rejects an FOptsLen that runs into the MIC instead of reading FPort from it', () => {
    // frame(5) has 5 payload bytes: 18 bytes, room for 5 bytes of FOpts, FPort and payload before the MIC.
    for (const fOptsLen of [7, 9, 15]) {
      expect(() =>
        fromPhyPayload(
          edited((b) => (b[5] = fOptsLen)),
          session,
        ),
      ).toThrow(
        `field 'FCtrl', byte 5: FOptsLen ${fOptsLen} runs into the MIC: 6 bytes lie between FCnt and the MIC`,
      );
    }
    expect(() =>
      fromPhyPayload(
        edited((b) => (b[5] = 6)),
        session,
      ),
    ).toThrow("field 'FPort', byte 14: no FPort: the frame carries no application payload");
    // FOpts 1..5 are read as MAC commands: the FPort and payload move after them and the frame is still valid.
    const withFOpts = signed(
      Uint8Array.from([...frame(5).subarray(0, 5), 0x02, 5, 0, 0x02, 0x03, 14, 1, 2, 3, 0, 0, 0, 0]),
    );
    expect(fromPhyPayload(withFOpts, session)).toMatchObject({ fPort: 14, fCnt: 5 });
  });

  it('takes application ports 1..223 only (0 carries MAC commands, 224..255 are not application data)', () => {
    const onPort = (fPort: number) =>
      buildPhyPayload({ devAddr: session.devAddr, fCnt: 5, fPort, payload }, session);
    for (const fPort of [224, 225, 255])
      expect(() => fromPhyPayload(onPort(fPort), session)).toThrow(
        `field 'FPort', byte 8: FPort ${fPort} is not an application port (1..223)`,
      );
    expect(() => fromPhyPayload(onPort(0), session)).toThrow(
      "field 'FPort', byte 8: FPort 0 carries MAC commands, not application data",
    );
    for (const fPort of [1, 223]) expect(fromPhyPayload(onPort(fPort), session).fPort).toBe(fPort);
    const empty = buildPhyPayload(
      { devAddr: session.devAddr, fCnt: 5, fPort: 3, payload: new Uint8Array(0) },
      session,
    );
    expect(fromPhyPayload(empty, session)).toMatchObject({ fPort: 3, bytes: '' });
  });

  it('rejects payloads over 242 bytes (or the limit given) before reading them', () => {
    const sized = (n: number) =>
      buildPhyPayload(
        { devAddr: session.devAddr, fCnt: 5, fPort: 14, payload: new Uint8Array(n).fill(9) },
        session,
      );
    expect(fromPhyPayload(sized(242), session).bytes).toBe('09'.repeat(242));
    expect(() => fromPhyPayload(sized(243), session)).toThrow(
      "field 'FRMPayload', byte 9: a payload of 243 bytes exceeds the limit of 242 bytes",
    );
    expect(fromPhyPayload(sized(243), session, { maxPayloadBytes: 243 }).bytes).toHaveLength(486);
    expect(() => fromPhyPayload(frame(5), session, { maxPayloadBytes: 4 })).toThrow(
      /5 bytes exceeds the limit of 4/,
    );
    expect(() => fromPhyPayload(new Uint8Array(64 << 20), session)).toThrow(MurmurError);
    for (const n of [0, 1, 11])
      expect(() => fromPhyPayload(frame(5).subarray(0, n), session)).toThrow(/at least 12 bytes/);
  });

  it('rejects a last counter that is not an integer 0..2^32-1', () => {
    for (const bad of [-1, NaN, 1.5, '65535', 2 ** 32, Infinity, null]) {
      expect(() => fromPhyPayload(frame(5), session, { lastFCnt: bad as number })).toThrow(
        `field 'lastFCnt': expected an integer 0..4294967295`,
      );
      expect(() => reconstructFCnt(5, bad as number)).toThrow(MurmurError);
    }
    expect(fromPhyPayload(frame(5), session, { lastFCnt: 0 }).fCnt).toBe(5);
    expect(() => fromPhyPayload(frame(5), session, { lastFCnt: 2 ** 32 - 1 })).toThrow(/exhausted/);
  });

  it('names the field of a missing, short or non-hex key, frame, DevAddr, DevEUI or time', () => {
    for (const bad of [
      null,
      undefined,
      42,
      '00',
      '2b7e151628aed2a6abf7158809cf4f3',
      'zz'.repeat(16),
      new Uint8Array(15),
      'f'.repeat(1 << 20),
    ]) {
      for (const field of ['nwkSKey', 'appSKey'] as const) {
        expect(() => fromPhyPayload(frame(5), { ...session, [field]: bad as string })).toThrow(
          `field '${field}'`,
        );
      }
    }
    for (const bad of [null, undefined, 42, 'zz'.repeat(20), {}, [1, 2, 3], '0'.repeat(1 << 20)])
      expect(() => fromPhyPayload(bad as Uint8Array, session)).toThrow("field 'PHYPayload'");
    expect(fromPhyPayload(toHex(frame(5)), session, { schema: ppg }).data).toEqual(ppgExamples[1]!.value);
    for (const bad of [null, undefined, 'keys'])
      expect(() => fromPhyPayload(frame(5), bad as never)).toThrow("field 'session'");
    for (const bad of [42, '260b12', '260b12345', 'zzzzzzzz'])
      expect(() => fromPhyPayload(frame(5), { ...session, devAddr: bad as string })).toThrow(
        "field 'devAddr'",
      );
    for (const bad of [42, 'xyz'])
      expect(() => fromPhyPayload(frame(5), { ...session, devEui: bad as string })).toThrow("field 'devEui'");
    for (const bad of ['x', '2026-13-45T99:99:99Z', 0])
      expect(() => fromPhyPayload(frame(5), session, { receivedAt: bad as string })).toThrow(
        "field 'receivedAt'",
      );
    expect(fromPhyPayload(frame(5), session, { receivedAt: '2026-05-01T10:00:00Z' }).receivedAt).toBe(
      '2026-05-01T10:00:00Z',
    );
  });
});

describe('hostile PHYPayloads (properties)', () => {
  const sane = (u: Uplink | undefined) => {
    if (u) expect(insaneFields(u)).toEqual([]);
  };

  it('random bytes give an Uplink or a MurmurError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.option(fc.nat({ max: 0xffff_ffff })),
        (bytes, last) => {
          sane(outcome(() => fromPhyPayload(bytes, session, { lastFCnt: last ?? undefined })));
        },
      ),
      { seed: 61, numRuns: 3000 },
    );
  });

  it('truncated and bit-flipped valid frames give an Uplink or a MurmurError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0xffff_0000 }),
        fc.uint8Array({ maxLength: 250 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 3 }),
        (fCnt, body, cut, flips) => {
          const b = buildPhyPayload({ devAddr: session.devAddr, fCnt, fPort: 14, payload: body }, session);
          const out = b.slice(0, b.length - (cut % 4 === 0 ? cut % b.length : 0));
          for (const bit of flips) if (out.length > 0) out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
          sane(outcome(() => fromPhyPayload(out, session, { lastFCnt: fCnt - 1, schema: ppg })));
        },
      ),
      { seed: 62, numRuns: 2000 },
    );
  });

  it('validly signed frames with any MHDR, FCtrl, FPort and length are accepted only when well formed', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(0x40, 0x80), fc.integer({ min: 0, max: 255 })),
        fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })),
        fc.uint8Array({ minLength: 0, maxLength: 270 }),
        (mhdr, fCtrl, rest) => {
          const b = Uint8Array.from([mhdr, 0x34, 0x12, 0x0b, 0x26, fCtrl, 5, 0, ...rest, 0, 0, 0, 0]);
          const signedFrame = signed(b);
          const u = outcome(() => fromPhyPayload(signedFrame, session));
          sane(u);
          if (u) {
            const fOptsLen = fCtrl & 0x0f;
            expect(mhdr === 0x40 || mhdr === 0x80).toBe(true);
            expect(8 + fOptsLen).toBeLessThan(b.length - 4);
            expect(u.fPort).toBe(b[8 + fOptsLen]);
            expect(u.bytes.length / 2).toBe(b.length - 4 - 9 - fOptsLen);
          }
        },
      ),
      { seed: 63, numRuns: 3000 },
    );
  });

  it('any keys, DevAddr, DevEUI, last counter and time give an Uplink or a MurmurError', () => {
    const keyOf = (hex: string) =>
      fc.oneof(
        { arbitrary: fc.constantFrom<unknown>(hex, hex.toUpperCase(), Buffer.from(hex, 'hex')), weight: 8 },
        fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF '), maxLength: 40 }),
        fc.uint8Array({ maxLength: 20 }),
        hostileValue,
      );
    const sessions = mostlyValid(
      fc.record(
        {
          nwkSKey: keyOf(session.nwkSKey),
          appSKey: keyOf(session.appSKey),
          devAddr: mostlyValid(fc.constant(session.devAddr)),
          devEui: mostlyValid(fc.constant(session.devEui)),
        },
        { requiredKeys: ['nwkSKey', 'appSKey'] },
      ),
    );
    const options = fc.record(
      {
        lastFCnt: mostlyValid(fc.integer({ min: 0, max: 4 })),
        receivedAt: mostlyValid(fc.constant('2026-05-01T10:00:00Z')),
        maxPayloadBytes: mostlyValid(fc.integer({ min: 0, max: 300 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(sessions, options, (s, opts) => {
        sane(outcome(() => fromPhyPayload(frame(5), s as AbpSession, opts as PhyOptions)));
      }),
      { seed: 64, numRuns: 3000 },
    );
  });
});
