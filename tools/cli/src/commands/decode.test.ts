import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as acorn from 'acorn';
import { buildPhyPayload } from '@murmur/lpwan';
import { encode, toHex } from '@murmur/payload';
import { payloadSchema as ppg, payloadExamples as ppgExamples } from '@murmur/ppg-triage';
import { capture, restoreAfterEach, run } from '../testing';

restoreAfterEach();

const hex = toHex(encode(ppg, ppgExamples[0]!.value));
const session = { nwkSKey: '2b7e151628aed2a6abf7158809cf4f3c', appSKey: '000102030405060708090a0b0c0d0e0f' };

describe('murmur decode / encode / codec / airtime', () => {
  it('decodes hex + fPort to the TS013 result; exit 1 on errors, 2 on an unknown app', async () => {
    const io = capture();
    expect(await run('decode', '--app', 'ppg-triage', '--fport', '14', hex)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ data: ppgExamples[0]!.value, warnings: [], errors: [] });
    const before = io.out().length;
    expect(await run('decode', '--app', 'ppg-triage', '--fport', '14', hex.slice(0, 4))).toBe(1);
    expect(JSON.parse(io.out().slice(before)).errors[0]).toMatch(/truncated/);
    expect(await run('decode', '--app', 'nope', '--fport', '14', hex)).toBe(2);
    expect(io.err()).toContain('(apps: ppg-triage, predictive-maintenance, wearable-activity)');
  });

  it('encodes JSON to hex and fPort', async () => {
    const io = capture();
    expect(await run('encode', '--app', 'ppg-triage', JSON.stringify(ppgExamples[0]!.value))).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ hex, fPort: 14, bytes: 5 });
    expect(await run('encode', '--app', 'ppg-triage', '{"breathing":"normal"}')).toBe(1);
    expect(io.err()).toMatch(/field 'rr_bpm': missing/);
  });

  it('refuses a message file over 64 KiB before reading it, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-cli-'));
    try {
      const big = join(dir, 'big.json');
      writeFileSync(big, `{"pad":"${'x'.repeat(70_000)}"}`);
      const io = capture();
      expect(await run('decode', '--app', 'ppg-triage', '--ttn', big)).toBe(1);
      expect(io.err()).toMatch(/big\.json.*70010 bytes, more than a message may hold \(65536\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes TTS and ChirpStack JSON files and raw PHYPayloads to the Uplink record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-cli-'));
    try {
      const data = Buffer.from(hex, 'hex').toString('base64');
      const tts = join(dir, 'tts.json');
      writeFileSync(
        tts,
        JSON.stringify({
          end_device_ids: { device_id: 'd', dev_eui: '70B3D57ED0000001' },
          received_at: '2026-05-01T10:00:00Z',
          uplink_message: {
            f_port: 14,
            frm_payload: data,
            rx_metadata: [{ gateway_ids: { gateway_id: 'gw' }, rssi: -90, snr: 7 }],
          },
        }),
      );
      const cs = join(dir, 'cs.json');
      writeFileSync(
        cs,
        JSON.stringify({
          time: '2026-05-01T10:00:00Z',
          deviceInfo: { devEui: '70b3d57ed0000001' },
          fCnt: 3,
          fPort: 14,
          data,
        }),
      );
      const io = capture();
      expect(await run('decode', '--app', 'ppg-triage', '--ttn', tts)).toBe(0);
      expect(JSON.parse(io.out())).toMatchObject({
        devEui: '70b3d57ed0000001',
        fCnt: 0,
        rssi: -90,
        data: ppgExamples[0]!.value,
      });
      let before = io.out().length;
      expect(await run('decode', '--app', 'ppg-triage', '--chirpstack', cs)).toBe(0);
      expect(JSON.parse(io.out().slice(before))).toMatchObject({ fCnt: 3, data: ppgExamples[0]!.value });
      writeFileSync(cs, JSON.stringify({ time: 't', deviceInfo: { devEui: '70b3d57ed0000001' }, data }));
      expect(await run('decode', '--app', 'ppg-triage', '--chirpstack', cs)).toBe(1);
      expect(io.err()).toContain("field 'fPort': missing");

      const phy = toHex(
        buildPhyPayload(
          { devAddr: '260b1234', fCnt: 0x10001, fPort: 14, payload: Buffer.from(hex, 'hex') },
          session,
        ),
      );
      const keys = ['--nwkskey', session.nwkSKey, '--appskey', session.appSKey];
      before = io.out().length;
      expect(await run('decode', '--app', 'ppg-triage', '--phy', phy, ...keys, '--fcnt-last', '65535')).toBe(
        0,
      );
      expect(JSON.parse(io.out().slice(before))).toMatchObject({
        fCnt: 0x10001,
        data: ppgExamples[0]!.value,
      });
      expect(await run('decode', '--app', 'ppg-triage', '--phy', phy, ...keys, '--fcnt-last', '65537')).toBe(
        1,
      );
      expect(io.err()).toMatch(/replay/);
      expect(
        await run(
          'decode',
          '--app',
          'ppg-triage',
          '--phy',
          phy,
          '--nwkskey',
          session.appSKey,
          '--appskey',
          session.appSKey,
          '--fcnt-last',
          '65535',
        ),
      ).toBe(1);
      expect(io.err()).toMatch(/MIC check failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes codec files for every target', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-codec-'));
    try {
      const io = capture();
      expect(
        await run('codec', '--app', 'predictive-maintenance', '--target', 'ttn-repo', '--out', dir),
      ).toBe(0);
      expect(io.out()).toContain(`to ${dir}`);
      expect(readdirSync(dir).sort()).toEqual([
        'predictive-maintenance-codec.js',
        'predictive-maintenance-codec.yaml',
      ]);
      const js = readFileSync(join(dir, 'predictive-maintenance-codec.js'), 'utf8');
      expect(() => acorn.parse(js, { ecmaVersion: 5 })).not.toThrow();
      expect(await run('codec', '--app', 'wearable-activity', '--target', 'c', '--out', dir)).toBe(0);
      expect(readdirSync(dir)).toEqual(
        expect.arrayContaining(['murmur_wearable_activity.h', 'murmur_payload.c']),
      );
      expect(await run('codec', '--app', 'wearable-activity', '--target', 'nope', '--out', dir)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints airtime, uplinks per day and fitting data rates', async () => {
    const io = capture();
    expect(await run('airtime', '--bytes', '51', '--sf', '12')).toBe(0);
    const r = JSON.parse(io.out());
    expect(r.airtimeMs).toBeCloseTo(2793.472, 3);
    expect(r.maxUplinksPerDay).toEqual({ dutyCycle1Percent: 309, ttnFairUse: 10 });
    expect(r.dataRates.map((d: { dr: number }) => d.dr)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await run('airtime', '--bytes', '12', '--sf', '10', '--region', 'US915')).toBe(0);
    expect(await run('airtime', '--bytes', '12', '--sf', '13')).toBe(2);
    expect(await run('airtime', '--bytes', '12', '--sf', '7', '--region', 'MARS')).toBe(2);
  });
});
