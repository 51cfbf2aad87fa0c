import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import {
  decode,
  decodeCborCompact,
  encode,
  encodeCborCompact,
  generateCodecJs,
  verifyCEncoder,
} from '@murmur/payload';
import { payloadExamples, payloadSchema } from './payload';

describe('wearable-activity uplink payload', { timeout: 60_000 }, () => {
  it('packs into 6 bytes, within the 11 bytes of US915 DR0', () => {
    expect(payloadSchema.size).toBe(6);
    expect(payloadSchema.size).toBeLessThanOrEqual(11);
  });

  it('round-trips its test vectors through the bit-packed and CBOR forms and the TS013 codec', () => {
    const ctx = vm.createContext({});
    vm.runInContext(generateCodecJs(payloadSchema), ctx);
    for (const ex of payloadExamples) {
      const bytes = encode(payloadSchema, ex.value);
      const expected = { data: ex.value, warnings: [], errors: [] };
      expect(decode(payloadSchema, bytes, payloadSchema.fPort)).toEqual(expected);
      expect(decodeCborCompact(payloadSchema, encodeCborCompact(payloadSchema, ex.value))).toEqual(expected);
      ctx.input = { bytes: Array.from(bytes), fPort: payloadSchema.fPort };
      expect(JSON.parse(JSON.stringify(vm.runInContext('decodeUplink(input)', ctx)))).toEqual(expected);
    }
  });

  it('has a generated C encoder byte-identical to the TS encoders (host gcc, ASan/UBSan)', () => {
    const r = verifyCEncoder(payloadSchema, { messages: 10_000 });
    expect(r.mismatches, JSON.stringify(r.firstMismatch)).toBe(0);
  });
});
