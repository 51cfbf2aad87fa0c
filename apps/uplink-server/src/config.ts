/**
 * The server's configuration: defaults, then the config file (JSON, `--config`), then the command-line
 * options. The file's format is in the README; a bad field is a MurmurError naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { fieldPath, MurmurError } from '@murmur/core';
import { secretOf, type Secret } from './auth';
import { downlinkConfigSchema, resolveDownlinkConfig, type DownlinkConfig } from './downlinks/config';
import { mqttConfigSchema, resolveMqttConfig, type MqttConfig } from './mqtt/config';
import { parseStoreKey, STORE_KEY_ENV } from './downlinks/seal';
import { resolveUdpConfig, udpConfigSchema, type UdpConfig } from './nbiot/config';
import { DEFAULT_QUEUE, type GroupCommitOptions } from './queue';
import type { ConfiguredDevice } from './store';
import type { StoreLocation } from './store';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_DB_DIR = 'data';
/** The largest request body read (64 KiB, the message limit of @murmur/lpwan). */
export const DEFAULT_BODY_LIMIT = 65_536;

/** The integrations and the read API, each with its own secret. */
export const SECRET_NAMES = ['tts', 'chirpstack', 'api'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** The environment variable read for a secret the config file does not give. */
export const secretEnvOf = (name: SecretName): string => `MURMUR_${name.toUpperCase()}_SECRET`;

export interface QueueConfig extends GroupCommitOptions {
  /** Seconds a client is told to wait (Retry-After) when the queue is full or the server is stopping. */
  retryAfterSeconds: number;
}

export interface ServerConfig {
  port: number;
  host: string;
  store: StoreLocation;
  bodyLimit: number;
  /** pino's level; false for no logs. */
  logLevel: string | false;
  secrets: Partial<Record<SecretName, Secret>>;
  queue: QueueConfig;
  devices: ConfiguredDevice[];
  /** Where downlinks go besides what the networks' messages say (ChirpStack's API, a TTS API key). */
  downlinks?: DownlinkConfig;
  /** The MQTT broker to take uplinks from (TTS or ChirpStack). */
  mqtt?: MqttConfig;
  /** Where NB-IoT datagrams are received. */
  udp?: UdpConfig;
  /** The 32-byte key sealing the credentials kept in the database (TTS downlink API keys); none: memory only. */
  storeKey?: Buffer;
  /** The config file, for messages. */
  file?: string;
}

const secretSchema = z
  .object({
    secret: z.string().min(16, 'a secret has at least 16 characters').optional(),
    secretEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional(),
    header: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name')
      .optional(),
  })
  .strict();

const fileSchema = z
  .object({
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().min(1).optional(),
    db: z.string().min(1).optional(),
    postgres: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional(),
    bodyLimit: z
      .number()
      .int()
      .min(1024)
      .max(16 << 20)
      .optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    integrations: z
      .object({ tts: secretSchema.optional(), chirpstack: secretSchema.optional() })
      .strict()
      .optional(),
    api: secretSchema.optional(),
    queue: z
      .object({
        maxDepth: z.number().int().min(1).max(1_000_000).optional(),
        maxBatch: z.number().int().min(1).max(10_000).optional(),
        delayMs: z.number().min(0).max(10_000).optional(),
        maxInFlight: z.number().int().min(1).max(32).optional(),
        retryAfterSeconds: z.number().int().min(1).max(3600).optional(),
      })
      .strict()
      .optional(),
    devices: z
      .array(
        z
          .object({
            devEui: z.string().regex(/^([0-9a-fA-F]{16}|\d{15})$/, 'an EUI-64 (16 hex digits) or an IMEI'),
            app: z.string().min(1),
            deviceId: z.string().min(1).max(128).optional(),
            network: z.enum(['tts', 'chirpstack', 'nbiot']).optional(),
          })
          .strict(),
      )
      .optional(),
    downlinks: downlinkConfigSchema.optional(),
    mqtt: mqttConfigSchema.optional(),
    udp: udpConfigSchema.optional(),
    storeKey: z
      .object({
        key: z.string().min(1).max(200).optional(),
        keyEnv: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof fileSchema>;

/** What the command line gives (each overrides the file). */
export interface ConfigOverrides {
  port?: number;
  host?: string;
  db?: string;
  postgres?: string;
  logLevel?: string | false;
  queue?: Partial<QueueConfig>;
  bodyLimit?: number;
  secrets?: Partial<Record<SecretName, string>>;
  /** The MQTT broker's URL (`--mqtt`). */
  mqtt?: string;
  /** The UDP port of NB-IoT datagrams (`--udp`). */
  udp?: number;
}

/** Reads and checks a config file. */
export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MurmurError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MurmurError(`not valid JSON (${err instanceof Error ? err.message : String(err)})`, { file });
  }
  return checkConfig(json, file);
}

/** Checks a parsed config file. */
export function checkConfig(json: unknown, file?: string): ConfigFile {
  const result = fileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MurmurError(issue.message, {
      ...(file === undefined ? {} : { file }),
      field: fieldPath(issue.path) || '(root)',
    });
  }
  return result.data;
}

function secretFrom(
  name: SecretName,
  entry: z.infer<typeof secretSchema> | undefined,
  override: string | undefined,
  env: NodeJS.ProcessEnv,
  file: string | undefined,
): Secret | undefined {
  const field = name === 'api' ? 'api' : `integrations.${name}`;
  const envName = entry?.secretEnv ?? secretEnvOf(name);
  const text = override ?? entry?.secret ?? env[envName];
  if (text === undefined || text === '') {
    if (entry?.secretEnv !== undefined)
      throw new MurmurError(`environment variable ${entry.secretEnv} is not set`, {
        ...(file === undefined ? {} : { file }),
        field: `${field}.secretEnv`,
      });
    return undefined;
  }
  if (text.length < 16)
    throw new MurmurError(`the secret of ${name} has ${text.length} characters; use at least 16`, {
      ...(file === undefined ? {} : { file }),
      field: `${field}.secret`,
    });
  return secretOf(text, entry?.header);
}

/**
 * The configuration: defaults, the file (when given) and the overrides. Relative paths in the file are
 * relative to its folder; those of the command line to the working directory.
 */
export function resolveConfig(
  opts: { file?: string; overrides?: ConfigOverrides; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ServerConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const o = opts.overrides ?? {};
  const file = opts.file === undefined ? undefined : resolve(cwd, opts.file);
  const c: ConfigFile = file === undefined ? {} : readConfigFile(file);
  const fileDir = file === undefined ? cwd : dirname(file);
  if (o.db !== undefined && o.postgres !== undefined)
    throw new MurmurError('give --db or --postgres, not both');
  let store: StoreLocation;
  if (o.postgres !== undefined) store = { kind: 'postgres', url: o.postgres };
  else if (o.db !== undefined) store = { kind: 'pglite', dir: resolve(cwd, o.db) };
  else if (c.postgres !== undefined && c.db === undefined) store = { kind: 'postgres', url: c.postgres };
  else if (c.postgres !== undefined)
    throw new MurmurError('give db or postgres, not both', { ...(file ? { file } : {}), field: 'postgres' });
  else store = { kind: 'pglite', dir: resolve(fileDir, c.db ?? DEFAULT_DB_DIR) };
  const port = o.port ?? c.port ?? DEFAULT_PORT;
  const host = o.host ?? c.host ?? DEFAULT_HOST;
  const mqtt = resolveMqttConfig(c.mqtt, o.mqtt, env, { ...(file ? { file } : {}), fileDir, port });
  const udp = resolveUdpConfig(c.udp, o.udp, host, file);
  const secrets: Partial<Record<SecretName, Secret>> = {};
  for (const name of SECRET_NAMES) {
    const entry = name === 'api' ? c.api : c.integrations?.[name];
    const s = secretFrom(name, entry, o.secrets?.[name], env, file);
    if (s) secrets[name] = s;
  }
  let storeKey: Buffer | undefined;
  const keyField = c.storeKey?.key !== undefined ? 'storeKey.key' : 'storeKey.keyEnv';
  let keyText = c.storeKey?.key;
  if (keyText === undefined && c.storeKey?.keyEnv !== undefined) {
    keyText = env[c.storeKey.keyEnv];
    if (keyText === undefined || keyText === '')
      throw new MurmurError(`environment variable ${c.storeKey.keyEnv} is not set`, {
        ...(file === undefined ? {} : { file }),
        field: 'storeKey.keyEnv',
      });
  }
  if (keyText !== undefined)
    storeKey = parseStoreKey(keyText, { ...(file === undefined ? {} : { file }), field: keyField });
  else if (env[STORE_KEY_ENV]) storeKey = parseStoreKey(env[STORE_KEY_ENV], { field: STORE_KEY_ENV });
  return {
    port,
    host,
    store,
    bodyLimit: o.bodyLimit ?? c.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logLevel: o.logLevel ?? c.logLevel ?? 'info',
    secrets,
    queue: { ...DEFAULT_QUEUE, retryAfterSeconds: 1, ...c.queue, ...o.queue },
    devices: (c.devices ?? []).map((d) => ({
      devEui: d.devEui.toLowerCase(),
      app: d.app,
      ...(d.deviceId === undefined ? {} : { deviceId: d.deviceId }),
      ...(d.network === undefined ? {} : { network: d.network }),
    })),
    downlinks: resolveDownlinkConfig(c.downlinks, env, file),
    ...(mqtt ? { mqtt } : {}),
    ...(udp ? { udp } : {}),
    ...(storeKey ? { storeKey } : {}),
    ...(file === undefined ? {} : { file }),
  };
}
