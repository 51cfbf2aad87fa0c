import { describe, expect, it } from 'vitest';
import { decode, encode, encodeCborCompact, decodeCborCompact } from '@murmur/payload';
import { payloadExamples, payloadSchema } from './payload';

describe('ppg-triage uplink payload', () => {
  it('packs into 5 bytes, within the 11 bytes of US915 DR0', () => {
    expect(payloadSchema.size).toBe(5);
    expect(payloadSchema.size).toBeLessThanOrEqual(11);
  });

  it('round-trips its test vectors through the bit-packed and CBOR forms', () => {
    for (const ex of payloadExamples) {
      const bytes = encode(payloadSchema, ex.value);
      expect(decode(payloadSchema, bytes, payloadSchema.fPort)).toEqual({
        data: ex.value,
        warnings: [],
        errors: [],
      });
      expect(decodeCborCompact(payloadSchema, encodeCborCompact(payloadSchema, ex.value)).data).toEqual(
        ex.value,
      );
    }
  });
});
