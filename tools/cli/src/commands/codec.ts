import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { UsageError } from '@murmur/core';
import { boardOption } from '../board-option';
import { requireOutputDir, writeOutputFile } from '../fs-errors';

const TARGETS = ['ttn', 'chirpstack', 'ttn-repo', 'c'] as const;
type Target = (typeof TARGETS)[number];

interface CodecOptions {
  app?: string;
  target?: string;
  out?: string;
  warningsInData?: boolean;
  vendor?: string;
  vendorName?: string;
  board?: string;
  device?: string;
  deviceName?: string;
  firmwareVersion?: string;
  hardwareVersion?: string;
  macVersion?: string;
  regionalParameters?: string;
}

/** The options that only `--target ttn-repo --vendor <id>` reads, as the user spells them. */
const VENDOR_OPTIONS: [keyof CodecOptions, string][] = [
  ['vendorName', '--vendor-name'],
  ['board', '--board'],
  ['device', '--device'],
  ['deviceName', '--device-name'],
  ['firmwareVersion', '--firmware-version'],
  ['hardwareVersion', '--hardware-version'],
  ['macVersion', '--mac-version'],
  ['regionalParameters', '--regional-parameters'],
];

export function registerCodec(program: Command): void {
  program
    .command('codec')
    .description(
      "write an app's payload codec: TS013 JS for TTN or ChirpStack, TTN device-repository files (with --vendor, " +
        'a whole vendor submission), or the C encoder',
    )
    .option('--app <app>', 'app whose payload schema to use')
    .option('--target <target>', `one of ${TARGETS.join(', ')}`)
    .option('--out <dir>', 'output folder (created if needed)')
    .option(
      '--warnings-in-data',
      'chirpstack: also put decodeUplink warnings into data.warnings (ChirpStack v4 keeps only data)',
    )
    .option(
      '--vendor <id>',
      'ttn-repo: write the vendor submission tree for this vendor id (lower case, dashes)',
    )
    .option('--vendor-name <name>', 'ttn-repo: the vendor company name (default: the vendor id)')
    .option(
      '--board <board>',
      "ttn-repo: board whose radio and regions the device has (default: the app's defaultBoard)",
    )
    .option('--device <id>', 'ttn-repo: device id in the repository (default: the app id)')
    .option('--device-name <name>', "ttn-repo: the device's product name (default: the app title)")
    .option('--firmware-version <v>', 'ttn-repo: firmware version of the device (default: 1.0)')
    .option('--hardware-version <v>', 'ttn-repo: hardware version of the device (default: 1.0)')
    .option('--mac-version <v>', "ttn-repo: LoRaWAN MAC version (default: that of the board's LoRaWAN stack)")
    .option('--regional-parameters <v>', 'ttn-repo: regional parameters version, e.g. RP001-1.0.3-RevA')
    .action(async (opts: CodecOptions) => {
      const target = opts.target as Target | undefined;
      if (target === undefined || !TARGETS.includes(target)) {
        throw new UsageError(
          `--target must be one of ${TARGETS.join(', ')}${opts.target ? `, got '${opts.target}'` : ''}`,
        );
      }
      if (opts.out === undefined) throw new UsageError('missing --out <dir>');
      if (opts.warningsInData && target !== 'chirpstack') {
        throw new UsageError('--warnings-in-data applies to --target chirpstack');
      }
      if (opts.vendor !== undefined && target !== 'ttn-repo') {
        throw new UsageError('--vendor applies to --target ttn-repo');
      }
      const stray =
        opts.vendor === undefined ? VENDOR_OPTIONS.find(([key]) => opts[key] !== undefined) : undefined;
      if (stray !== undefined) throw new UsageError(`${stray[1]} applies to --target ttn-repo --vendor <id>`);
      requireOutputDir(opts.out, '--out');
      const { loadApp } = await import('@murmur/app');
      const app = await loadApp(opts.app);
      const payload = await import('@murmur/payload');
      const name = payload.ttnCodecName(app.payload);
      const notes: string[] = [];
      let files: Record<string, string | Uint8Array>;
      if (target === 'ttn-repo' && opts.vendor !== undefined) {
        const board = await boardOption(opts.board ?? app.defaultBoard);
        const device = opts.device ?? app.id;
        files = payload.generateTtnRepoFiles(app.payload, app.payloadExamples ?? [], app.downlinkExamples, {
          vendor: { id: opts.vendor, name: opts.vendorName },
          device: {
            id: device,
            name: opts.deviceName ?? app.title,
            description: `${app.summary} Murmur's '${app.id}' firmware on ${board.name}.`,
            sensorDescription: app.sensor.description,
            firmwareVersion: opts.firmwareVersion,
            hardwareVersion: opts.hardwareVersion,
          },
          board,
          lorawan: { macVersion: opts.macVersion, regionalParametersVersion: opts.regionalParameters },
          generatedBy: `murmur codec --app ${app.id} --target ttn-repo --vendor ${opts.vendor} --board ${board.id}`,
        });
        const photo = Object.keys(files).find((f) => f.endsWith('.png'))!;
        const vendorDir = `vendor/${opts.vendor}`;
        notes.push(
          `${photo} is a placeholder: replace it with a photo of the device (PNG or JPEG, transparent ` +
            'background, at most 2000 x 2000 pixels) before you open the pull request',
          `copy ${vendorDir} into the vendor folder of your TheThingsNetwork/lorawan-devices clone and add the entry ` +
            `of vendor-index-entry.yaml under vendors: in its vendor/index.yaml, unless '${opts.vendor}' is listed ` +
            `there; if ${vendorDir} exists there, merge index.yaml instead (add '${device}' to endDevices, give the ` +
            'profileIDs numbers it does not use)',
          `in the clone, check with: make validate VENDOR_ID=${opts.vendor} && npx prettier --check "vendor/**/*.yaml"`,
        );
      } else if (target === 'ttn-repo') {
        files = payload.generateTtnRepoFiles(app.payload, app.payloadExamples ?? [], app.downlinkExamples);
      } else if (target === 'c') {
        const c = payload.generateC(app.payload);
        const { readFileSync } = await import('node:fs');
        files = {
          [`${c.baseName}.h`]: c.header,
          [`${c.baseName}.c`]: c.source,
          ...Object.fromEntries(
            payload.payloadRuntimeFiles.map((f) => [
              f,
              readFileSync(join(payload.payloadRuntimeDir, f), 'utf8'),
            ]),
          ),
        };
      } else {
        const warningsInData = target === 'chirpstack' && opts.warningsInData === true;
        files = { [`${name}.js`]: payload.generateCodecJs(app.payload, { warningsInData }) };
        if (target === 'chirpstack' && !warningsInData) {
          notes.push(
            'ChirpStack v4 keeps only data of decodeUplink (and drops the uplink on errors): its warnings, such as ' +
              'non-zero padding bits, are lost; --warnings-in-data also puts them into data.warnings',
          );
        }
      }
      const dir = resolve(opts.out);
      mkdirSync(dir, { recursive: true });
      for (const [file, content] of Object.entries(files)) {
        const path = join(dir, file);
        mkdirSync(dirname(path), { recursive: true });
        writeOutputFile(path, content);
      }
      process.stdout.write(`wrote ${Object.keys(files).join(', ')} to ${dir}\n`);
      for (const note of notes) process.stdout.write(`note: ${note}\n`);
    });
}

export const command: CommandModule = { order: 62, register: registerCodec };
