import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBoard } from '@murmur/boards';
import { createRng } from '@murmur/core';
import { fromNbiotDatagram, fromTtsUplink } from '@murmur/lpwan';
import {
  decode,
  decodeCborCompact,
  encode,
  encodeCborCompact,
  generateC,
  payloadRuntimeDir,
  payloadRuntimeSource,
  toHex,
} from '@murmur/payload';
import { payloadExamples, payloadSchema } from '@murmur/wearable-activity';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildUplinkFirmware, randomValues, runWithModem, uplinkMessagesC } from './chain';
import { COMMAND_SETS, isCommandSet, linkOf } from './command-sets';
import { TEST_DEVICE } from './network';

const schema = payloadSchema;
const values: Record<string, unknown>[] = [
  ...payloadExamples.map((e) => e.value as Record<string, unknown>),
  ...randomValues(schema, createRng('modem-chain'), 10),
];
const outDir = (): string => mkdtempSync(join(tmpdir(), 'murmur-chain-'));
type Value = Parameters<typeof encode<typeof schema>>[1];

/** What the TS reference decodes from the TS encoder's bytes. */
const reference = (value: Record<string, unknown>) =>
  decode(schema, encode(schema, value as Value), schema.fPort).data;
const cborReference = (value: Record<string, unknown>) =>
  decodeCborCompact(schema, encodeCborCompact(schema, value as Value)).data;

function boardCommandSet(id: string) {
  const board = getBoard(id);
  const set = 'commandSet' in board.radio ? board.radio.commandSet : undefined;
  if (!set || !isCommandSet(set)) throw new Error(`board ${id} has no AT command set`);
  return { board, set };
}

describe('emulated firmware → AT modem → LoRaWAN frame → TTS JSON → decoded values', () => {
  it('qemu-mps2-an386-rak3172: every uplink decodes to the TS reference, through a 2 s timeout and a busy reply', async () => {
    const { board, set } = boardCommandSet('qemu-mps2-an386-rak3172');
    expect(set).toBe('rak3172');
    const image = await buildUplinkFirmware({
      board,
      commandSet: set,
      messages: { schema, values },
      outDir: outDir(),
      timeoutLimitMs: 2000,
    });
    const started = performance.now();
    const run = await runWithModem({ board, elf: image.elf, commandSet: set, faults: ['silent', 'busy'] });
    // The silent reply costs the firmware's 2 s timeout on its TIMER1 clock (real time under QEMU).
    expect(performance.now() - started).toBeGreaterThan(2000);
    expect(run.lines.filter((l) => l.startsWith('uplink'))).toEqual(
      values.map((_, i) => `uplink ${i} ok ${schema.size}`),
    );
    expect(run.lines.at(-1)).toMatch(/^modem rak3172 retries=2 ignored=0 /);
    expect(run.exitCode).toBe(0);
    expect(run.uplinks).toHaveLength(values.length);
    run.uplinks.forEach((uplink, i) => {
      expect(toHex(uplink.payload)).toBe(toHex(encode(schema, values[i] as Value)));
      const heard = fromTtsUplink(JSON.stringify(uplink.tts), schema);
      expect(heard.errors).toEqual([]);
      expect(heard.fCnt).toBe(i);
      expect(heard.fPort).toBe(schema.fPort);
      expect(heard.devEui).toBe(TEST_DEVICE.devEui.toLowerCase());
      expect(heard.data).toEqual(reference(values[i]!));
    });
  });

  it('nucleo-l476rg-bg96 (on its AN386 proxy): every CBOR datagram decodes to the TS reference', async () => {
    const { board, set } = boardCommandSet('nucleo-l476rg-bg96');
    expect(set).toBe('bg96');
    const image = await buildUplinkFirmware({
      board,
      commandSet: set,
      messages: { schema, values },
      outDir: outDir(),
    });
    const run = await runWithModem({ board, elf: image.elf, commandSet: set, faults: ['tx-failed'] });
    expect(run.exitCode).toBe(0);
    expect(run.commands.filter((c) => c.startsWith('AT+QIOPEN'))).toEqual([
      'AT+QIOPEN=1,0,"UDP","127.0.0.1",5683,0,1',
    ]);
    expect(run.datagrams).toHaveLength(values.length);
    run.datagrams.forEach((datagram, i) => {
      expect(toHex(datagram.body)).toBe(toHex(encodeCborCompact(schema, values[i] as Value)));
      const heard = fromNbiotDatagram(
        datagram.body,
        { devEui: TEST_DEVICE.devEui, receivedAt: '2026-01-01T00:00:00Z' },
        schema,
      );
      expect(heard.errors).toEqual([]);
      expect(heard.data).toEqual(cborReference(values[i]!));
    });
  });
  it('arduino-mkr-wan-1310 (on its micro:bit proxy, Cortex-M0): the Murata AT firmware path decodes too', async () => {
    const { board, set } = boardCommandSet('arduino-mkr-wan-1310');
    expect(set).toBe('murata-cmwx1zzabz');
    const image = await buildUplinkFirmware({
      board,
      commandSet: set,
      messages: { schema, values },
      outDir: outDir(),
    });
    const run = await runWithModem({ board, elf: image.elf, commandSet: set, faults: ['not-joined'] });
    expect(run.lines[0]).toBe(`uplink 0 not joined ${schema.size}`);
    expect(run.exitCode).toBe(1);
    expect(run.uplinks).toHaveLength(values.length - 1);
    run.uplinks.forEach((uplink, i) => {
      const heard = fromTtsUplink(JSON.stringify(uplink.tts), schema);
      expect(heard.data).toEqual(reference(values[i + 1]!));
    });
  });
});

describe('the same firmware on the host (ASan/UBSan) for every command set, through a busy reply', () => {
  const board = getBoard('native');
  let elf: string;
  beforeAll(async () => {
    // The messages as the caller's own C sources (the seam an app library plugs into).
    const own = outDir();
    const encoder = generateC(schema);
    writeFileSync(join(own, `${encoder.baseName}.h`), encoder.header);
    writeFileSync(join(own, `${encoder.baseName}.c`), encoder.source);
    writeFileSync(join(own, 'messages.c'), uplinkMessagesC(schema, values));
    const sources = [join(own, `${encoder.baseName}.c`), payloadRuntimeSource, join(own, 'messages.c')];
    const image = await buildUplinkFirmware({
      board,
      messages: { sources, includeDirs: [own, payloadRuntimeDir] },
      outDir: outDir(),
      sanitize: true,
    });
    elf = image.elf;
  });

  it.each(COMMAND_SETS)(
    '%s',
    async (set) => {
      const cbor = linkOf(set) === 'udp';
      const run = await runWithModem({ board, elf, commandSet: set, faults: ['busy'] });
      expect(run.exitCode).toBe(0);
      expect(run.lines.at(-1)).toMatch(new RegExp(`^modem ${set} retries=1 `));
      const delivered = cbor ? run.datagrams.map((d) => d.body) : run.uplinks.map((u) => u.payload);
      expect(delivered.map(toHex)).toEqual(
        values.map((v) => toHex(cbor ? encodeCborCompact(schema, v as Value) : encode(schema, v as Value))),
      );
      if (!cbor) {
        run.uplinks.forEach((uplink, i) => {
          expect(fromTtsUplink(uplink.tts, schema).data).toEqual(reference(values[i]!));
        });
      }
    },
    30_000,
  );
});
