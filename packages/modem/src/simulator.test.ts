import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { fromNbiotDatagram, fromPhyPayload, fromTtsUplink } from '@murmur/lpwan';
import { encode, encodeCborCompact, toHex } from '@murmur/payload';
import { payloadExamples, payloadSchema } from '@murmur/wearable-activity';
import { describe, expect, it } from 'vitest';
import { TEST_DEVICE } from './network';
import { serveModem } from './server';
import { ModemSimulator, type ModemFault } from './simulator';
import type { CommandSet } from './command-sets';

const text = (bytes: Uint8Array[]): string => Buffer.concat(bytes).toString('latin1');

function simulator(commandSet: CommandSet, faults: ModemFault[] = []) {
  const out: Uint8Array[] = [];
  const sim = new ModemSimulator({ commandSet, faults, write: (b) => out.push(b) });
  const say = (s: string): string => {
    out.length = 0;
    sim.receive(Buffer.from(s, 'latin1'));
    return text(out);
  };
  return { sim, say };
}

const example = encode(payloadSchema, payloadExamples[0]!.value);
const hex = toHex(example).toUpperCase();

describe('answers like the modules', () => {
  it('RN2483', () => {
    const { sim, say } = simulator('rn2483');
    expect(say(`mac tx uncnf 12 ${hex}\r\n`)).toBe('ok\r\nmac_tx_ok\r\n');
    expect(say('mac tx uncnf 0 00\r\n')).toBe('invalid_param\r\n');
    expect(say('mac tx uncnf 12 0\r\n')).toBe('invalid_param\r\n');
    expect(sim.uplinks.map((u) => [u.fPort, toHex(u.payload)])).toEqual([[12, toHex(example)]]);
  });

  it('Wio-E5', () => {
    const { sim, say } = simulator('wio-e5');
    expect(say('AT+PORT=12\r\n')).toBe('+PORT: 12\r\n');
    expect(say(`AT+MSGHEX="${hex}"\r\n`)).toBe('+MSGHEX: Start\r\n+MSGHEX: Done\r\n');
    expect(sim.uplinks[0]!.fPort).toBe(12);
  });

  it('RAK3172 (RUI3)', () => {
    const { sim, say } = simulator('rak3172');
    expect(say(`AT+SEND=12:${hex}\r\n`)).toBe('OK\r\n+EVT:TX_DONE\r\n');
    expect(say('AT+SEND=12:\r\n')).toBe('AT_PARAM_ERROR\r\n');
    expect(say('AT+FOO\r\n')).toBe('AT_ERROR\r\n');
    expect(sim.uplinks).toHaveLength(1);
  });

  it('Murata with the MKR WAN firmware: CR-terminated replies, raw bytes after AT+UTX', () => {
    const { sim, say } = simulator('murata-cmwx1zzabz');
    expect(say('AT+PORT=12\r')).toBe('+OK\r');
    const raw = Buffer.concat([Buffer.from(`AT+UTX ${example.length}\r`), Buffer.from(example)]).toString(
      'latin1',
    );
    expect(say(raw)).toBe('+OK\r');
    expect(toHex(sim.uplinks[0]!.payload)).toBe(toHex(example));
  });

  it('BG96: socket open, prompt, datagram', () => {
    const { sim, say } = simulator('bg96');
    expect(say('AT+QISEND=0,3\r\n')).toBe('ERROR\r\n');
    expect(say('AT+QIOPEN=1,0,"UDP","127.0.0.1",5683,0,1\r\n')).toBe('OK\r\n+QIOPEN: 0,0\r\n');
    expect(say('AT+QIOPEN=1,0,"UDP","127.0.0.1",5683,0,1\r\n')).toBe('OK\r\n+QIOPEN: 0,563\r\n');
    expect(say('AT+QISEND=0,3\r\n')).toBe('> ');
    expect(say('\r\n\x01')).toBe('SEND OK\r\n');
    expect(sim.datagrams).toEqual([{ host: '127.0.0.1', port: 5683, body: Uint8Array.from([13, 10, 1]) }]);
  });

  it('injects faults one per uplink attempt', () => {
    const { sim, say } = simulator('rak3172', ['busy', 'silent', 'not-joined']);
    expect(say('AT+SEND=1:00\r\n')).toBe('AT_BUSY_ERROR\r\n');
    expect(say('AT+SEND=1:00\r\n')).toBe('');
    expect(say('AT+SEND=1:00\r\n')).toBe('AT_NO_NETWORK_JOINED\r\n');
    expect(say('AT+SEND=1:00\r\n')).toBe('OK\r\n+EVT:TX_DONE\r\n');
    expect(sim.uplinks).toHaveLength(1);
    const rn = simulator('rn2483', ['tx-failed', 'no-channel']);
    expect(rn.say('mac tx uncnf 1 00\r\n')).toBe('ok\r\nmac_err\r\n');
    expect(rn.say('mac tx uncnf 1 00\r\n')).toBe('no_free_ch\r\n');
    const bg = simulator('bg96', ['tx-failed']);
    bg.say('AT+QIOPEN=1,0,"UDP","h",1,0,1\r\n');
    bg.say('AT+QISEND=0,1\r\n');
    expect(bg.say('x')).toBe('SEND FAIL\r\n');
  });
});

