/**
 * Replay: the uplinks a build recorded, posted to a running server as The Things Stack would post them.
 * `dist/apps/<app>/<board>/verify.json` holds the uplink bytes that the firmware (or the host library)
 * emitted on recorded windows and that the verification found byte-equal to the TypeScript reference
 * (`uplinkHex`); a build without them replays the app's payload examples instead. Each uplink becomes a
 * TTS v3 uplink message of one device per (app, board) — a fixed DevEUI and session — with frame counters
 * 0, 1, 2, ..., so replaying twice stores nothing new: the second time every uplink is a duplicate.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { listApps, loadApp } from '@murmur/app';
import { MurmurError, UsageError, workspaceRoot } from '@murmur/core';
import { uplinkAirtimeMs } from '@murmur/lpwan';
import { encode, fromHex, toHex } from '@murmur/payload';

/** The largest verify.json read (a real one has a few KiB). */
const MAX_VERIFY_BYTES = 16 << 20;

export interface ReplayUplink {
  hex: string;
  description: string;
}

export interface ReplaySource {
  app: string;
  board: string;
  /** Where the uplinks come from: the verification's recorded uplinks, or the app's payload examples. */
  from: 'verify' | 'examples';
  /** The file they were read from (verify.json), for messages. */
  file?: string;
  fPort: number;
  /** Seconds between two uplinks of the app (its uplink policy's period). */
  periodS: number;
  uplinks: ReplayUplink[];
}

/** A path for messages: relative to the workspace when inside it. */
function shown(path: string): string {
  const rel = relative(workspaceRoot(), path);
  return rel.startsWith('..') ? path : rel;
}

/** The recorded uplinks of `verify.json`, or undefined when it has none in a usable form. */
function verifiedUplinks(file: string): string[] | undefined {
  if (!existsSync(file)) return undefined;
  if (statSync(file).size > MAX_VERIFY_BYTES)
    throw new MurmurError(`larger than ${MAX_VERIFY_BYTES} bytes`, { file: shown(file) });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MurmurError(`not valid JSON (${err instanceof Error ? err.message : String(err)})`, {
      file: shown(file),
    });
  }
  const hex = (json as { uplinkHex?: unknown }).uplinkHex;
  if (!Array.isArray(hex) || hex.length === 0) return undefined;
  return hex.every((h) => typeof h === 'string' && /^([0-9a-f]{2}){1,242}$/i.test(h))
    ? hex.map((h: string) => h.toLowerCase())
    : undefined;
}

/** The uplinks to replay from a build folder `dist/apps/<app>/<board>`. */
export async function replaySource(dir: string): Promise<ReplaySource> {
  const path = resolve(dir);
  const app = basename(dirname(path));
  const board = basename(path);
  const apps = listApps();
  if (!apps.includes(app))
    throw new UsageError(
      `--replay ${dir}: not the build folder of an app (dist/apps/<app>/<board>; apps: ${apps.join(', ')})`,
    );
  if (!existsSync(path))
    throw new UsageError(
      `--replay ${dir}: no such build folder; build it first: npx murmur build --app ${app} --board ${board}`,
    );
  const murmurApp = await loadApp(app);
  const schema = murmurApp.payload;
  const common = { app, board, fPort: schema.fPort, periodS: murmurApp.uplink.periodS };
  const file = join(path, 'verify.json');
  const recorded = verifiedUplinks(file);
  if (recorded)
    return {
      ...common,
      from: 'verify',
      file: shown(file),
      uplinks: recorded.map((hex, i) => ({
        hex,
        description: `recorded uplink ${i + 1} of ${recorded.length}`,
      })),
    };
  const examples = murmurApp.payloadExamples ?? [];
  if (examples.length === 0)
    throw new MurmurError(
      `no recorded uplinks (verify.json: uplinkHex) and app ${app} has no payload examples`,
      {
        file: shown(file),
      },
    );
  return {
    ...common,
    from: 'examples',
    uplinks: examples.map((e) => ({
      hex: toHex(encode(schema, e.value as never)),
      description: e.description,
    })),
  };
}

function hash(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The replay device of a source: a DevEUI, device id and session of its own per (app, board). */
export function replayDevice(src: Pick<ReplaySource, 'app' | 'board'>): {
  devEui: string;
  deviceId: string;
  sessionKeyId: string;
} {
  const seed = `murmur replay ${src.app}/${src.board}`;
  return {
    devEui: hash(seed).subarray(0, 8).toString('hex'),
    deviceId: `replay-${src.app}-${src.board}`
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 36),
    sessionKeyId: hash(`${seed} session`).subarray(0, 16).toString('base64'),
  };
}

/**
 * The TTS v3 uplink messages of a source: frame counter i for uplink i, received one uplink period apart,
 * the last at `now`, through one gateway at SF7/125 kHz on 868.1 MHz.
 */
export function replayMessages(src: ReplaySource, now: number = Date.now()): Record<string, unknown>[] {
  const device = replayDevice(src);
  return src.uplinks.map((u, i) => {
    const bytes = fromHex(u.hex);
    const receivedAt = new Date(now - (src.uplinks.length - 1 - i) * src.periodS * 1000).toISOString();
    const airtimeS = uplinkAirtimeMs(bytes.length, { spreadingFactor: 7, bandwidthKhz: 125 }) / 1000;
    return {
      end_device_ids: {
        device_id: device.deviceId,
        application_ids: { application_id: 'murmur-replay' },
        dev_eui: device.devEui.toUpperCase(),
      },
      correlation_ids: [`murmur:replay:${src.app}:${src.board}:${i}`],
      received_at: receivedAt,
      uplink_message: {
        session_key_id: device.sessionKeyId,
        f_port: src.fPort,
        ...(i === 0 ? {} : { f_cnt: i }),
        frm_payload: Buffer.from(bytes).toString('base64'),
        rx_metadata: [
          { gateway_ids: { gateway_id: 'murmur-replay' }, rssi: -90, channel_rssi: -90, snr: 7.5 },
        ],
        settings: {
          data_rate: { lora: { bandwidth: 125000, spreading_factor: 7, coding_rate: '4/5' } },
          frequency: '868100000',
        },
        received_at: receivedAt,
        consumed_airtime: `${airtimeS.toFixed(6)}s`,
      },
    };
  });
}

export interface ReplayResult {
  fCnt: number;
  hex: string;
  description: string;
  /** The HTTP status and the server's answer. */
  status: number;
  body: Record<string, unknown>;
}

export interface ReplayTarget {
  /** The server, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The TTS integration's secret and header, when the server has one. */
  secret?: string;
  header?: string;
}

/** Posts the source's messages to `/v1/ingest/tts` one after the other; the server's answer to each. */
export async function replay(src: ReplaySource, target: ReplayTarget, now?: number): Promise<ReplayResult[]> {
  const header = (target.header ?? 'authorization').toLowerCase();
  const auth: Record<string, string> =
    target.secret === undefined
      ? {}
      : { [header]: header === 'authorization' ? `Bearer ${target.secret}` : target.secret };
  const out: ReplayResult[] = [];
  const messages = replayMessages(src, now);
  for (let i = 0; i < messages.length; i++) {
    const res = await fetch(new URL('/v1/ingest/tts', target.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(messages[i]),
    });
    const text = await res.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { message: text.slice(0, 200) };
    }
    out.push({
      fCnt: i,
      hex: src.uplinks[i]!.hex,
      description: src.uplinks[i]!.description,
      status: res.status,
      body,
    });
  }
  return out;
}
