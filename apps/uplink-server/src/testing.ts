/**
 * Test helpers: TTS and ChirpStack messages carrying the apps' example payloads, a server on port 0 over a
 * PGlite store in a temporary folder, HTTP helpers, and a throwaway PostgreSQL cluster where PostgreSQL's
 * programs are installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '@murmur/payload';
import {
  ppgTriage,
  ppgTriageExamples,
  predictiveMaintenance,
  predictiveMaintenanceExamples,
  wearableActivity,
  wearableActivityExamples,
} from '@murmur/payload/fixtures';
import { loadCatalog, type AppCatalog } from './catalog';
import { resolveConfig, type ConfigOverrides, type ServerConfig } from './config';
import { startServer, type RunningServer } from './server';
import { openPglite, openPostgres, SqlStore } from './store';

/** A network message as a test edits it: any field may be replaced, deleted or made hostile. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests edit messages freely
export type Message = Record<string, any>;

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix = 'murmur-uplink-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The base64 of the encoded example `i` of an app's payload. */
export const examplePayload = {
  ppg: (i = 0): string => Buffer.from(encode(ppgTriage, ppgTriageExamples[i]!.value)).toString('base64'),
  pm: (i = 0): string =>
    Buffer.from(encode(predictiveMaintenance, predictiveMaintenanceExamples[i]!.value)).toString('base64'),
  wearable: (i = 0): string =>
    Buffer.from(encode(wearableActivity, wearableActivityExamples[i]!.value)).toString('base64'),
};

/** The fPorts of the apps' uplinks. */
export const PORTS = {
  ppg: ppgTriage.fPort,
  pm: predictiveMaintenance.fPort,
  wearable: wearableActivity.fPort,
};

/** A TTS v3 uplink message (the webhook body) of device `devEui`, frame `fCnt`. */
export function ttsMessage(
  o: {
    devEui?: string;
    fCnt?: number;
    fPort?: number;
    payload?: string;
    session?: string;
    deviceId?: string;
  } = {},
): Message {
  return {
    end_device_ids: {
      device_id: o.deviceId ?? 'ppg-1',
      application_ids: { application_id: 'murmur' },
      dev_eui: o.devEui ?? '70B3D57ED0000001',
      dev_addr: '260B1234',
    },
    correlation_ids: ['as:up:01HZ'],
    received_at: '2026-05-01T10:00:00.123Z',
    uplink_message: {
      session_key_id: o.session ?? 'AXBSH1Pk6Z0G166/u/KXvA==',
      f_port: o.fPort ?? PORTS.ppg,
      f_cnt: o.fCnt ?? 42,
      frm_payload: o.payload ?? examplePayload.ppg(),
      rx_metadata: [
        {
          gateway_ids: { gateway_id: 'gw-a', eui: 'B827EBFFFE000001' },
          rssi: -97,
          channel_rssi: -97,
          snr: 4.5,
        },
        { gateway_ids: { gateway_id: 'gw-b' }, rssi: -88, channel_rssi: -88 },
      ],
      settings: {
        data_rate: { lora: { bandwidth: 125000, spreading_factor: 9, coding_rate: '4/5' } },
        frequency: '868100000',
      },
      received_at: '2026-05-01T10:00:00.100Z',
      consumed_airtime: '0.164864s',
    },
  };
}

/** A ChirpStack v4 up event. */
export function chirpstackUp(
  o: { devEui?: string; fCnt?: number; fPort?: number; payload?: string; dedup?: string; time?: string } = {},
): Message {
  return {
    deduplicationId: o.dedup ?? '3b1b9f2a-6f0d-4c3e-9d0a-2d3c4b5a6e7f',
    time: o.time ?? '2026-05-01T10:00:00.123Z',
    deviceInfo: {
      tenantId: 't',
      tenantName: 'ChirpStack',
      applicationId: 'a',
      applicationName: 'murmur',
      deviceProfileName: 'pm',
      deviceName: 'pump-7',
      devEui: o.devEui ?? '0004a30b001c0001',
    },
    devAddr: '260b1234',
    adr: true,
    dr: 3,
    fCnt: o.fCnt ?? 7,
    fPort: o.fPort ?? PORTS.pm,
    data: o.payload ?? examplePayload.pm(1),
    rxInfo: [{ gatewayId: '0016c001ff10a235', uplinkId: 1, rssi: -101, snr: -2.5, crcStatus: 'CRC_OK' }],
    txInfo: {
      frequency: 868300000,
      modulation: { lora: { bandwidth: 125000, spreadingFactor: 10, codeRate: 'CR_4_5' } },
    },
  };
}

let catalog: Promise<AppCatalog> | undefined;
/** The workspace's apps, loaded once per test file. */
export const testCatalog = (): Promise<AppCatalog> => (catalog ??= loadCatalog());

