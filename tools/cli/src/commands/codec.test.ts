import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { parse } from 'yaml';
import { capture, restoreAfterEach, run } from '../testing';

restoreAfterEach();

function withDir(test: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-codec-'));
    try {
      await test(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('murmur codec --target ttn-repo --vendor', () => {
  it(
    "writes the vendor submission tree for the app's default board and says what to replace and where it goes",
    withDir(async (dir) => {
      const io = capture();
      expect(
        await run(
          'codec',
          '--app',
          'wearable-activity',
          '--target',
          'ttn-repo',
          '--vendor',
          'acme',
          '--out',
          dir,
        ),
      ).toBe(0);
      expect(readdirSync(join(dir, 'vendor', 'acme')).sort()).toEqual([
        'index.yaml',
        'wearable-activity-codec.js',
        'wearable-activity-codec.yaml',
        'wearable-activity-profile-eu433.yaml',
        'wearable-activity-profile-eu868.yaml',
        'wearable-activity.png',
        'wearable-activity.yaml',
      ]);
      expect(parse(readFileSync(join(dir, 'vendor-index-entry.yaml'), 'utf8'))).toEqual({
        vendors: [{ id: 'acme', name: 'acme' }],
      });
      const device = parse(readFileSync(join(dir, 'vendor/acme/wearable-activity.yaml'), 'utf8'));
      expect(device).toMatchObject({
        name: 'Wearable activity',
        firmwareVersions: [
          { version: '1.0', profiles: { 'EU863-870': { codec: 'wearable-activity-codec' } } },
        ],
        sensors: ['accelerometer', 'battery'],
        photos: { main: 'wearable-activity.png' },
      });
      expect(device.description).toContain('Arduino Uno Rev3');
      const png = readFileSync(join(dir, 'vendor/acme/wearable-activity.png'));
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
      const ctx = vm.createContext({});
      vm.runInContext(readFileSync(join(dir, 'vendor/acme/wearable-activity-codec.js'), 'utf8'), ctx);
      expect(typeof ctx.decodeUplink).toBe('function');
      expect(io.out()).toContain(`to ${dir}`);
      expect(io.out()).toMatch(/note: vendor\/acme\/wearable-activity\.png is a placeholder: replace it/);
      expect(io.out()).toContain('vendor-index-entry.yaml under vendors: in its vendor/index.yaml');
      expect(io.out()).toContain('make validate VENDOR_ID=acme');
    }),
  );

  it(
    'takes the board, device id, versions and vendor name from its options',
    withDir(async (dir) => {
      capture();
      const args = ['--target', 'ttn-repo', '--vendor', 'acme', '--vendor-name', 'Acme Sensors B.V.'];
      expect(
        await run(
          'codec',
          '--app',
          'predictive-maintenance',
          ...args,
          '--board',
          'b-l072z-lrwan1',
          '--device',
          'bearing-monitor',
          '--device-name',
          'Bearing Monitor BM-1',
          '--firmware-version',
          '2.1.0',
          '--hardware-version',
          'rev-b',
          '--mac-version',
          '1.0.2',
          '--out',
          dir,
        ),
      ).toBe(0);
      const read = (f: string) => parse(readFileSync(join(dir, f), 'utf8'));
      expect(read('vendor/acme/bearing-monitor.yaml').name).toBe('Bearing Monitor BM-1');
      expect(read('vendor-index-entry.yaml').vendors[0].name).toBe('Acme Sensors B.V.');
      expect(read('vendor/acme/index.yaml').profileIDs['1']).toEqual({
        endDeviceID: 'bearing-monitor',
        firmwareVersion: '2.1.0',
        hardwareVersion: 'rev-b',
        region: 'EU863-870',
      });
      expect(read('vendor/acme/bearing-monitor-profile-us915.yaml')).toMatchObject({
        macVersion: '1.0.2',
        regionalParametersVersion: 'RP001-1.0.2-RevB',
        maxEIRP: 30,
      });
    }),
  );

  it(
    'refuses a board without LoRaWAN, a bad vendor id and options that belong to another target (exit 2)',
    withDir(async (dir) => {
      const io = capture();
      const codec = (...args: string[]) => run('codec', '--app', 'wearable-activity', '--out', dir, ...args);
      expect(await codec('--target', 'ttn-repo', '--vendor', 'acme', '--board', 'nrf9160-dk')).toBe(2);
      expect(io.err()).toMatch(/board 'nrf9160-dk' has no LoRaWAN radio/);
      expect(await codec('--target', 'ttn-repo', '--vendor', 'Acme Inc')).toBe(2);
      expect(io.err()).toMatch(/vendor id 'Acme Inc' is not a device-repository identifier/);
      expect(await codec('--target', 'ttn-repo', '--vendor', 'acme', '--board', 'nope')).toBe(2);
      expect(await codec('--target', 'ttn', '--vendor', 'acme')).toBe(2);
      expect(io.err()).toMatch(/--vendor applies to --target ttn-repo/);
      expect(await codec('--target', 'ttn-repo', '--board', 'rak4631')).toBe(2);
      expect(io.err()).toMatch(/--board applies to --target ttn-repo --vendor <id>/);
      expect(await codec('--target', 'ttn', '--warnings-in-data')).toBe(2);
      expect(io.err()).toMatch(/--warnings-in-data applies to --target chirpstack/);
      expect(readdirSync(dir)).toEqual([]);
    }),
  );
});

describe('murmur codec --target chirpstack', () => {
  it(
    'says that ChirpStack drops warnings, and with --warnings-in-data folds them into data.warnings',
    withDir(async (dir) => {
      const io = capture();
      expect(await run('codec', '--app', 'wearable-activity', '--target', 'chirpstack', '--out', dir)).toBe(
        0,
      );
      expect(io.out()).toMatch(/note: ChirpStack v4 keeps only data of decodeUplink .* --warnings-in-data/);
      const plain = readFileSync(join(dir, 'wearable-activity-codec.js'), 'utf8');
      expect(plain).not.toContain('data.warnings');
      const before = io.out().length;
      expect(
        await run(
          'codec',
          '--app',
          'wearable-activity',
          '--target',
          'chirpstack',
          '--warnings-in-data',
          '--out',
          dir,
        ),
      ).toBe(0);
      expect(io.out().slice(before)).not.toContain('note:');
      const ctx = vm.createContext({});
      vm.runInContext(readFileSync(join(dir, 'wearable-activity-codec.js'), 'utf8'), ctx);
      const r = vm.runInContext(
        'decodeUplink({ bytes: [0x52, 0x04, 0x08, 0x03, 0x92, 0xc7], fPort: 12 })',
        ctx,
      );
      expect(r.warnings).toEqual(['byte 5: padding bits are not zero']);
      expect(r.data.warnings).toEqual(r.warnings);
    }),
  );
});
