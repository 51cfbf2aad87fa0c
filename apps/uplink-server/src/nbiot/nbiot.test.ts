import { createSocket, type Socket } from 'node:dgram';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { encodeCborCompact, encodeDownlink, encodeSenml } from '@murmur/payload';
import {
  predictiveMaintenance,
  predictiveMaintenanceExamples,
  ppgTriage,
  ppgTriageExamples,
  wearableActivity,
  wearableActivityExamples,
} from '@murmur/payload/fixtures';
import { startServer, type RunningServer } from '../server';
import type { Store } from '../store';
import { rows, tempPgliteStore, testCatalog, testConfig, until } from '../testing';
import {
  nbiotAck,
  nbiotDatagram,
  nbiotDownlink,
  readNbiotAck,
  readNbiotDatagram,
  readNbiotDownlink,
  NBIOT_HEADER_BYTES,
} from './framing';
import { resolveUdpConfig } from './config';
import { cborVersion, readNbiotUplink } from './udp';

const IMEI = '490154203237518';
const EUI = '70b3d57ed00000aa';
const ppgBody = (i = 0): Uint8Array => encodeCborCompact(ppgTriage, ppgTriageExamples[i]!.value);

describe('NB-IoT framing', () => {
  it('carries an EUI-64 or an IMEI, the sequence and the fPort before the CBOR body', () => {
    const body = ppgBody();
    const d = nbiotDatagram({ devEui: IMEI, sequence: 0x01020304, fPort: 14, body });
    expect([...d.subarray(0, NBIOT_HEADER_BYTES)]).toEqual([
      0x02, 0x00, 0x01, 0xbd, 0xca, 0xeb, 0x2b, 0x4c, 0x8e, 0x01, 0x02, 0x03, 0x04, 14,
    ]);
    const r = readNbiotDatagram(d);
    expect({ ...r, body: [...r.body] }).toEqual({
      devEui: IMEI,
      sequence: 0x01020304,
      fPort: 14,
      body: [...body],
    });
    const e = nbiotDatagram({ devEui: EUI.toUpperCase(), sequence: 0xffffffff, fPort: 12, body });
    expect(e[0]).toBe(0x01);
    expect(readNbiotDatagram(e)).toMatchObject({ devEui: EUI, sequence: 0xffffffff, fPort: 12 });
  });

  it('answers with the first 13 bytes and a status, never more bytes than it got', () => {
    const d = nbiotDatagram({ devEui: IMEI, sequence: 9, fPort: 14, body: ppgBody() });
    const ack = nbiotAck(d, 'duplicate');
    expect(ack.length).toBe(NBIOT_HEADER_BYTES);
    expect([...ack.subarray(0, 13)]).toEqual([...d.subarray(0, 13)]);
    expect(readNbiotAck(ack)).toEqual({ devEui: IMEI, sequence: 9, status: 'duplicate' });
    expect(readNbiotAck(nbiotAck(d, 'stored'))!.status).toBe('stored');
    expect(readNbiotAck(new Uint8Array(3))).toBeUndefined();
  });

  it('frames a downlink like an uplink with the top bit of byte 0 set, never mistaken for an ack', () => {
    const d = nbiotDownlink({ devEui: IMEI, sequence: 3, fPort: 11, body: new Uint8Array([0x81, 0x00]) });
    expect(d[0]).toBe(0x82);
    expect(d.length).toBe(NBIOT_HEADER_BYTES + 2);
    const r = readNbiotDownlink(d)!;
    expect({ ...r, body: [...r.body] }).toEqual({ devEui: IMEI, sequence: 3, fPort: 11, body: [0x81, 0x00] });
    expect(readNbiotAck(d)).toBeUndefined();
    expect(
      readNbiotDownlink(
        nbiotAck(nbiotDatagram({ devEui: EUI, sequence: 3, fPort: 10, body: ppgBody() }), 'stored'),
      ),
    ).toBeUndefined();
  });

  it('names the field of a malformed header, and reads any bytes without another exception', () => {
    expect(() => readNbiotDatagram(new Uint8Array(5))).toThrow("field 'header', byte 5");
    const bad = nbiotDatagram({ devEui: EUI, sequence: 1, fPort: 14, body: new Uint8Array(0) });
    bad[0] = 7;
    expect(() => readNbiotDatagram(bad)).toThrow("field 'kind', byte 0: id kind 0x07");
    bad[0] = 2;
    bad.fill(0xff, 1, 9);
    expect(() => readNbiotDatagram(bad)).toThrow("field 'id'");
    for (const fPort of [0, 224])
      expect(() =>
        readNbiotUplink(nbiotDatagram({ devEui: EUI, sequence: 1, fPort, body: ppgBody() }), {
          maxBodyBytes: 1460,
        }),
      ).toThrow("field 'fPort', byte 13");
    const long = nbiotDatagram({ devEui: EUI, sequence: 1, fPort: 14, body: new Uint8Array(1461) });
    expect(() => readNbiotUplink(long, { maxBodyBytes: 1460 })).toThrow('exceeds the limit of 1460 bytes');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const { key } = readNbiotUplink(bytes, { maxBodyBytes: 1460, receivedAt: '2026-05-01T10:00:00Z' });
          return key.length > 0;
        } catch (err) {
          return err instanceof MurmurError;
        }
      }),
      { seed: 20260501, numRuns: 5000 },
    );
  });

  it("is received where --udp or the config file's udp says, on the server's address by default", () => {
    expect(resolveUdpConfig(undefined, undefined, '0.0.0.0')).toBeUndefined();
    expect(resolveUdpConfig(undefined, 5683, '127.0.0.1')).toEqual({
      port: 5683,
      host: '127.0.0.1',
      maxBodyBytes: 1460,
      downlinkWindowSeconds: 30,
    });
    expect(resolveUdpConfig({ port: 1, host: '::', maxBodyBytes: 512 }, 5684, '0.0.0.0')).toEqual({
      port: 5684,
      host: '::',
      maxBodyBytes: 512,
      downlinkWindowSeconds: 30,
    });
    expect(() => resolveUdpConfig({ host: '::' }, undefined, '0.0.0.0', 'server.json')).toThrow(
      "field 'udp.port'",
    );
  });

  it('reads the version of the compact array, none of a SenML pack', () => {
    expect(cborVersion(ppgBody())).toBe(ppgTriage.version);
    expect(cborVersion(encodeSenml(ppgTriage, ppgTriageExamples[0]!.value))).toBeNull();
    expect(cborVersion(new Uint8Array([0x82]))).toBeNull();
  });
});

