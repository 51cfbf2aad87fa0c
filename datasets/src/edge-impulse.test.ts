import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as cborDecode } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import {
  EI_EMPTY_SIGNATURE,
  fromEdgeImpulse,
  readEdgeImpulseFile,
  toEdgeImpulse,
  writeEdgeImpulseFile,
} from './edge-impulse';
import { synthActivity } from './synthetic';

const KEY = 'fed53116f20684c067774ebf9e7bcbdc';
const rec = synthActivity({ activity: 'walking', seed: 3, seconds: 5, subject: '1600' });

describe('Edge Impulse format', () => {
  for (const format of ['json', 'cbor'] as const) {
    it(`round-trips a signed ${format} message`, () => {
      const bytes = toEdgeImpulse(rec, {
        format,
        hmacKey: KEY,
        iat: 1_700_000_000,
        deviceType: 'LG G Watch',
      });
      const back = fromEdgeImpulse(bytes, { hmacKey: KEY, label: 'walking' });
      expect(back.channels).toEqual(rec.channels);
      expect(back).toMatchObject({
        subject: '1600',
        label: 'walking',
        rateHz: 20,
        channelNames: ['ax', 'ay', 'az'],
        units: ['m/s2', 'm/s2', 'm/s2'],
      });
      expect(back.meta).toMatchObject({
        signatureVerified: true,
        alg: 'HS256',
        iat: 1_700_000_000,
        device_type: 'LG G Watch',
      });
    });

    it(`rejects a tampered or wrongly keyed ${format} message, naming the signature`, () => {
      const bytes = toEdgeImpulse(rec, { format, hmacKey: KEY, iat: 1 });
      expect(() => fromEdgeImpulse(bytes, { hmacKey: 'other-key', file: 'x.json' })).toThrow(
        /x.json, field 'signature': bad signature/,
      );
      const tampered = Buffer.from(bytes);
      const at = format === 'json' ? tampered.indexOf('"values":[[') + 11 : tampered.length - 3;
      tampered[at] = tampered[at] === 0x31 ? 0x32 : 0x31;
      expect(() => fromEdgeImpulse(tampered, { hmacKey: KEY })).toThrow(MurmurError);
      const unsigned = toEdgeImpulse(rec, { format, iat: 1 });
      expect(() => fromEdgeImpulse(unsigned, { hmacKey: KEY })).toThrow(/not signed/);
      expect(fromEdgeImpulse(unsigned).meta['signatureVerified']).toBe(false);
    });
  }

  it('signs exactly as Edge Impulse does: HMAC over the message with 64 zeros as signature', () => {
    const bytes = toEdgeImpulse(rec, { hmacKey: KEY, iat: 1 });
    const msg = JSON.parse(bytes.toString()) as { signature: string };
    const zeroed = JSON.stringify({ ...JSON.parse(bytes.toString()), signature: EI_EMPTY_SIGNATURE });
    expect(msg.signature).toBe(createHmac('sha256', KEY).update(zeroed).digest('hex'));
    const cbor = cborDecode(toEdgeImpulse(rec, { format: 'cbor', hmacKey: KEY, iat: 1 })) as {
      payload: { interval_ms: number };
    };
    expect(cbor.payload.interval_ms).toBe(50);
  });

  it('accepts a message written by another tool (spaces, single-axis values) and verifies it', () => {
    const body = (sig: string): string =>
      `{"protected": {"ver": "v1", "alg": "HS256", "iat": 1564128599}, "signature": "${sig}", ` +
      `"payload": {"device_name": "ac:87:a3:0a:2d:1b", "device_type": "DISCO-L475VG-IOT01A", "interval_ms": 16.666666666666668, ` +
      `"sensors": [{"name": "accX", "units": "m/s2"}], "values": [-9.81, 0.03, 1.21]}}`;
    const sig = createHmac('sha256', KEY).update(body(EI_EMPTY_SIGNATURE)).digest('hex');
    const r = fromEdgeImpulse(Buffer.from(body(sig)), { hmacKey: KEY });
    expect(r.rateHz).toBe(60);
    expect(Array.from(r.channels[0]!)).toEqual([-9.81, 0.03, 1.21].map(Math.fround));
    expect(r.subject).toBe('ac:87:a3:0a:2d:1b');
  });

  it('names the bad field of a malformed message', () => {
    const bad = (payload: object): Buffer =>
      Buffer.from(JSON.stringify({ protected: { ver: 'v1', alg: 'none' }, signature: '', payload }));
    const base = { device_type: 'x', interval_ms: 10, sensors: [{ name: 'a', units: 'g' }], values: [[1]] };
    expect(() => fromEdgeImpulse(bad({ ...base, interval_ms: -1 }), { file: 'm.json' })).toThrow(
      /m.json, field 'payload.interval_ms'/,
    );
    expect(() => fromEdgeImpulse(bad({ ...base, values: [[1], [1, 2]] }))).toThrow(
      /field 'payload.values\[1\]'.*expected 1 values/,
    );
    expect(() => fromEdgeImpulse(bad({ ...base, values: [[1], ['x']] }))).toThrow(
      /field 'payload.values\[1\]\[0\]'/,
    );
    expect(() => fromEdgeImpulse(Buffer.from('{oops'), { file: 'o.json' })).toThrow(
      /o.json: not a valid Edge Impulse JSON/,
    );
  });

  it('reads and writes files, taking the label from the Edge Impulse file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-ei-'));
    for (const name of ['walking.s1.json', 'walking.s1.cbor']) {
      await writeEdgeImpulseFile(join(dir, name), rec, { hmacKey: KEY, iat: 5 });
      const back = await readEdgeImpulseFile(join(dir, name), { hmacKey: KEY });
      expect(back).toMatchObject({ id: 'walking.s1', label: 'walking' });
      expect(back.channels).toEqual(rec.channels);
    }
  });
});