describe('LoRaWAN frames and The Things Stack messages', () => {
  it('frames each uplink with ABP keys and an incrementing FCnt, and delivers TTS JSON that decodes', () => {
    const { sim, say } = simulator('rak3172');
    for (const { value } of payloadExamples) say(`AT+SEND=12:${toHex(encode(payloadSchema, value))}\r\n`);
    expect(sim.uplinks.map((u) => u.fCnt)).toEqual(payloadExamples.map((_, i) => i));
    let last: number | undefined;
    sim.uplinks.forEach((uplink, i) => {
      expect(uplink.phyPayload.length).toBe(13 + uplink.payload.length);
      const heard = fromPhyPayload(
        uplink.phyPayload,
        { ...TEST_DEVICE },
        { lastFCnt: last, schema: payloadSchema },
      );
      last = heard.fCnt;
      expect(heard.data).toEqual(payloadExamples[i]!.value);
      const tts = fromTtsUplink(JSON.stringify(uplink.tts), payloadSchema);
      expect(tts.errors).toEqual([]);
      expect(tts.data).toEqual(payloadExamples[i]!.value);
      expect(tts.fPort).toBe(12);
      expect(tts.fCnt).toBe(i);
      expect(tts.devEui).toBe(TEST_DEVICE.devEui.toLowerCase());
      expect(tts.spreadingFactor).toBe(9);
    });
    const first = sim.uplinks[0]!.tts as { uplink_message: Record<string, unknown> };
    expect(first.uplink_message.f_cnt).toBeUndefined();
    expect(first.uplink_message.consumed_airtime).toMatch(/^0\.\d{6}s$/);
  });

  it('the MIC does not verify with another key', () => {
    const { sim, say } = simulator('rak3172');
    say('AT+SEND=1:0102\r\n');
    expect(() =>
      fromPhyPayload(sim.uplinks[0]!.phyPayload, { ...TEST_DEVICE, nwkSKey: '00'.repeat(16) }),
    ).toThrow(/MIC/);
  });
});

describe('over loopback sockets', () => {
  it('serves the simulator on TCP and forwards BG96 datagrams as UDP that decode as NB-IoT CBOR', async () => {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const udpPort = udp.address().port;
    const received = new Promise<Buffer>((resolve) => udp.once('message', (m) => resolve(m)));
    const served = await serveModem({ commandSet: 'bg96', forwardUdp: true });
    const body = encodeCborCompact(payloadSchema, payloadExamples[1]!.value);
    const socket = connect(served.port, '127.0.0.1');
    const replies: string[] = [];
    socket.on('data', (d) => replies.push(d.toString('latin1')));
    socket.write(`AT+QIOPEN=1,0,"UDP","127.0.0.1",${udpPort},0,1\r\nAT+QISEND=0,${body.length}\r\n`);
    socket.write(body);
    const datagram = await received;
    const uplink = fromNbiotDatagram(
      datagram,
      { devEui: TEST_DEVICE.devEui, receivedAt: '2026-01-01T00:00:00Z' },
      payloadSchema,
    );
    expect(uplink.data).toEqual(payloadExamples[1]!.value);
    socket.destroy();
    udp.close();
    await served.close();
    expect(replies.join('')).toContain('SEND OK');
    expect(served.traffic.fromDevice).toBeGreaterThan(body.length);
  });
});