describe('NB-IoT over UDP', () => {
  let db: Awaited<ReturnType<typeof tempPgliteStore>>;
  let device: Socket;
  const answers: Uint8Array[] = [];
  beforeAll(async () => {
    db = await tempPgliteStore();
    device = createSocket('udp4');
    device.on('message', (m) => answers.push(new Uint8Array(m)));
    await new Promise<void>((r) => device.bind(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    device.close();
    await db.close();
  });
  beforeEach(async () => {
    answers.length = 0;
    await db.reset();
  });

  async function start(store: Store = db.store): Promise<RunningServer> {
    return startServer({
      config: testConfig(db.dir, { udp: 0, queue: { delayMs: 2 } }),
      store,
      catalog: await testCatalog(),
      logger: false,
    });
  }

  const send = (server: RunningServer, datagram: Uint8Array): void =>
    device.send(datagram, server.transports.udp!.port, '127.0.0.1');

  const statuses = () =>
    answers.map((a) => readNbiotAck(a)).map((a) => a && `${a.devEui}:${a.sequence}:${a.status}`);

  it('stores each datagram once per (device, sequence), decoded with the app of its fPort, and acks it', async () => {
    const server = await start();
    const wearable = encodeSenml(wearableActivity, wearableActivityExamples[1]!.value);
    send(server, nbiotDatagram({ devEui: IMEI, sequence: 1, fPort: 14, body: ppgBody(1) }));
    await until(() => answers.length === 1);
    send(server, nbiotDatagram({ devEui: EUI, sequence: 1, fPort: wearableActivity.fPort, body: wearable }));
    await until(() => answers.length === 2);
    send(server, nbiotDatagram({ devEui: IMEI, sequence: 1, fPort: 14, body: ppgBody(1) })); // a retry
    await until(() => answers.length === 3);
    send(
      server,
      nbiotDatagram({
        devEui: IMEI,
        sequence: 2,
        fPort: 14,
        body: encodeSenml(ppgTriage, ppgTriageExamples[0]!.value),
      }),
    );
    await until(() => answers.length === 4);
    expect(statuses()).toEqual([
      `${IMEI}:1:stored`,
      `${EUI}:1:stored`,
      `${IMEI}:1:duplicate`,
      `${IMEI}:2:stored`,
    ]);
    const stored = await rows(
      db.store,
      'SELECT network, dedup_key, dev_eui, app, f_port, f_cnt, schema_version, data, errors FROM uplinks ORDER BY id',
    );
    expect(stored).toEqual([
      {
        network: 'nbiot',
        dedup_key: `${IMEI}:1`,
        dev_eui: IMEI,
        app: 'ppg-triage',
        f_port: 14,
        f_cnt: 1,
        schema_version: ppgTriage.version,
        data: ppgTriageExamples[1]!.value,
        errors: [],
      },
      expect.objectContaining({
        dedup_key: `${EUI}:1`,
        app: 'wearable-activity',
        schema_version: null,
        data: wearableActivityExamples[1]!.value,
      }),
      expect.objectContaining({ dedup_key: `${IMEI}:2`, data: ppgTriageExamples[0]!.value, errors: [] }),
    ]);
    await server.close();
  });

  it('acks a malformed datagram as refused, and answers nothing while it cannot store', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const store = Object.create(db.store) as Store;
    store.commit = async (uplinks) => (await gate, db.store.commit(uplinks));
    const server = startServer({
      config: testConfig(db.dir, { udp: 0, queue: { delayMs: 2, maxDepth: 1 } }),
      store,
      catalog: await testCatalog(),
      logger: false,
    });
    const s = await server;
    const bad = nbiotDatagram({ devEui: IMEI, sequence: 3, fPort: 14, body: ppgBody() });
    bad[0] = 9;
    send(s, bad);
    await until(() => answers.length === 1);
    expect(answers[0]![13]).toBe(0x02);
    send(s, nbiotDatagram({ devEui: IMEI, sequence: 4, fPort: 14, body: ppgBody() }));
    await until(() => s.context.ingestor.queue.depth === 1);
    // The queue is full: this one is not answered, and the device sends it again later.
    send(s, nbiotDatagram({ devEui: IMEI, sequence: 5, fPort: 14, body: ppgBody() }));
    await until(() => /murmur_udp_datagrams_total\{result="unanswered"\} 1/.test(s.context.metrics.render()));
    open();
    await until(() => answers.length === 2);
    send(s, nbiotDatagram({ devEui: IMEI, sequence: 5, fPort: 14, body: ppgBody() }));
    await until(() => answers.length === 3);
    expect(statuses().slice(1)).toEqual([`${IMEI}:4:stored`, `${IMEI}:5:stored`]);
    await s.close();
  });
  it('sends a downlink back to where the latest datagram came from, while that is recent; else 409', async () => {
    const server = await start();
    const pmBody = encodeCborCompact(predictiveMaintenance, predictiveMaintenanceExamples[0]!.value);
    const commission = { restart_baseline: true, uplink_period_min: 0 };
    const post = (to: RunningServer) =>
      fetch(`${to.url}/v1/devices/${IMEI}/downlinks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(commission),
      });
    send(
      server,
      nbiotDatagram({ devEui: IMEI, sequence: 1, fPort: predictiveMaintenance.fPort, body: pmBody }),
    );
    await until(() => answers.length === 1);
    const res = await post(server);
    expect(res.status).toBe(201);
    const record = (await res.json()) as Record<string, unknown>;
    expect(record).toMatchObject({
      network: 'nbiot',
      status: 'sent',
      fPort: 11,
      target: `udp://127.0.0.1:${device.address().port}`,
    });
    await until(() => answers.length === 2);
    const got = readNbiotDownlink(answers[1]!)!;
    expect({ ...got, body: [...got.body] }).toEqual({
      devEui: IMEI,
      sequence: record.id,
      fPort: 11,
      body: [...encodeDownlink(predictiveMaintenance, commission)],
    });
    // A server that has not received a datagram from the device since it started cannot reach it.
    await server.close();
    const again = await start();
    const refused = await post(again);
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: string; message: string };
    expect(body.error).toBe('not_reachable');
    expect(body.message).toContain('udp.downlinkWindowSeconds');
    await again.close();
  });
});
