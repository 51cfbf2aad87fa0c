import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode, encodeCborCompact, encodeSenml, toHex } from '@murmur/payload';
import { fromTtsUplink } from './tts';
import { fromChirpstackUp } from './chirpstack';
import { fromNbiotDatagram } from './nbiot';
import { ppgTriage as ppg, ppgTriageExamples as ppgExamples } from '@murmur/payload/fixtures';

const bytes = encode(ppg, ppgExamples[0]!.value);
const b64 = Buffer.from(bytes).toString('base64');

/** A TTS v3 uplink message as the webhook / MQTT integrations send it (fields per the TTS data-format docs). */
export function ttsMessage(): Record<string, any> {
  return {
    end_device_ids: {
      device_id: 'ppg-1',
      application_ids: { application_id: 'murmur' },
      dev_eui: '70B3D57ED0000001',
      dev_addr: '260B1234',
    },
    correlation_ids: ['as:up:01HZ'],
    received_at: '2026-05-01T10:00:00.123Z',
    uplink_message: {
      f_port: 14,
      f_cnt: 42,
      frm_payload: b64,
      rx_metadata: [
        {
          gateway_ids: { gateway_id: 'gw-a', eui: 'B827EBFFFE000001' },
          rssi: -97,
          channel_rssi: -97,
          snr: 4.5,
        },
        { gateway_ids: { gateway_id: 'gw-b' }, rssi: -88, channel_rssi: -88 },
      ],
      settings: {
        data_rate: { lora: { bandwidth: 125000, spreading_factor: 9, coding_rate: '4/5' } },
        frequency: '868100000',
      },
      received_at: '2026-05-01T10:00:00.100Z',
      consumed_airtime: '0.164864s',
    },
  };
}

/** A ChirpStack v4 up event (protobuf JSON: camelCase). */
export function chirpstackEvent(): Record<string, any> {
  return {
    deduplicationId: '3b1b9f2a-6f0d-4c3e-9d0a-2d3c4b5a6e7f',
    time: '2026-05-01T10:00:00.123Z',
    deviceInfo: {
      tenantId: 't',
      tenantName: 'ChirpStack',
      applicationId: 'a',
      applicationName: 'murmur',
      deviceProfileName: 'ppg',
      deviceName: 'ppg-1',
      devEui: '70b3d57ed0000001',
    },
    devAddr: '260b1234',
    adr: true,
    dr: 3,
    fCnt: 42,
    fPort: 14,
    data: b64,
    rxInfo: [
      { gatewayId: '0016c001ff10a235', uplinkId: 1, rssi: -97, snr: 4.5, crcStatus: 'CRC_OK' },
      { gatewayId: '0016c001ff10a236', uplinkId: 2, rssi: -88, crcStatus: 'CRC_OK' },
    ],
    txInfo: {
      frequency: 868100000,
      modulation: { lora: { bandwidth: 125000, spreadingFactor: 9, codeRate: 'CR_4_5' } },
    },
  };
}

function without(obj: Record<string, any>, path: string): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(obj));
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k];
  delete o[keys.at(-1)!];
  return copy;
}

const expected = {
  devEui: '70b3d57ed0000001',
  fCnt: 42,
  fPort: 14,
  receivedAt: '2026-05-01T10:00:00.123Z',
  rssi: -88,
  snr: 0,
  spreadingFactor: 9,
  bytes: toHex(bytes),
  data: ppgExamples[0]!.value,
  warnings: [],
  errors: [],
};

