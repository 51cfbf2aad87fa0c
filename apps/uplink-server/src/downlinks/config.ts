/**
 * The downlink part of the config file: the ChirpStack REST API (its URL and an API token) and, for The
 * Things Stack, an API key used when the webhook sends none (TTS sends its push and replace URLs with every
 * uplink, and the key only when the webhook has a downlink API key). Tokens come from the file or an
 * environment variable; a bad field is a MurmurError naming the file and the field.
 */
import { z } from 'zod';
import { MurmurError } from '@murmur/core';

/** The environment variables read when the config file gives no token. */
export const DOWNLINK_ENV = {
  chirpstackApiUrl: 'MURMUR_CHIRPSTACK_API_URL',
  chirpstackToken: 'MURMUR_CHIRPSTACK_API_TOKEN',
  ttsApiKey: 'MURMUR_TTS_API_KEY',
} as const;

/** How long a network has to answer a downlink request, by default. */
export const DEFAULT_DOWNLINK_TIMEOUT_MS = 10_000;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const httpUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#]+[^\s?#]*$/, 'an http(s) URL without query, e.g. http://localhost:8090');

export const downlinkConfigSchema = z
  .object({
    chirpstack: z
      .object({
        apiUrl: httpUrl.optional(),
        token: z.string().min(1).max(4096).optional(),
        tokenEnv: envName.optional(),
      })
      .strict()
      .optional(),
    tts: z
      .object({ apiKey: z.string().min(1).max(4096).optional(), apiKeyEnv: envName.optional() })
      .strict()
      .optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
  })
  .strict();

export type DownlinkConfigFile = z.infer<typeof downlinkConfigSchema>;

export interface DownlinkConfig {
  chirpstack?: { apiUrl: string; token?: string };
  tts?: { apiKey: string };
  timeoutMs: number;
}

/** The downlink configuration of the file's `downlinks` entry and the environment. */
export function resolveDownlinkConfig(
  c: DownlinkConfigFile | undefined,
  env: NodeJS.ProcessEnv,
  file?: string,
): DownlinkConfig {
  const where = (field: string) => ({ ...(file === undefined ? {} : { file }), field: `downlinks.${field}` });
  const fromEnv = (name: string | undefined, field: string): string | undefined => {
    if (name === undefined) return undefined;
    const v = env[name];
    if (v === undefined || v === '')
      throw new MurmurError(`environment variable ${name} is not set`, where(field));
    return v;
  };
  const optionalEnv = (name: string): string | undefined => (env[name] ? env[name] : undefined);

  const out: DownlinkConfig = { timeoutMs: c?.timeoutMs ?? DEFAULT_DOWNLINK_TIMEOUT_MS };
  const apiUrl = c?.chirpstack?.apiUrl ?? optionalEnv(DOWNLINK_ENV.chirpstackApiUrl);
  const token =
    c?.chirpstack?.token ??
    fromEnv(c?.chirpstack?.tokenEnv, 'chirpstack.tokenEnv') ??
    optionalEnv(DOWNLINK_ENV.chirpstackToken);
  if (apiUrl !== undefined) {
    if (!httpUrl.safeParse(apiUrl).success)
      throw new MurmurError(`not an http(s) URL: ${apiUrl.slice(0, 100)}`, where('chirpstack.apiUrl'));
    out.chirpstack = { apiUrl: apiUrl.replace(/\/+$/, ''), ...(token === undefined ? {} : { token }) };
  } else if (c?.chirpstack !== undefined) {
    throw new MurmurError(
      `missing: the URL of ChirpStack's REST API (or set ${DOWNLINK_ENV.chirpstackApiUrl})`,
      where('chirpstack.apiUrl'),
    );
  }
  const apiKey =
    c?.tts?.apiKey ?? fromEnv(c?.tts?.apiKeyEnv, 'tts.apiKeyEnv') ?? optionalEnv(DOWNLINK_ENV.ttsApiKey);
  if (apiKey !== undefined) out.tts = { apiKey };
  return out;
}