/** A configuration for tests: loopback, port 0, no logs, the given store directory and overrides. */
export function testConfig(dbDir: string, overrides: ConfigOverrides = {}, file?: string): ServerConfig {
  return resolveConfig({
    overrides: { port: 0, host: '127.0.0.1', db: dbDir, logLevel: false, ...overrides },
    env: {},
    ...(file === undefined ? {} : { file }),
  });
}

export interface TestServer {
  server: RunningServer;
  url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

/** A server on `store` (left open when the server closes). */
export async function startTestServer(store: SqlStore, config: ServerConfig): Promise<TestServer> {
  const server = await startServer({ config, store, catalog: await testCatalog(), logger: false });
  const url = server.url;
  return {
    server,
    url,
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
      }),
    get: (path, headers = {}) => fetch(`${url}${path}`, { headers }),
  };
}

/** The environment variable naming a migrated PGlite data directory to copy (set by `src/test-setup.ts`). */
export const PGLITE_TEMPLATE_ENV = 'MURMUR_TEST_PGLITE_TEMPLATE';

/**
 * Fills `dir` with a copy of the test run's migrated PGlite template, when there is one; else leaves it for
 * PGlite to create. The store opened there then has nothing to migrate.
 */
export function seedPgliteDir(dir: string): void {
  const template = process.env[PGLITE_TEMPLATE_ENV];
  if (template && existsSync(template)) cpSync(template, dir, { recursive: true });
}

/** A PGlite store in a temporary folder, migrated; `reset` empties it between tests. */
export async function tempPgliteStore(): Promise<{
  store: SqlStore;
  dir: string;
  reset: () => Promise<void>;
  close: () => Promise<void>;
}> {
  const tmp = tempDir();
  seedPgliteDir(join(tmp.dir, 'db'));
  const store = new SqlStore(await openPglite(join(tmp.dir, 'db')));
  await store.migrate();
  return {
    store,
    dir: tmp.dir,
    reset: () => store.db.exec('TRUNCATE uplinks, devices RESTART IDENTITY'),
    close: async () => {
      await store.close();
      tmp.remove();
    },
  };
}

/** Rows of a query on the store's database. */
export function rows(
  store: SqlStore,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  return store.db.query(sql, params);
}

/** Waits until `check` holds, polling every 5 ms (no deadline: the test runner's timeout is the limit). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 5));
}

/** The folder of PostgreSQL's programs (initdb, postgres), or undefined when they are not installed. */
export function postgresBin(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (which) return join(which, '..');
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  return undefined;
}

/** The uid and gid of the `postgres` user (PostgreSQL refuses to run as root). */
export function postgresUser(): { uid: number; gid: number } | undefined {
  const id = (flag: string): number =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  return Number.isInteger(uid) && uid > 0 && Number.isInteger(gid) ? { uid, gid } : undefined;
}

/** Why a throwaway PostgreSQL cannot be started here, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  if (!postgresBin()) return 'PostgreSQL is not installed (initdb, postgres)';
  if (process.getuid?.() === 0 && !postgresUser()) return 'running as root and there is no postgres user';
  return undefined;
}

/**
 * A throwaway PostgreSQL cluster: `initdb` in a temporary folder, then `postgres -D <folder>/data` with
 * `serverArgs(folder)`, waited for until `url(folder)` answers. `stop` shuts it down and removes the folder.
 */
export async function startThrowawayPostgres(
  serverArgs: (dir: string) => string[],
  url: (dir: string) => string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = postgresBin()!;
  const tmp = tempDir('murmur-pg-');
  const asUser = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (asUser) chownSync(tmp.dir, asUser.uid, asUser.gid);
  const data = join(tmp.dir, 'data');
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'murmur', '--auth=trust', '-E', 'UTF8', '--no-sync'],
    { encoding: 'utf8', ...(asUser ?? {}) },
  );
  if (init.status !== 0) {
    tmp.remove();
    throw new Error(`initdb failed: ${init.stderr}`);
  }
  const server: ChildProcess = spawn(join(bin, 'postgres'), ['-D', data, ...serverArgs(tmp.dir)], {
    stdio: 'ignore',
    ...(asUser ?? {}),
  });
  const address = url(tmp.dir);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  for (;;) {
    try {
      const db = await openPostgres(address, 1);
      await db.close();
      break;
    } catch {
      if (server.exitCode !== null) throw new Error('postgres exited at start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url: address,
    stop: async () => {
      server.kill('SIGINT');
      await exited;
      tmp.remove();
    },
  };
}

/**
 * A throwaway PostgreSQL cluster listening on a Unix socket only (no TCP port), without fsync, and the URL
 * of its `postgres` database.
 */
export function startTempPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  return startThrowawayPostgres(
    (dir) => ['-k', dir, '-c', 'listen_addresses=', '-c', 'fsync=off', '-p', '5432'],
    (dir) => `postgres://murmur@${encodeURIComponent(dir)}/postgres`,
  );
}
