/**
 * The vendor submission tree against The Things Network device repository's own rules: its JSON schemas
 * (vendored in testdata/lorawan-devices, validated with Ajv as its bin/validate.js does), the cross-file checks
 * of that script (listed vendor folders, lower-case existing files, hardware versions, profiles without
 * vendorProfileID, device names without the vendor id, photos that decode within 2000 x 2000), its example
 * replay (every codec example run in a fresh context, input and output passed as JSON, deep-equal), and its
 * CI's `prettier --check "vendor/**\/*.yaml"` under its .prettierrc.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as prettier from 'prettier';
import { parse } from 'yaml';
import { getBoard, loadBoards, type Board } from '@murmur/boards';
import { MurmurError } from '@murmur/core';
import { generateCodecJs } from './codegen-js';
import { crc32 } from './png';
import type { PayloadSchema } from './schema';
import { generateTtnRepoFiles, ttnCodecName, type PayloadExample, type TtnRepoTarget } from './ttn-repo';
import {
  predictiveMaintenance as pdm,
  predictiveMaintenanceDownlinkExamples as pdmDownlinkExamples,
  predictiveMaintenanceExamples as pdmExamples,
  ppgTriage as ppg,
  ppgTriageExamples as ppgExamples,
  wearableActivity as wear,
  wearableActivityExamples as wearExamples,
} from './fixtures';

const fixtureDir = new URL('./testdata/lorawan-devices/', import.meta.url);
const readFixture = (name: string): string => readFileSync(new URL(name, fixtureDir), 'utf8');

const ajv = new Ajv({
  schemas: [JSON.parse(readFixture('payload.json')), JSON.parse(readFixture('schema.json'))],
});
addFormats(ajv);
const schemaId = 'https://schema.thethings.network/devicerepository/1/schema';
const validator = (definition: string): ValidateFunction =>
  ajv.getSchema(`${schemaId}#/definitions/${definition}`)!;
const validate = {
  vendorsIndex: validator('vendorsIndex'),
  vendorIndex: validator('vendorIndex'),
  endDevice: validator('endDevice'),
  endDeviceProfile: validator('endDeviceProfile'),
  endDevicePayloadCodec: validator('endDevicePayloadCodec'),
};
const repoPrettier = JSON.parse(readFixture('.prettierrc')) as prettier.Options;

/** Problems `bin/validate.js` would report for a repository root holding the tree. */
function repositoryProblems(root: string): string[] {
  const problems: string[] = [];
  const schemaCheck = (what: string, check: ValidateFunction, data: unknown): void => {
    if (!check(data)) {
      problems.push(`${what}: ${check.errors!.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
    }
  };
  const exists = (path: string): boolean => {
    if (path.toLowerCase() !== path) {
      problems.push(`${path} is not lowercase`);
      return false;
    }
    try {
      statSync(join(root, path));
      return true;
    } catch {
      problems.push(`${path} is missing`);
      return false;
    }
  };
  const load = (path: string): any => parse(readFileSync(join(root, path), 'utf8'));

  const vendors = load('vendor/index.yaml');
  schemaCheck('vendor/index.yaml', validate.vendorsIndex, vendors);
  const ids: string[] = vendors.vendors.map((v: { id: string }) => v.id);
  for (const folder of readdirSync(join(root, 'vendor'), { withFileTypes: true })) {
    if (folder.isDirectory() && !ids.includes(folder.name))
      problems.push(`vendor/${folder.name} is not listed`);
  }
  for (const vendorId of ids) {
    const folder = `vendor/${vendorId}`;
    const index = load(`${folder}/index.yaml`);
    schemaCheck(`${folder}/index.yaml`, validate.vendorIndex, index);
    const replayed = new Set<string>();
    for (const deviceId of index.endDevices as string[]) {
      const path = `${folder}/${deviceId}.yaml`;
      const device = load(path);
      schemaCheck(path, validate.endDevice, device);
      if (new RegExp(`\\b${vendorId}\\b`, 'i').test(device.name))
        problems.push(`${path}: name holds the vendor id`);
      for (const fw of device.firmwareVersions) {
        if (Boolean(fw.hardwareVersions) !== Boolean(device.hardwareVersions)) {
          problems.push(`${path}: hardware versions are inconsistent`);
        }
        for (const hw of fw.hardwareVersions ?? []) {
          if (!device.hardwareVersions.some((h: { version: string }) => h.version === hw)) {
            problems.push(`${path}: hardware version ${hw} is not declared`);
          }
        }
        for (const [region, profile] of Object.entries<{ id: string; codec?: string }>(fw.profiles)) {
          const profilePath = `${folder}/${profile.id}.yaml`;
          if (!exists(profilePath)) continue;
          const doc = load(profilePath);
          if ('vendorProfileID' in doc) problems.push(`${profilePath}: vendorProfileID`);
          schemaCheck(`${profilePath} (${region})`, validate.endDeviceProfile, doc);
          if (profile.codec === undefined || replayed.has(profile.codec)) continue;
          replayed.add(profile.codec);
          const codecPath = `${folder}/${profile.codec}.yaml`;
          if (!exists(codecPath)) continue;
          const codec = load(codecPath);
          schemaCheck(codecPath, validate.endDevicePayloadCodec, codec);
          problems.push(...replayExamples(root, folder, codec));
        }
      }
      const photo = `${folder}/${device.photos?.main}`;
      if (device.photos === undefined) problems.push(`${path}: image is missing`);
      else if (exists(photo)) problems.push(...pngProblems(photo, readFileSync(join(root, photo))));
    }
    for (const [key, entry] of Object.entries<any>(index.profileIDs ?? {})) {
      const device = index.endDevices.includes(entry.endDeviceID)
        ? load(`${folder}/${entry.endDeviceID}.yaml`)
        : undefined;
      const fw = device?.firmwareVersions.find(
        (f: { version: string }) => f.version === entry.firmwareVersion,
      );
      if (!fw?.hardwareVersions.includes(entry.hardwareVersion) || !(entry.region in fw.profiles)) {
        problems.push(`${folder}/index.yaml: profileIDs '${key}' names no profile of the device`);
      }
    }
  }
  return problems;
}

/** The repository's runscript: a fresh context per call, input and output through JSON. */
function replayExamples(root: string, folder: string, codec: any): string[] {
  const problems: string[] = [];
  const routines = {
    uplinkDecoder: 'decodeUplink',
    downlinkEncoder: 'encodeDownlink',
    downlinkDecoder: 'decodeDownlink',
  };
  for (const [section, routine] of Object.entries(routines)) {
    const def = codec[section];
    if (def === undefined) continue;
    const script = readFileSync(join(root, folder, def.fileName), 'utf8');
    for (const ex of def.examples ?? []) {
      const ctx = vm.createContext({});
      vm.runInContext(script, ctx, { timeout: 1000 });
      ctx.__input = JSON.parse(JSON.stringify(ex.input));
      const actual = JSON.parse(
        JSON.stringify(vm.runInContext(`${routine}(__input)`, ctx, { timeout: 1000 })),
      );
      try {
        expect(actual).toStrictEqual(ex.output);
      } catch {
        problems.push(`${folder}/${def.fileName}:${routine}: ${ex.description}: ${JSON.stringify(actual)}`);
      }
    }
  }
  return problems;
}

/** A PNG that Go's image/png would decode: signature, chunk CRCs, IHDR, IDAT inflating to the image size. */
function pngProblems(path: string, bytes: Uint8Array): string[] {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) return [`${path}: not a PNG`];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = at + 12 <= bytes.length ? view.getUint32(at) : Infinity;
    if (at + 12 + length > bytes.length) return [`${path}: truncated chunk at byte ${at}`];
    const type = new TextDecoder().decode(bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) {
      return [`${path}: bad CRC in ${type}`];
    }
    chunks.push({ type, data });
    at += 12 + length;
  }
  const [ihdr] = chunks;
  if (ihdr?.type !== 'IHDR' || chunks.at(-1)?.type !== 'IEND') return [`${path}: chunks out of order`];
  const width = new DataView(ihdr.data.buffer, ihdr.data.byteOffset).getUint32(0);
  const height = new DataView(ihdr.data.buffer, ihdr.data.byteOffset).getUint32(4);
  if (width > 2000 || height > 2000) return [`${path}: ${width}x${height} is over 2000x2000`];
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const pixels = inflateSync(idat);
  const [depth, colour] = [ihdr.data[8], ihdr.data[9]];
  if (depth !== 8 || colour !== 6 || pixels.length !== height * (1 + width * 4))
    return [`${path}: bad image data`];
  return [];
}

function writeTree(root: string, files: Record<string, string | Uint8Array>, vendorIndex: string): void {
  for (const [path, content] of Object.entries(files)) {
    const at = path === 'vendor-index-entry.yaml' ? 'vendor/index.yaml' : path;
    mkdirSync(dirname(join(root, at)), { recursive: true });
    writeFileSync(join(root, at), at === 'vendor/index.yaml' ? vendorIndex : content);
  }
}

const apps: [PayloadSchema, PayloadExample[], PayloadExample[], string, string, string][] = [
  [
    pdm,
    pdmExamples,
    pdmDownlinkExamples,
    'predictive-maintenance',
    'nucleo-wl55jc',
    'vibration accelerometer in g',
  ],
  [wear, wearExamples, [], 'wearable-activity', 'arduino-uno-rn2483', '3-axis wrist accelerometer in m/s2'],
  [ppg, ppgExamples, [], 'ppg-triage', 'rak4631', 'PPG front end, one channel of normalised pleth'],
];

function target(deviceId: string, board: Board, sensorDescription = ''): TtnRepoTarget {
  return {
    vendor: { id: 'murmur-example', name: 'Murmur Example' },
    device: { id: deviceId, name: `Device ${deviceId}`, description: 'A device.', sensorDescription },
    board,
    generatedBy: 'a test',
  };
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('TTN device-repository vendor submission', () => {
  for (const [schema, uplinks, downlinks, deviceId, boardId, sensor] of apps) {
    it(`passes the repository's validation for '${deviceId}' on ${boardId}`, async () => {
      const board = getBoard(boardId);
      const files = generateTtnRepoFiles(schema, uplinks, downlinks, target(deviceId, board, sensor));
      const folder = 'vendor/murmur-example';
      const codec = ttnCodecName(schema);
      expect(Object.keys(files).sort()).toEqual(
        [
          'vendor-index-entry.yaml',
          `${folder}/index.yaml`,
          `${folder}/${deviceId}.yaml`,
          `${folder}/${deviceId}.png`,
          `${folder}/${codec}.js`,
          `${folder}/${codec}.yaml`,
          ...('regions' in board.radio ? board.radio.regions : []).map(
            (r) => `${folder}/${deviceId}-profile-${r.toLowerCase()}.yaml`,
          ),
        ].sort(),
      );
      expect(files[`${folder}/${codec}.js`]).toBe(generateCodecJs(schema));
      const root = mkdtempSync(join(tmpdir(), 'murmur-ttn-'));
      roots.push(root);
      writeTree(root, files, files['vendor-index-entry.yaml'] as string);
      expect(repositoryProblems(root)).toEqual([]);

      for (const [path, content] of Object.entries(files)) {
        if (!path.endsWith('.yaml')) continue;
        expect(await prettier.check(content as string, { ...repoPrettier, parser: 'yaml' }), path).toBe(true);
      }
      const codecDoc = parse(files[`${folder}/${codec}.yaml`] as string);
      expect(codecDoc.uplinkDecoder.examples).toHaveLength(uplinks.length + 1);
      expect(codecDoc.downlinkEncoder?.examples ?? []).toHaveLength(downlinks.length);
    });
  }

  it('writes profiles every LoRaWAN board passes with, with its stack versions and regional EIRP', () => {
    const boards = loadBoards().filter((b) => b.radio.technology === 'lorawan');
    expect(boards.length).toBeGreaterThan(5);
    for (const board of boards) {
      const files = generateTtnRepoFiles(pdm, pdmExamples, pdmDownlinkExamples, target('pdm', board));
      const root = mkdtempSync(join(tmpdir(), 'murmur-ttn-'));
      roots.push(root);
      writeTree(root, files, files['vendor-index-entry.yaml'] as string);
      expect(repositoryProblems(root), board.id).toEqual([]);
      const eu = files['vendor/murmur-example/pdm-profile-eu868.yaml'];
      if (eu !== undefined) expect(parse(eu as string).maxEIRP).toBe(16);
    }
    const cubeWl = parse(
      generateTtnRepoFiles(pdm, pdmExamples, [], target('pdm', getBoard('wio-e5')))[
        'vendor/murmur-example/pdm-profile-us915.yaml'
      ] as string,
    );
    expect(cubeWl).toMatchObject({
      macVersion: '1.0.4',
      regionalParametersVersion: 'RP002-1.0.1',
      maxEIRP: 30,
    });
    const rn2483 = generateTtnRepoFiles(
      wear,
      wearExamples,
      [],
      target('wear', getBoard('arduino-uno-rn2483')),
    );
    expect(parse(rn2483['vendor/murmur-example/wear-profile-eu433.yaml'] as string)).toMatchObject({
      macVersion: '1.0.2',
      maxEIRP: 12,
    });
  });

  it('has checks that catch a broken tree', async () => {
    const files = generateTtnRepoFiles(
      pdm,
      pdmExamples,
      pdmDownlinkExamples,
      target('pdm', getBoard('nucleo-wl55jc')),
    );
    const folder = 'vendor/murmur-example';
    const broken = (edit: (f: Record<string, string | Uint8Array>) => void): string[] => {
      const copy = { ...files };
      edit(copy);
      const root = mkdtempSync(join(tmpdir(), 'murmur-ttn-'));
      roots.push(root);
      writeTree(root, copy, copy['vendor-index-entry.yaml'] as string);
      return repositoryProblems(root);
    };
    const text = (f: Record<string, string | Uint8Array>, path: string) => f[path] as string;
    expect(
      broken((f) => {
        f[`${folder}/pdm-profile-eu868.yaml`] = text(f, `${folder}/pdm-profile-eu868.yaml`).replace(
          'maxEIRP: 16',
          'maxEIRP: -1\nvendorProfileID: 1',
        );
      }),
    ).toEqual([
      expect.stringMatching(/pdm-profile-eu868.yaml: vendorProfileID/),
      expect.stringMatching(/pdm-profile-eu868.yaml \(EU863-870\): \/maxEIRP must be >= 0/),
    ]);
    expect(
      broken((f) => {
        const codec = `${folder}/predictive-maintenance-codec.yaml`;
        f[codec] = text(f, codec).replace('windows: 900', 'windows: 901');
      }),
    ).toEqual([expect.stringMatching(/decodeUplink: Healthy machine/)]);
    expect(
      broken((f) => {
        f[`${folder}/pdm.yaml`] = text(f, `${folder}/pdm.yaml`).replace(
          "name: 'Device pdm'",
          "name: 'Murmur-Example pdm'",
        );
        f[`${folder}/pdm.png`] = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
      }),
    ).toEqual([
      expect.stringMatching(/name holds the vendor id/),
      expect.stringMatching(/pdm.png: truncated chunk at byte 8/),
    ]);
    expect(
      broken((f) => {
        f[`${folder}/index.yaml`] = text(f, `${folder}/index.yaml`).replace(
          "region: 'AS923'",
          "region: 'EU433'",
        );
      }),
    ).toEqual([expect.stringMatching(/profileIDs '4' names no profile/)]);
    const doubleQuoted = text(files, `${folder}/pdm.yaml`).replace(/'/g, '"');
    expect(await prettier.check(doubleQuoted, { ...repoPrettier, parser: 'yaml' })).toBe(false);
  });

  it('takes LoRaWAN versions that are given, and refuses a pair the repository rejects', () => {
    const board = getBoard('rak4631');
    const given = (lorawan: TtnRepoTarget['lorawan']) =>
      parse(
        generateTtnRepoFiles(ppg, ppgExamples, [], { ...target('ppg', board), lorawan })[
          'vendor/murmur-example/ppg-profile-eu868.yaml'
        ] as string,
      );
    expect(given({ macVersion: '1.0.4' })).toMatchObject({
      macVersion: '1.0.4',
      regionalParametersVersion: 'RP002-1.0.4',
    });
    expect(given({ macVersion: '1.0.3', regionalParametersVersion: 'RP001-1.0.3-RevA' })).toMatchObject({
      macVersion: '1.0.3',
    });
    expect(() => given({ macVersion: '1.0.3', regionalParametersVersion: 'RP002-1.0.1' })).toThrow(
      /do not go with LoRaWAN 1.0.3/,
    );
    expect(() => given({ macVersion: '2.0' })).toThrow(/not one of 1.0, 1.0.1/);
  });

  it('refuses what the repository would reject, naming it', () => {
    const board = getBoard('nucleo-wl55jc');
    const make = (t: TtnRepoTarget) => () => generateTtnRepoFiles(pdm, pdmExamples, [], t);
    const base = target('pdm', board);
    const usage = (f: () => unknown, message: RegExp): void => {
      expect(f).toThrow(message);
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(MurmurError);
        expect((err as MurmurError).exitCode).toBe(2);
      }
    };
    usage(
      make({ ...base, vendor: { id: 'Acme' } }),
      /vendor id 'Acme' is not a device-repository identifier/,
    );
    usage(make({ ...base, device: { ...base.device, id: 'a--b' } }), /device id 'a--b'/);
    usage(
      make({ ...base, device: { ...base.device, name: 'Murmur-Example Sensor' } }),
      /contains the vendor id/,
    );
    usage(
      make({ ...base, device: { ...base.device, id: 'a-much-too-long-device-name' } }),
      /profile id .* longer than 36/,
    );
    usage(make({ ...base, board: getBoard('nrf9160-dk') }), /has no LoRaWAN radio \(nb-iot\+lte-m\)/);
    usage(make({ ...base, board: getBoard('qemu-mps2-an385') }), /has no LoRaWAN radio \(none\)/);
    usage(
      make({ ...base, board: { ...board, radio: { ...board.radio, regions: ['EU868', 'XX999'] } } }),
      /region 'XX999' has no device-repository name/,
    );
    usage(
      make({
        ...base,
        board: { id: 'x', name: 'X', radio: { technology: 'lorawan', regions: ['EU868'], chip: 'Y' } },
      }),
      /no LoRaWAN version is known for the radio stack of board 'x' \(Y\)/,
    );
  });
});
