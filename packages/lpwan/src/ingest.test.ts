import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode, encodeCborCompact, encodeSenml, toHex } from '@murmur/payload';
import { fromTtsUplink } from './tts';
import { fromChirpstackUp } from './chirpstack';
import { fromNbiotDatagram, DEFAULT_MAX_DATAGRAM_BYTES, type DatagramMeta } from './nbiot';
import { DEFAULT_MAX_MESSAGE_BYTES } from './uplink';
import { hostileValue, insaneFields, mostlyValid, mutatedMessage, outcome } from './testing';
import { MurmurError } from '@murmur/core';
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

/** A deep copy of `obj` with the value at `path` (dots and [i]) set to `value`. */
function withField(obj: Record<string, any>, path: string, value: unknown): Record<string, any> {
  const copy = structuredClone(obj);
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k];
  o[keys.at(-1)!] = value;
  return copy;
}

/** The MurmurError `ingest` throws (fails the test when it returns or throws anything else). */
function murmurErrorOf(ingest: () => unknown): MurmurError {
  try {
    ingest();
  } catch (err) {
    if (err instanceof MurmurError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('size limits of JSON messages', () => {
  it('refuses text over 64 KiB before parsing it, and takes a larger limit when given', () => {
    const padded = { ...ttsMessage(), correlation_ids: Array.from({ length: 6000 }, (_, i) => `as:up:${i}`) };
    const text = JSON.stringify(padded);
    expect(text.length).toBeGreaterThan(DEFAULT_MAX_MESSAGE_BYTES);
    expect(() => fromTtsUplink(text, ppg, { file: 'up.json' })).toThrow(
      /up\.json: the message has \d+ characters, more than the limit of 65536 bytes/,
    );
    expect(fromTtsUplink(text, ppg, { maxMessageBytes: 1 << 20 }).fCnt).toBe(42);
    const event = JSON.stringify({ ...chirpstackEvent(), deduplicationId: 'x'.repeat(70_000) });
    expect(() => fromChirpstackUp(event)).toThrow(/more than the limit of 65536 bytes/);
    expect(() => fromTtsUplink(JSON.stringify(ttsMessage()), ppg, { maxMessageBytes: 100 })).toThrow(
      /limit of 100 bytes/,
    );
  });

  it('counts UTF-8 bytes, not characters, and reads UTF-8 bytes as well as text', () => {
    const wide = JSON.stringify({ ...ttsMessage(), note: 'é'.repeat(40_000) });
    expect(wide.length).toBeLessThan(DEFAULT_MAX_MESSAGE_BYTES);
    expect(() => fromTtsUplink(wide)).toThrow(/the message has \d+ bytes, more than the limit/);
    const bytes = Buffer.from(JSON.stringify(ttsMessage()));
    expect(fromTtsUplink(bytes, ppg).data).toEqual(ppgExamples[0]!.value);
    expect(fromChirpstackUp(new Uint8Array(Buffer.from(JSON.stringify(chirpstackEvent())))).fCnt).toBe(42);
    expect(() => fromTtsUplink(new Uint8Array(70_000))).toThrow(/70000 bytes, more than the limit/);
    expect(() => fromTtsUplink(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/);
  });

  it('refuses a valid message padded to 64 MiB without parsing it', () => {
    const pad = (message: object) => `{"pad":"${'x'.repeat(64 << 20)}",${JSON.stringify(message).slice(1)}`;
    expect(() => fromTtsUplink(pad(ttsMessage()))).toThrow(/more than the limit of 65536 bytes/);
    expect(() => fromChirpstackUp(pad(chirpstackEvent()))).toThrow(/more than the limit of 65536 bytes/);
  });

  it('bounds the base64 payload before decoding it (242 bytes by default)', () => {
    const b64Of = (n: number) => Buffer.alloc(n, 7).toString('base64');
    const at242 = fromTtsUplink(withField(ttsMessage(), 'uplink_message.frm_payload', b64Of(242)));
    expect(at242.bytes.length).toBe(484);
    const over = withField(ttsMessage(), 'uplink_message.frm_payload', b64Of(243));
    expect(() => fromTtsUplink(over)).toThrow(
      "field 'uplink_message.frm_payload': a payload of 243 bytes exceeds the limit of 242 bytes",
    );
    expect(fromTtsUplink(over, undefined, { maxPayloadBytes: 243 }).bytes.length).toBe(486);
    const huge = murmurErrorOf(() =>
      fromTtsUplink(withField(ttsMessage(), 'uplink_message.frm_payload', 'A'.repeat(10 << 20))),
    );
    expect(huge.message).toMatch(/10485760 characters of base64 exceed the payload limit of 242 bytes/);
    expect(() => fromChirpstackUp({ ...chirpstackEvent(), data: b64Of(243) })).toThrow(
      "field 'data': a payload of 243 bytes exceeds the limit",
    );
    expect(() => fromChirpstackUp(chirpstackEvent(), ppg, { maxPayloadBytes: 4 })).toThrow(
      "field 'data': a payload of 5 bytes exceeds the limit of 4 bytes",
    );
  });

  it('bounds the gateway receptions (64 by default) and gateway ids (128 characters)', () => {
    const gw = ttsMessage().uplink_message.rx_metadata[0];
    const many = (n: number) => withField(ttsMessage(), 'uplink_message.rx_metadata', Array(n).fill(gw));
    expect(fromTtsUplink(many(64)).gateways).toHaveLength(64);
    expect(() => fromTtsUplink(many(65))).toThrow(
      "field 'uplink_message.rx_metadata': 65 gateways exceed the limit of 64",
    );
    expect(fromTtsUplink(many(65), undefined, { maxGateways: 65 }).gateways).toHaveLength(65);
    const rx = chirpstackEvent().rxInfo[0];
    expect(() => fromChirpstackUp({ ...chirpstackEvent(), rxInfo: Array(100).fill(rx) })).toThrow(
      "field 'rxInfo': 100 gateways exceed the limit of 64",
    );
    expect(() => fromChirpstackUp({ ...chirpstackEvent(), rxInfo: { 0: rx } })).toThrow(
      "field 'rxInfo': expected an array, got an object",
    );
    const longId = murmurErrorOf(() =>
      fromTtsUplink(
        withField(ttsMessage(), 'uplink_message.rx_metadata[0].gateway_ids.gateway_id', 'g'.repeat(50 << 20)),
      ),
    );
    expect(longId.message).toBe(
      "field 'uplink_message.rx_metadata[0].gateway_ids.gateway_id': expected at most 128 characters, got 52428800",
    );
    expect(() =>
      fromChirpstackUp(withField(chirpstackEvent(), 'rxInfo[1].gatewayId', 'g'.repeat(129))),
    ).toThrow("field 'rxInfo[1].gatewayId': expected at most 128 characters, got 129");
  });

  it('checks the limits themselves', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, '242']) {
      expect(() => fromTtsUplink(ttsMessage(), ppg, { maxPayloadBytes: bad as number })).toThrow(
        "field 'maxPayloadBytes': a size limit is a non-negative integer",
      );
    }
  });
});

describe('range checks of TTS and ChirpStack fields', () => {
  const tts = (path: string, value: unknown) => () =>
    fromTtsUplink(withField(ttsMessage(), path, value), ppg);
  const cs = (path: string, value: unknown) => () =>
    fromChirpstackUp(withField(chirpstackEvent(), path, value), ppg);

  it('accepts only real RFC 3339 times', () => {
    for (const bad of [
      'x',
      '2026-13-45T99:99:99Z',
      '2026-02-29T10:00:00Z',
      '2026-05-01T10:00:00',
      1_746_093_600,
    ]) {
      expect(tts('received_at', bad)).toThrow(`field 'received_at': `);
      expect(tts('received_at', undefined)).not.toThrow();
      const inner = withField(
        withField(ttsMessage(), 'received_at', undefined),
        'uplink_message.received_at',
        bad,
      );
      expect(() => fromTtsUplink(inner)).toThrow(`field 'uplink_message.received_at': `);
      expect(cs('time', bad)).toThrow(`field 'time': `);
    }
    expect(tts('received_at', '2026-13-45T99:99:99Z')).toThrow(
      "field 'received_at': '2026-13-45T99:99:99Z' is not an RFC 3339 timestamp",
    );
    expect(
      fromTtsUplink(withField(ttsMessage(), 'received_at', '2026-05-01T10:00:00.123456789Z')).receivedAt,
    ).toBe('2026-05-01T10:00:00.123456789Z');
    expect(
      fromChirpstackUp(withField(chirpstackEvent(), 'time', '2024-02-29T23:59:60+02:00')).receivedAt,
    ).toBe('2024-02-29T23:59:60+02:00');
  });

  it('takes frame counters 0..2^32-1 and application ports 1..223', () => {
    for (const bad of [-1, 1.5, 2 ** 32, '42', NaN]) {
      expect(tts('uplink_message.f_cnt', bad)).toThrow(
        `field 'uplink_message.f_cnt': expected an integer 0..4294967295`,
      );
      expect(cs('fCnt', bad)).toThrow(`field 'fCnt': expected an integer 0..4294967295`);
    }
    expect(fromTtsUplink(withField(ttsMessage(), 'uplink_message.f_cnt', 2 ** 32 - 1)).fCnt).toBe(
      2 ** 32 - 1,
    );
    for (const bad of [0, 224, 255, 256, 1.5, -1, '14']) {
      expect(tts('uplink_message.f_port', bad)).toThrow(
        `field 'uplink_message.f_port': expected an application port 1..223`,
      );
      expect(cs('fPort', bad)).toThrow(`field 'fPort': expected an application port 1..223`);
    }
    expect(fromChirpstackUp(withField(chirpstackEvent(), 'fPort', 223)).fPort).toBe(223);
  });

  it('takes plausible RSSI and SNR and spreading factors 5..12', () => {
    for (const bad of [1e300, -1e300, -201, 31, '−97']) {
      expect(tts('uplink_message.rx_metadata[0].rssi', bad)).toThrow(
        "field 'uplink_message.rx_metadata[0].rssi': expected -200..30 dBm",
      );
      expect(cs('rxInfo[1].rssi', bad)).toThrow("field 'rxInfo[1].rssi': expected -200..30 dBm");
    }
    for (const bad of [1e300, -51, 51, NaN]) {
      expect(tts('uplink_message.rx_metadata[1].snr', bad)).toThrow(
        "field 'uplink_message.rx_metadata[1].snr': expected -50..50 dB",
      );
      expect(cs('rxInfo[0].snr', bad)).toThrow("field 'rxInfo[0].snr': expected -50..50 dB");
    }
    expect(fromChirpstackUp(withField(chirpstackEvent(), 'rxInfo[0].rssi', -200)).rssi).toBe(-88);
    for (const bad of [1.5, 4, 13, '9', 0]) {
      expect(tts('uplink_message.settings.data_rate.lora.spreading_factor', bad)).toThrow(
        "field 'uplink_message.settings.data_rate.lora.spreading_factor': expected a spreading factor 5..12",
      );
      expect(cs('txInfo.modulation.lora.spreadingFactor', bad)).toThrow(
        "field 'txInfo.modulation.lora.spreadingFactor': expected a spreading factor 5..12",
      );
    }
    expect(
      fromTtsUplink(withField(ttsMessage(), 'uplink_message.settings', {})).spreadingFactor,
    ).toBeUndefined();
    for (const sf of [5, 12])
      expect(cs('txInfo.modulation.lora.spreadingFactor', sf)().spreadingFactor).toBe(sf);
  });

  it('writes a long bad value shortened', () => {
    const err = murmurErrorOf(tts('received_at', `2026-05-01T10:00:00.${'1'.repeat(1 << 20)}Z`));
    expect(err.message).toBe("field 'received_at': expected at most 64 characters, got 1048597");
    const eui = murmurErrorOf(() =>
      fromTtsUplink(withField(ttsMessage(), 'end_device_ids.dev_eui', { nested: 'x'.repeat(1 << 20) })),
    );
    expect(eui.message).toBe("field 'end_device_ids.dev_eui': expected a string, got an object");
  });
});

describe('NB-IoT datagram checks', () => {
  const meta = { devEui: '3530343030303031', receivedAt: '2026-05-01T10:00:00Z', fCnt: 7 };
  const body = encodeCborCompact(ppg, ppgExamples[1]!.value);

  it('takes the body as bytes of at most 1,460 by default', () => {
    for (const bad of ['a0', null, undefined, [0x80], { length: 3 }]) {
      expect(() => fromNbiotDatagram(bad as never, meta, ppg)).toThrow(
        "field 'body': expected the datagram body as bytes",
      );
    }
    expect(fromNbiotDatagram(Buffer.from(body), meta, ppg).data).toEqual(ppgExamples[1]!.value);
    expect(fromNbiotDatagram(new Uint8Array(DEFAULT_MAX_DATAGRAM_BYTES), meta).bytes).toHaveLength(2920);
    expect(() => fromNbiotDatagram(new Uint8Array(DEFAULT_MAX_DATAGRAM_BYTES + 1), meta, ppg)).toThrow(
      "field 'body', byte 1460: a body of 1461 bytes exceeds the limit of 1460 bytes",
    );
    expect(() => fromNbiotDatagram(body, meta, ppg, { maxBodyBytes: 8 })).toThrow(
      'a body of 13 bytes exceeds the limit of 8 bytes',
    );
  });

  it('checks the device id, counter and reception time of the meta', () => {
    const up = (m: unknown) => () => fromNbiotDatagram(body, m as never, ppg);
    for (const bad of ['xyz', '', 42, '3530343030303031ff', '490154203237519'])
      expect(up({ ...meta, devEui: bad })).toThrow("field 'devEui'");
    expect(up({ ...meta, devEui: '490154203237518' })().devEui).toBe('490154203237518');
    expect(up({ ...meta, devEui: 'ABCDEF0123456789' })().devEui).toBe('abcdef0123456789');
    for (const bad of [-1, 1.5, 2 ** 32, '7'])
      expect(up({ ...meta, fCnt: bad })).toThrow("field 'fCnt': expected an integer 0..4294967295");
    expect(up({ ...meta, fCnt: undefined })().fCnt).toBe(0);
    for (const bad of ['x', '2026-13-45T99:99:99Z', undefined])
      expect(up({ ...meta, receivedAt: bad })).toThrow("field 'receivedAt'");
    for (const bad of [null, undefined, 'meta']) expect(up(bad)).toThrow("field 'meta'");
  });
});

describe('hostile JSON (properties)', () => {
  const adapters = [
    ['TTS', fromTtsUplink, ttsMessage()],
    ['ChirpStack', fromChirpstackUp, chirpstackEvent()],
  ] as const;

  it.each(adapters)('%s: any JSON value or text gives an Uplink or a MurmurError', (_, ingest) => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, asText) => {
        const u = outcome(() => ingest(asText ? JSON.stringify(value) : value, ppg));
        if (u) expect(insaneFields(u)).toEqual([]);
      }),
      { seed: 51, numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        outcome(() => ingest(text, ppg));
      }),
      { seed: 52, numRuns: 2000 },
    );
  });

  it.each(adapters)(
    '%s: a valid message with fields replaced or deleted gives a sane Uplink or a MurmurError',
    (_, ingest, message) => {
      fc.assert(
        fc.property(mutatedMessage(message), fc.boolean(), (mutated, asText) => {
          const input = asText ? JSON.stringify(mutated) : mutated;
          const u = outcome(() => ingest(input, ppg));
          if (u) expect(insaneFields(u)).toEqual([]);
        }),
        { seed: 53, numRuns: 5000 },
      );
    },
  );

  it('accepts every in-range value of every checked field', () => {
    const ranges = fc.record({
      fCnt: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fPort: fc.integer({ min: 1, max: 223 }),
      time: fc
        .date({
          min: new Date('0000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString()),
      rssi: fc.double({ min: -200, max: 30, noNaN: true }),
      snr: fc.double({ min: -50, max: 50, noNaN: true }),
      sf: fc.integer({ min: 5, max: 12 }),
      gateways: fc.integer({ min: 0, max: 64 }),
      payload: fc.uint8Array({ maxLength: 242 }),
    });
    fc.assert(
      fc.property(ranges, (r) => {
        const rx = Array.from({ length: r.gateways }, (_, i) => ({
          gateway_ids: { gateway_id: `gw-${i}` },
          rssi: r.rssi,
          snr: r.snr,
        }));
        const up = {
          ...ttsMessage().uplink_message,
          f_cnt: r.fCnt,
          f_port: r.fPort,
          frm_payload: Buffer.from(r.payload).toString('base64'),
          rx_metadata: rx,
          settings: { data_rate: { lora: { spreading_factor: r.sf } } },
        };
        const u = fromTtsUplink({ ...ttsMessage(), received_at: r.time, uplink_message: up });
        expect(u).toMatchObject({ fCnt: r.fCnt, fPort: r.fPort, receivedAt: r.time, spreadingFactor: r.sf });
        expect(u.bytes).toBe(toHex(r.payload));
        const ev = {
          ...chirpstackEvent(),
          fCnt: r.fCnt,
          fPort: r.fPort,
          time: r.time,
          data: Buffer.from(r.payload).toString('base64'),
          rxInfo: rx.map((g, i) => ({ gatewayId: `gw-${i}`, rssi: g.rssi, snr: g.snr })),
          txInfo: { modulation: { lora: { spreadingFactor: r.sf } } },
        };
        expect(fromChirpstackUp(ev).gateways).toHaveLength(r.gateways);
      }),
      { seed: 54, numRuns: 1000 },
    );
  });
});

describe('hostile NB-IoT datagrams (properties)', () => {
  const bodies = ppgExamples.flatMap((e) => [encodeCborCompact(ppg, e.value), encodeSenml(ppg, e.value)]);
  const mutatedBody = fc
    .tuple(
      fc.constantFrom(...bodies),
      fc.nat(),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    )
    .map(([b, cut, edits]) => {
      const out = b.slice(0, cut % (b.length + 1));
      for (const [i, v] of edits) if (out.length > 0) out[i % out.length] = v;
      return out;
    });
  const body = fc.oneof(fc.uint8Array({ maxLength: 1600 }), mutatedBody, hostileValue);
  const meta = fc.oneof(
    fc.record({
      devEui: mostlyValid(fc.constantFrom('3530343030303031', '490154203237518')),
      fCnt: mostlyValid(fc.integer({ min: 0, max: 2 ** 32 - 1 })),
      receivedAt: mostlyValid(fc.constant('2026-05-01T10:00:00Z')),
    }),
    hostileValue,
  );

  it('every body and meta gives a sane Uplink or a MurmurError', () => {
    fc.assert(
      fc.property(body, meta, fc.boolean(), (b, m, withSchema) => {
        const u = outcome(() =>
          fromNbiotDatagram(b as Uint8Array, m as DatagramMeta, withSchema ? ppg : undefined),
        );
        if (u)
          expect(insaneFields(u, { maxPayloadBytes: DEFAULT_MAX_DATAGRAM_BYTES, otherPorts: [0] })).toEqual(
            [],
          );
      }),
      { seed: 55, numRuns: 5000 },
    );
  });
});
