/**
 * The tests every app runs on its own payload schema (`@murmur/payload/contract`): its size, its test
 * vectors through the bit-packed and CBOR forms and the TS013 codec, and its C encoder against the TS one.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { encodeCborCompact, decodeCborCompact } from './cbor';
import { decode, encode } from './codec';
import { verifyCEncoder } from './verify-c';
import { generateCodecJs } from './codegen-js';
import type { PayloadSchema } from './schema';

export function describePayloadContract(
  name: string,
  schema: PayloadSchema,
  examples: readonly { value: unknown }[],
  bytes: number,
): void {
  describe(`${name} uplink payload`, { timeout: 60_000 }, () => {
    it(`packs into ${bytes} bytes, within the 11 bytes of US915 DR0`, () => {
      expect(schema.size).toBe(bytes);
      expect(schema.size).toBeLessThanOrEqual(11);
    });

    it('round-trips its test vectors through the bit-packed and CBOR forms and the TS013 codec', () => {
      const ctx = vm.createContext({});
      vm.runInContext(generateCodecJs(schema), ctx);
      for (const ex of examples) {
        const value = ex.value as never;
        const packed = encode(schema, value);
        const expected = { data: ex.value, warnings: [], errors: [] };
        expect(decode(schema, packed, schema.fPort)).toEqual(expected);
        expect(decodeCborCompact(schema, encodeCborCompact(schema, value))).toEqual(expected);
        ctx['input'] = { bytes: Array.from(packed), fPort: schema.fPort };
        expect(JSON.parse(JSON.stringify(vm.runInContext('decodeUplink(input)', ctx)))).toEqual(expected);
      }
    });

    it('has a generated C encoder byte-identical to the TS encoders (host gcc, ASan/UBSan)', () => {
      const r = verifyCEncoder(schema, { messages: 10_000 });
      expect(r.mismatches, JSON.stringify(r.firstMismatch)).toBe(0);
    });
  });
}
