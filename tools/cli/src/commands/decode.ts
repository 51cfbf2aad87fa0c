import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { MurmurError, UsageError } from '@murmur/core';
import { printJson } from '../output';

/** Parses a non-negative integer option; UsageError naming the option otherwise. */
export function intOption(
  value: string | undefined,
  option: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${option} must be an integer in ${min}..${max}, got '${value}'`);
  }
  return n;
}

interface DecodeOptions {
  app?: string;
  fport?: string;
  ttn?: string;
  chirpstack?: string;
  phy?: string;
  nwkskey?: string;
  appskey?: string;
  fcntLast?: string;
  devEui?: string;
  downlink?: boolean;
}

/** A message file's text; a file over `maxBytes` is refused before it is read. */
function readText(file: string, maxBytes: number): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw new MurmurError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
  if (size > maxBytes)
    throw new MurmurError(`${size} bytes, more than a message may hold (${maxBytes})`, { file });
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new MurmurError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
}

async function runDecode(hex: string | undefined, opts: DecodeOptions): Promise<void> {
  const modes = [hex !== undefined || opts.fport !== undefined, opts.ttn, opts.chirpstack, opts.phy].filter(
    Boolean,
  ).length;
  if (modes !== 1)
    throw new UsageError(
      'give exactly one of: --fport <n> <hex>, --ttn <file>, --chirpstack <file>, --phy <hex>',
    );
  const { loadApp } = await import('@murmur/app');
  const schema = (await loadApp(opts.app)).payload;
  const payload = await import('@murmur/payload');
  const lpwan = await import('@murmur/lpwan');
  let result: { errors: string[] };
  if (opts.ttn !== undefined)
    result = lpwan.fromTtsUplink(readText(opts.ttn, lpwan.DEFAULT_MAX_MESSAGE_BYTES), schema, {
      file: opts.ttn,
    });
  else if (opts.chirpstack !== undefined) {
    result = lpwan.fromChirpstackUp(readText(opts.chirpstack, lpwan.DEFAULT_MAX_MESSAGE_BYTES), schema, {
      file: opts.chirpstack,
    });
  } else if (opts.phy !== undefined) {
    if (opts.nwkskey === undefined || opts.appskey === undefined)
      throw new UsageError('--phy needs --nwkskey and --appskey');
    const lastFCnt = intOption(opts.fcntLast, '--fcnt-last', 0, 0xffffffff);
    result = lpwan.fromPhyPayload(
      payload.fromHex(opts.phy, 'phy'),
      {
        nwkSKey: opts.nwkskey,
        appSKey: opts.appskey,
        ...(opts.devEui === undefined ? {} : { devEui: opts.devEui }),
      },
      { schema, ...(lastFCnt === undefined ? {} : { lastFCnt }) },
    );
  } else {
    if (hex === undefined) throw new UsageError('missing <hex> payload');
    const fPort = intOption(opts.fport, '--fport', 1, 223);
    if (fPort === undefined) throw new UsageError('missing --fport <n>');
    const bytes = payload.fromHex(hex, 'hex');
    result = opts.downlink
      ? payload.decodeDownlink(schema, bytes, fPort)
      : payload.decode(schema, bytes, fPort);
  }
  printJson(result);
  if (result.errors.length > 0) process.exitCode = 1;
}

export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description(
      'decode an uplink of an app: hex + fPort (TS013 result), a TTS or ChirpStack JSON message, or a raw PHYPayload',
    )
    .argument('[hex]', 'application payload in hex (with --fport)')
    .option('--app <app>', 'app whose payload schema to use')
    .option('--fport <n>', 'LoRaWAN fPort of the hex payload')
    .option('--downlink', 'decode the hex payload as the app downlink')
    .option('--ttn <file.json>', 'The Things Stack v3 uplink message (webhook body or MQTT message)')
    .option('--chirpstack <file.json>', 'ChirpStack v4 up event')
    .option('--phy <hex>', 'raw LoRaWAN PHYPayload (ABP)')
    .option('--nwkskey <hex>', 'network session key (with --phy)')
    .option('--appskey <hex>', 'application session key (with --phy)')
    .option('--fcnt-last <n>', 'last accepted 32-bit frame counter (with --phy)')
    .option('--dev-eui <hex>', 'DevEUI to report (with --phy)')
    .action(runDecode);
}

export const command: CommandModule = { order: 60, register: registerDecode };
