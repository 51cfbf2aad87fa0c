/**
 * A vendor submission to The Things Network device repository (TheThingsNetwork/lorawan-devices) for one
 * device: an app's payload codec running on a board. The tree drops into a clone of the repository:
 *
 * ```
 * vendor-index-entry.yaml                  the vendor's entry for vendor/index.yaml (`vendors:` list)
 * vendor/<vendor>/index.yaml               the vendor's device index: endDevices and profileIDs
 * vendor/<vendor>/<device>.yaml            the device: versions, per-region profiles and codec, sensors, photo
 * vendor/<vendor>/<device>-profile-<r>.yaml  one LoRaWAN end-device profile per region of the board
 * vendor/<vendor>/<codec>.yaml, <codec>.js  the payload codec and its examples
 * vendor/<vendor>/<device>.png             a placeholder photo, to be replaced
 * ```
 *
 * The regions come from the board's radio; the LoRaWAN MAC and regional-parameters versions from the stack
 * the board reaches its radio through (its AT modem's firmware or its vendor stack), unless given; the
 * maximum EIRP is the region's default. Every YAML file is Prettier-stable under the repository's settings.
 */
import { UsageError } from '@murmur/core';
import { planOf } from './plan';
import { placeholderPng } from './png';
import type { PayloadSchema } from './schema';
import { toTtnYaml } from './ttn-yaml';

/** What the tree needs of a board (a `@murmur/boards` Board fits). */
export interface TtnBoard {
  id: string;
  name: string;
  radio: {
    technology: string;
    chip?: string;
    regions?: readonly string[];
    commandSet?: string;
    vendorStack?: string;
  };
}

export interface TtnRepoTarget {
  /** The vendor: its repository id (lower case, digits, dashes) and company name (default: the id). */
  vendor: { id: string; name?: string };
  device: {
    /** The device's repository id (its file name). */
    id: string;
    /** Product name; the repository rejects one that contains the vendor id as a word. */
    name: string;
    description: string;
    /** The sensor, in words: its kinds that the repository lists become the device's `sensors`. */
    sensorDescription?: string;
    /** Default '1.0'. */
    firmwareVersion?: string;
    /** Default '1.0'. */
    hardwareVersion?: string;
  };
  board: TtnBoard;
  /** LoRaWAN versions, when not those of the board's stack (regional parameters default to the MAC's). */
  lorawan?: { macVersion?: string; regionalParametersVersion?: string };
  /** What generated the files, for their header comments (e.g. the command line). */
  generatedBy?: string;
}

/** The device repository's name of each board region, with the region's default maximum EIRP (dBm). */
export const TTN_REGIONS: Readonly<Record<string, { region: string; maxEIRP: number }>> = {
  EU868: { region: 'EU863-870', maxEIRP: 16 },
  US915: { region: 'US902-928', maxEIRP: 30 },
  AU915: { region: 'AU915-928', maxEIRP: 30 },
  AS923: { region: 'AS923', maxEIRP: 16 },
  KR920: { region: 'KR920-923', maxEIRP: 14 },
  IN865: { region: 'IN865-867', maxEIRP: 30 },
  CN470: { region: 'CN470-510', maxEIRP: 19 },
  RU864: { region: 'RU864-870', maxEIRP: 16 },
  EU433: { region: 'EU433', maxEIRP: 12 },
  CN779: { region: 'CN779-787', maxEIRP: 12 },
};

/** The regional-parameters versions the repository accepts for each LoRaWAN MAC version (default: the last). */
export const TTN_REGIONAL_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  '1.0': ['TS001-1.0'],
  '1.0.1': ['TS001-1.0.1'],
  '1.0.2': ['RP001-1.0.2', 'RP001-1.0.2-RevB'],
  '1.0.3': ['RP001-1.0.3-RevA'],
  '1.0.4': ['RP002-1.0.0', 'RP002-1.0.1', 'RP002-1.0.2', 'RP002-1.0.3', 'RP002-1.0.4'],
  '1.1': ['RP001-1.1-RevA', 'RP001-1.1-RevB'],
};

interface LorawanStack {
  /** The AT command set of the board's modem, or a pattern of its vendor stack's name. */
  commandSet?: string;
  vendorStack?: RegExp;
  what: string;
  macVersion: string;
  regionalParametersVersion: string;
}

