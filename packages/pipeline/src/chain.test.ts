import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import { generateAppLibrary } from '@murmur/codegen';
import { appLibraryOptions, CHECK_BATTERY_PCT, referenceRun } from '@murmur/verify';
import { loadDataset, splitBySubject } from '@murmur/datasets';
import { fromNbiotDatagram, fromTtsUplink } from '@murmur/lpwan';
import { buildUplinkFirmware, runWithModem, TEST_DEVICE } from '@murmur/modem';
import { decode, decodeCborCompact, encodeCborCompact, toHex } from '@murmur/payload';
import { loadApp } from '@murmur/app';
import { recordedStream } from './recorded';
import { recordedUplinkMessagesC } from './chain';
import { writeLibrary } from './build';
import { testData } from '@murmur/datasets/testing';

const data = testData('wearable-activity');
const WINDOWS_PER_UPLINK = 4;
const UPLINKS = 5;

/**
 * The whole chain once: recorded windows of held-out subjects → the app's generated library in the
 * emulated firmware → AT modem transport on the UART → modem simulator → LoRaWAN frame (lora-packet) →
 * The Things Stack JSON, or a BG96 UDP datagram with CBOR → @murmur/lpwan → the values of the TS reference.
 */
async function chain(boardId: string, commandSet: 'rak3172' | 'bg96') {
  const app = await loadApp('wearable-activity');
  const board = getBoard(boardId);
  const options = appLibraryOptions(app);
  const lib = generateAppLibrary({ ...options, board });
  const dir = mkdtempSync(join(tmpdir(), 'app-chain-'));
  writeLibrary(lib, join(dir, 'lib'));
  const recordings = await loadDataset(app.features.dataset, { dataDir: data.dataDir });
  const subjects = splitBySubject(
    recordings.map((r) => r.subject),
    { seed: 'chain', validation: 0, test: 0.2 },
  ).test;
  const stream = recordedStream(app, recordings, subjects, WINDOWS_PER_UPLINK * UPLINKS);
  expect(stream.windows).toBe(WINDOWS_PER_UPLINK * UPLINKS);
  const messages = join(dir, 'uplink_messages.c');
  writeFileSync(
    messages,
    recordedUplinkMessagesC(lib, stream.frames, WINDOWS_PER_UPLINK, UPLINKS, CHECK_BATTERY_PCT),
  );
  const image = await buildUplinkFirmware({
    board,
    commandSet,
    messages: {
      sources: [...lib.sources.map((f) => join(dir, 'lib', f)), messages],
      includeDirs: [join(dir, 'lib', 'src')],
    },
    outDir: dir,
  });
  const run = await runWithModem({ board, elf: image.elf, commandSet });
  const reference = referenceRun(options, lib, {
    windows: WINDOWS_PER_UPLINK * UPLINKS,
    period: WINDOWS_PER_UPLINK,
    frames: stream.frames,
  }).uplinks.map((hex) => Buffer.from(hex, 'hex'));
  return { app, run, reference };
}

describe.skipIf(data.skip)(
  data.title('recorded windows → app firmware → AT modem → network → decoded values'),
  () => {
    it('qemu-mps2-an386-rak3172: every LoRaWAN uplink decodes from TTS JSON to the TS reference values', async () => {
      const { app, run, reference } = await chain('qemu-mps2-an386-rak3172', 'rak3172');
      expect(run.exitCode).toBe(0);
      expect(run.uplinks).toHaveLength(UPLINKS);
      run.uplinks.forEach((uplink, i) => {
        expect(toHex(uplink.payload)).toBe(toHex(reference[i]!));
        const heard = fromTtsUplink(JSON.stringify(uplink.tts), app.payload);
        expect(heard.errors).toEqual([]);
        expect(heard.fCnt).toBe(i);
        expect(heard.data).toEqual(decode(app.payload, reference[i]!, app.payload.fPort).data);
      });
    }, 120_000);

    it('nucleo-l476rg-bg96 (on its Cortex-M4 proxy): every NB-IoT CBOR datagram decodes to the TS reference values', async () => {
      const { app, run, reference } = await chain('nucleo-l476rg-bg96', 'bg96');
      expect(run.exitCode).toBe(0);
      expect(run.datagrams).toHaveLength(UPLINKS);
      run.datagrams.forEach((datagram, i) => {
        const expected = decode(app.payload, reference[i]!, app.payload.fPort).data;
        expect(toHex(datagram.body)).toBe(toHex(encodeCborCompact(app.payload, expected as never)));
        const heard = fromNbiotDatagram(
          datagram.body,
          { devEui: TEST_DEVICE.devEui, receivedAt: '2026-01-01T00:00:00Z' },
          app.payload,
        );
        expect(heard.errors).toEqual([]);
        expect(heard.data).toEqual(decodeCborCompact(app.payload, datagram.body).data);
        expect(heard.data).toEqual(expected);
      });
    }, 120_000);
  },
);