describe('The Things Stack v3 uplinks', () => {
  it('normalises the webhook/MQTT message and decodes the payload', () => {
    expect(fromTtsUplink(ttsMessage(), ppg)).toEqual({
      ...expected,
      gateways: [
        { id: 'gw-a', rssi: -97, snr: 4.5 },
        { id: 'gw-b', rssi: -88, snr: 0 },
      ],
    });
    expect(fromTtsUplink(JSON.stringify(ttsMessage()), ppg).data).toEqual(ppgExamples[0]!.value);
  });

  it('reads omitted zero fields as zero (no f_cnt when the counter is 0)', () => {
    const u = fromTtsUplink(without(ttsMessage(), 'uplink_message.f_cnt'), ppg);
    expect(u.fCnt).toBe(0);
    const empty = fromTtsUplink(without(ttsMessage(), 'uplink_message.frm_payload'), ppg);
    expect(empty.bytes).toBe('');
    expect(empty.errors[0]).toMatch(/truncated/);
  });

  it('names the missing field of malformed messages', () => {
    const required = [
      'end_device_ids.dev_eui',
      'uplink_message',
      'uplink_message.f_port',
      'uplink_message.rx_metadata[0].gateway_ids.gateway_id',
      'uplink_message.rx_metadata[1].gateway_ids',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...required), (path) => {
        const field = path === 'uplink_message.rx_metadata[1].gateway_ids' ? `${path}.gateway_id` : path;
        expect(() => fromTtsUplink(without(ttsMessage(), path), ppg, { file: 'up.json' })).toThrow(
          `up.json, field '${field}': missing`,
        );
      }),
      { seed: 31, numRuns: 50 },
    );
    const noTime = without(without(ttsMessage(), 'received_at'), 'uplink_message.received_at');
    expect(() => fromTtsUplink(noTime)).toThrow("field 'uplink_message.received_at': missing");
    expect(() => fromTtsUplink('{"end_device_ids": ', undefined, { file: 'up.json' })).toThrow(
      /up\.json.*not valid JSON/,
    );
    expect(() => fromTtsUplink({ ...ttsMessage(), end_device_ids: { dev_eui: 'xyz' } })).toThrow(/EUI-64/);
  });
});

describe('ChirpStack v4 up events', () => {
  it('normalises the event and decodes the payload', () => {
    expect(fromChirpstackUp(chirpstackEvent(), ppg)).toEqual({
      ...expected,
      gateways: [
        { id: '0016c001ff10a235', rssi: -97, snr: 4.5 },
        { id: '0016c001ff10a236', rssi: -88, snr: 0 },
      ],
    });
    expect(fromChirpstackUp(without(chirpstackEvent(), 'fCnt')).fCnt).toBe(0);
  });

  it('names the missing field of malformed events', () => {
    for (const path of ['deviceInfo.devEui', 'fPort', 'time', 'rxInfo[1].gatewayId', 'deviceInfo']) {
      const field = path === 'deviceInfo' ? 'deviceInfo.devEui' : path;
      expect(() => fromChirpstackUp(without(chirpstackEvent(), path), ppg)).toThrow(
        `field '${field}': missing`,
      );
    }
  });
});

describe('NB-IoT datagrams', () => {
  it('decodes a CBOR body in either form', () => {
    const meta = { devEui: '3530343030303031', receivedAt: '2026-05-01T10:00:00Z', fCnt: 7 };
    const v = ppgExamples[1]!.value;
    for (const body of [encodeCborCompact(ppg, v), encodeSenml(ppg, v)]) {
      expect(fromNbiotDatagram(body, meta, ppg)).toMatchObject({ fCnt: 7, fPort: 14, data: v, errors: [] });
    }
    expect(fromNbiotDatagram(new Uint8Array([0x01]), meta, ppg).errors.length).toBe(1);
  });
});

describe('base64', () => {
  it('decodes like Buffer and rejects non-base64', async () => {
    const { fromBase64 } = await import('./uplink');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, pad) => {
        const text = Buffer.from(bytes).toString('base64');
        const input = pad ? text : text.replace(/=+$/, '');
        expect(Array.from(fromBase64(input)!)).toEqual(Array.from(bytes));
      }),
      { seed: 32, numRuns: 500 },
    );
    for (const bad of ['a', 'ab!c', 'ab=c', 'abc==', 'é']) expect(fromBase64(bad)).toBeUndefined();
  });
});