/** LoRaWAN versions of the stacks the boards reach their radio through (first match wins). */
const STACKS: readonly LorawanStack[] = [
  {
    commandSet: 'rn2483',
    what: 'RN2483 firmware',
    macVersion: '1.0.2',
    regionalParametersVersion: 'RP001-1.0.2-RevB',
  },
  {
    commandSet: 'murata-cmwx1zzabz',
    what: 'MKR WAN modem firmware',
    macVersion: '1.0.2',
    regionalParametersVersion: 'RP001-1.0.2',
  },
  {
    commandSet: 'rak3172',
    what: 'RAK3172 RUI3 firmware',
    macVersion: '1.0.3',
    regionalParametersVersion: 'RP001-1.0.3-RevA',
  },
  {
    commandSet: 'wio-e5',
    what: 'Wio-E5 AT firmware',
    macVersion: '1.0.3',
    regionalParametersVersion: 'RP001-1.0.3-RevA',
  },
  {
    vendorStack: /STM32CubeWL/i,
    what: 'STM32CubeWL',
    macVersion: '1.0.4',
    regionalParametersVersion: 'RP002-1.0.1',
  },
  {
    vendorStack: /I-CUBE-LRWAN/i,
    what: 'I-CUBE-LRWAN',
    macVersion: '1.0.3',
    regionalParametersVersion: 'RP001-1.0.3-RevA',
  },
  {
    vendorStack: /SX126x-Arduino/i,
    what: 'SX126x-Arduino',
    macVersion: '1.0.2',
    regionalParametersVersion: 'RP001-1.0.2',
  },
  {
    vendorStack: /LoRaMac-node/i,
    what: 'LoRaMac-node',
    macVersion: '1.0.3',
    regionalParametersVersion: 'RP001-1.0.3-RevA',
  },
];

/** Sensor kinds of the repository's list that a sensor description names as words. */
const SENSOR_WORDS = [
  'accelerometer',
  'barometer',
  'co2',
  'distance',
  'dust',
  'gps',
  'gyroscope',
  'humidity',
  'infrared',
  'magnetometer',
  'moisture',
  'pir',
  'pressure',
  'proximity',
  'radar',
  'sound',
  'strain',
  'temperature',
  'tilt',
  'vibration',
  'weight',
];

const IDENTIFIER = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;
const MAX_IDENTIFIER = 36;

function requireIdentifier(id: string, what: string): void {
  if (!IDENTIFIER.test(id) || id.length > MAX_IDENTIFIER) {
    throw new UsageError(
      `${what} '${id}' is not a device-repository identifier: 3 to ${MAX_IDENTIFIER} lower-case letters and ` +
        'digits, single dashes between them',
    );
  }
}

/** The versions the device's end-device profiles declare. */
export function ttnLorawanVersions(
  board: TtnBoard,
  given: TtnRepoTarget['lorawan'] = {},
): { macVersion: string; regionalParametersVersion: string; source: string } {
  const { commandSet, vendorStack } = board.radio;
  const stack = STACKS.find((s) =>
    s.commandSet !== undefined
      ? s.commandSet === commandSet
      : vendorStack !== undefined && s.vendorStack!.test(vendorStack),
  );
  const macVersion = given.macVersion ?? stack?.macVersion;
  if (macVersion === undefined) {
    throw new UsageError(
      `no LoRaWAN version is known for the radio stack of board '${board.id}' ` +
        `(${commandSet ?? vendorStack ?? board.radio.chip ?? 'none named'}); give the MAC version ` +
        `(one of ${Object.keys(TTN_REGIONAL_PARAMETERS).join(', ')})`,
    );
  }
  const allowed = TTN_REGIONAL_PARAMETERS[macVersion];
  if (allowed === undefined) {
    throw new UsageError(
      `LoRaWAN MAC version '${macVersion}' is not one of ${Object.keys(TTN_REGIONAL_PARAMETERS).join(', ')}`,
    );
  }
  const regionalParametersVersion =
    given.regionalParametersVersion ??
    (given.macVersion === undefined && stack ? stack.regionalParametersVersion : allowed.at(-1)!);
  if (!allowed.includes(regionalParametersVersion)) {
    throw new UsageError(
      `regional parameters '${regionalParametersVersion}' do not go with LoRaWAN ${macVersion} ` +
        `(${allowed.join(', ')})`,
    );
  }
  const source =
    given.macVersion !== undefined || given.regionalParametersVersion !== undefined
      ? 'as given'
      : `those of ${stack!.what}, the board's LoRaWAN stack`;
  return { macVersion, regionalParametersVersion, source };
}

/** The device repository's regions of the board, in the board's order, with their default maximum EIRP. */
export function ttnRegions(board: TtnBoard): { boardRegion: string; region: string; maxEIRP: number }[] {
  if (board.radio.technology !== 'lorawan') {
    throw new UsageError(
      `board '${board.id}' has no LoRaWAN radio (${board.radio.technology}); the device repository lists LoRaWAN ` +
        'devices: pass --board with a LoRaWAN board',
    );
  }
  return (board.radio.regions ?? []).map((boardRegion) => {
    const known = TTN_REGIONS[boardRegion];
    if (known === undefined) {
      throw new UsageError(
        `board '${board.id}': region '${boardRegion}' has no device-repository name (known: ` +
          `${Object.keys(TTN_REGIONS).join(', ')})`,
      );
    }
    return { boardRegion, ...known };
  });
}

function sensorsOf(description: string, schema: PayloadSchema): string[] {
  const text = description.toLowerCase();
  const found = SENSOR_WORDS.filter((w) => new RegExp(`(^|[^a-z0-9])${w}([^a-z0-9]|$)`).test(text));
  if (planOf(schema).slots.some((s) => /(^|_)battery(_|$)/.test(s.name))) found.push('battery');
  return [...new Set(found)].sort();
}

