/**
 * The `mqtt` part of the config file (and `--mqtt <url>`): the broker of The Things Stack or ChirpStack, the
 * topic, credentials, the persistent session's client id, and the shared subscription group several servers
 * split the messages by. A bad field is a MurmurError naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { MurmurError } from '@murmur/core';

/** The environment variable read for the password when the config file gives none. */
export const MQTT_PASSWORD_ENV = 'MURMUR_MQTT_PASSWORD';
/** Sessions a server opens in a shared group by default: each has one message in flight. */
export const DEFAULT_SHARED_SESSIONS = 8;
/** How long the broker keeps a session (its subscription and unacknowledged messages) while the server is away. */
export const DEFAULT_SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;

export type MqttNetwork = 'tts' | 'chirpstack';

export interface MqttConfig {
  url: string;
  network: MqttNetwork;
  /** The topic filter, without the `$share/<group>/` prefix. */
  topic: string;
  /** The shared subscription group (`$share/<group>/<topic>`): the servers of a group split the messages. */
  sharedGroup?: string;
  /** The client id of the persistent session; with several sessions, `<clientId>-<n>`. */
  clientId: string;
  /** Sessions this server opens in the shared group (each takes one message at a time; default 8); 1 without a group. */
  sessions: number;
  username?: string;
  password?: string;
  /** 5 (MQTT 5, the default) or 4 (MQTT 3.1.1, e.g. for The Things Stack). */
  protocolVersion: 4 | 5;
  sessionExpirySeconds: number;
  /** PEM certificates to trust for mqtts:// (besides the system's). */
  ca?: string;
}

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const brokerUrl = z
  .string()
  .max(2048)
  .regex(/^(mqtts?|wss?):\/\/[^\s/?#]+/, 'a broker URL: mqtt://, mqtts://, ws:// or wss://');
/** An MQTT topic filter: no NUL, `#` only last, wildcards only as whole levels. */
const topicFilter = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (t) =>
      !t.includes('\u0000') &&
      !t.startsWith('$share/') &&
      t
        .split('/')
        .every((level, i, all) => (level.includes('#') ? level === '#' && i === all.length - 1 : true)) &&
      t.split('/').every((level) => !level.includes('+') || level === '+'),
    'an MQTT topic filter (wildcards + and # as whole levels, # last; no $share/ prefix: see sharedGroup)',
  );

export const mqttConfigSchema = z
  .object({
    url: brokerUrl.optional(),
    network: z.enum(['tts', 'chirpstack']).optional(),
    topic: topicFilter.optional(),
    sharedGroup: z
      .string()
      .regex(/^[^/+#\s]{1,64}$/, 'a group name without /, + or #')
      .optional(),
    clientId: z
      .string()
      .regex(/^[\x21-\x7e]{1,128}$/, '1..128 printable ASCII characters')
      .optional(),
    sessions: z.number().int().min(1).max(64).optional(),
    username: z.string().min(1).max(1024).optional(),
    password: z.string().min(1).max(4096).optional(),
    passwordEnv: envName.optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).optional(),
    sessionExpirySeconds: z.number().int().min(0).max(0xffffffff).optional(),
    ca: z.string().min(1).optional(),
  })
  .strict();

export type MqttConfigFile = z.infer<typeof mqttConfigSchema>;

/** The topic each network publishes uplinks on, for a TTS application `app@tenant` (its MQTT username). */
export function defaultTopic(network: MqttNetwork, username: string | undefined): string {
  if (network === 'chirpstack') return 'application/+/device/+/event/up';
  return `v3/${username !== undefined && /^[^/+#]+$/.test(username) ? username : '+'}/devices/+/up`;
}

/** The network of the messages: as configured, else from the topic, else TTS for a username `app@tenant`. */
function networkOf(c: MqttConfigFile, username: string | undefined): MqttNetwork {
  if (c.network) return c.network;
  if (c.topic?.startsWith('v3/')) return 'tts';
  if (c.topic?.startsWith('application/')) return 'chirpstack';
  return username?.includes('@') ? 'tts' : 'chirpstack';
}

/** The user name and password of the URL (`mqtt://user:password@host`), if it has them. */
function urlCredentials(url: string): { username?: string; password?: string } {
  try {
    const u = new URL(url);
    return {
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * The MQTT configuration of the file's `mqtt` entry, `--mqtt <url>` and the environment; undefined when
 * neither names a broker. `port` (the HTTP port) makes the default client id, `murmur-<host>-<port>`.
 */
export function resolveMqttConfig(
  c: MqttConfigFile | undefined,
  urlOverride: string | undefined,
  env: NodeJS.ProcessEnv,
  o: { file?: string; fileDir: string; port: number },
): MqttConfig | undefined {
  const where = (field: string) => ({
    ...(o.file === undefined ? {} : { file: o.file }),
    field: `mqtt.${field}`,
  });
  const url = urlOverride ?? c?.url;
  if (url === undefined) {
    if (c !== undefined)
      throw new MurmurError('missing: the broker URL (or give --mqtt <url>)', where('url'));
    return undefined;
  }
  if (!brokerUrl.safeParse(url).success)
    throw new MurmurError(
      `not a broker URL (mqtt://, mqtts://, ws://, wss://): ${url.slice(0, 100)}`,
      where('url'),
    );
  const f = c ?? {};
  const fromUrl = urlCredentials(url);
  const username = f.username ?? fromUrl.username;
  let password = f.password;
  if (password === undefined && f.passwordEnv !== undefined) {
    password = env[f.passwordEnv];
    if (password === undefined || password === '')
      throw new MurmurError(`environment variable ${f.passwordEnv} is not set`, where('passwordEnv'));
  }
  password ??= env[MQTT_PASSWORD_ENV] || fromUrl.password;
  const network = networkOf(f, username);
  if (f.sessions !== undefined && f.sessions > 1 && f.sharedGroup === undefined)
    throw new MurmurError(
      'several sessions need a shared subscription (sharedGroup): without one each session would receive every message',
      where('sessions'),
    );
  let ca: string | undefined;
  if (f.ca !== undefined) {
    const file = resolve(o.fileDir, f.ca);
    try {
      ca = readFileSync(file, 'utf8');
    } catch (err) {
      throw new MurmurError(
        `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        where('ca'),
      );
    }
  }
  return {
    url,
    network,
    topic: f.topic ?? defaultTopic(network, username),
    ...(f.sharedGroup === undefined ? {} : { sharedGroup: f.sharedGroup }),
    clientId: f.clientId ?? `murmur-${hostname()}-${o.port}`.replace(/[^\x21-\x7e]/g, '_').slice(0, 128),
    sessions: f.sessions ?? (f.sharedGroup === undefined ? 1 : DEFAULT_SHARED_SESSIONS),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    protocolVersion: f.protocolVersion ?? 5,
    sessionExpirySeconds: f.sessionExpirySeconds ?? DEFAULT_SESSION_EXPIRY_SECONDS,
    ...(ca === undefined ? {} : { ca }),
  };
}

/** The topic filter subscribed to: `$share/<group>/<topic>` in a shared group. */
export const subscriptionOf = (c: Pick<MqttConfig, 'topic' | 'sharedGroup'>): string =>
  c.sharedGroup === undefined ? c.topic : `$share/${c.sharedGroup}/${c.topic}`;

/** The broker URL without its password, for messages and logs. */
export function redactedBrokerUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'the MQTT broker (unparsable URL)';
  }
}