/**
 * The submission tree (paths relative to the repository root) around the codec files of `ttnCodecFiles`:
 * YAML and JS as text, the placeholder photo as PNG bytes.
 */
export function ttnVendorTree(
  schema: PayloadSchema,
  codecFiles: Record<string, string>,
  codecName: string,
  target: TtnRepoTarget,
): Record<string, string | Uint8Array> {
  const { vendor, device, board } = target;
  requireIdentifier(vendor.id, 'vendor id');
  requireIdentifier(device.id, 'device id');
  requireIdentifier(codecName, 'codec id');
  const vendorName = vendor.name ?? vendor.id;
  if (vendorName.trim() === '') throw new UsageError('the vendor name is empty');
  if (device.name.trim() === '') throw new UsageError('the device name is empty');
  if (new RegExp(`\\b${vendor.id}\\b`, 'i').test(device.name)) {
    throw new UsageError(
      `the device name '${device.name}' contains the vendor id '${vendor.id}', which the device repository rejects`,
    );
  }
  const firmwareVersion = device.firmwareVersion ?? '1.0';
  const hardwareVersion = device.hardwareVersion ?? '1.0';
  if (firmwareVersion.trim() === '' || hardwareVersion.trim() === '') {
    throw new UsageError('firmware and hardware versions must not be empty');
  }
  const regions = ttnRegions(board);
  if (regions.length === 0) throw new UsageError(`board '${board.id}' names no LoRaWAN region`);
  const versions = ttnLorawanVersions(board, target.lorawan);

  const folder = `vendor/${vendor.id}`;
  const photo = `${device.id}.png`;
  const generated = target.generatedBy ? [`Generated by ${target.generatedBy}.`] : [];
  const files: Record<string, string | Uint8Array> = {};
  const add = (name: string, content: string | Uint8Array): void => {
    const path = `${folder}/${name}`;
    if (path in files)
      throw new UsageError(`two files of the submission would be ${path}; choose another device id`);
    files[path] = content;
  };

  const profileIds = regions.map((r) => {
    const id = `${device.id}-profile-${r.boardRegion.toLowerCase()}`;
    if (id.length > MAX_IDENTIFIER) {
      throw new UsageError(
        `profile id '${id}' is longer than ${MAX_IDENTIFIER} characters: choose a device id of at most ` +
          `${device.id.length - (id.length - MAX_IDENTIFIER)} characters`,
      );
    }
    return id;
  });

  files['vendor-index-entry.yaml'] = toTtnYaml({ vendors: [{ id: vendor.id, name: vendorName }] }, [
    `The entry of vendor '${vendor.id}' for vendor/index.yaml: add it under vendors: there, unless the vendor is listed.`,
    ...generated,
  ]);

  add(
    'index.yaml',
    toTtnYaml(
      {
        endDevices: [device.id],
        profileIDs: Object.fromEntries(
          regions.map((r, i) => [
            String(i + 1),
            { endDeviceID: device.id, firmwareVersion, hardwareVersion, region: r.region },
          ]),
        ),
      },
      [
        `Device index of vendor '${vendor.id}'. If the vendor has one already, add '${device.id}' to its endDevices`,
        'and these profileIDs under numbers it does not use.',
        ...generated,
      ],
    ),
  );

  const sensors = sensorsOf(device.sensorDescription ?? '', schema);
  add(
    `${device.id}.yaml`,
    toTtnYaml(
      {
        name: device.name,
        description: device.description,
        hardwareVersions: [{ version: hardwareVersion, numeric: 1 }],
        firmwareVersions: [
          {
            version: firmwareVersion,
            numeric: 1,
            hardwareVersions: [hardwareVersion],
            profiles: Object.fromEntries(
              regions.map((r, i) => [r.region, { id: profileIds[i], codec: codecName }]),
            ),
          },
        ],
        ...(sensors.length > 0 ? { sensors } : {}),
        photos: { main: photo },
      },
      [
        `${device.name} on ${board.name} (board '${board.id}').`,
        `${photo} is a placeholder: replace it with a photo of the device (transparent background, at most 2000 x 2000).`,
        ...generated,
      ],
    ),
  );

  regions.forEach((r, i) => {
    add(
      `${profileIds[i]}.yaml`,
      toTtnYaml(
        {
          macVersion: versions.macVersion,
          regionalParametersVersion: versions.regionalParametersVersion,
          supportsJoin: true,
          maxEIRP: r.maxEIRP,
          supports32bitFCnt: true,
          supportsClassB: false,
          supportsClassC: false,
        },
        [
          `End-device profile of '${device.id}' in ${r.region} (board region ${r.boardRegion}): OTAA, class A.`,
          `LoRaWAN versions ${versions.source}; maximum EIRP the region's default.`,
          ...generated,
        ],
      ),
    );
  });

  for (const [name, text] of Object.entries(codecFiles)) add(name, text);
  add(photo, placeholderPng());
  return files;
}
