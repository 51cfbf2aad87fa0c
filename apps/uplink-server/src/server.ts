/**
 * Starting and stopping the uplink server: open the store (migrations applied), load the apps' schemas and
 * the device registry, listen; on close (SIGTERM, SIGINT) refuse new uplinks, commit every queued one and
 * answer it, end the live streams, and close the store.
 */
import type { FastifyInstance } from 'fastify';
import { MurmurError } from '@murmur/core';
import { loadCatalog, type AppCatalog } from './catalog';
import type { ServerConfig } from './config';
import { secretEnvOf } from './config';
import type { ServerContext } from './context';
import { UplinkHub } from './hub';
import { Ingestor } from './ingest';
import { ServerMetrics } from './metrics';
import { Sealer, STORE_KEY_ENV } from './downlinks/seal';
import { Downlinks } from './downlinks/service';
import { DeviceRegistry } from './registry';
import { openStore, type Store } from './store';
import { buildHttpApp } from './http/app';
import { startTransports, type Transports } from './transports';

export interface StartOptions {
  config: ServerConfig;
  /** An open store to use (and leave open); else the config's store is opened, and closed with the server. */
  store?: Store;
  /** The apps; else the workspace's (`listApps`, `loadApp`). */
  catalog?: AppCatalog;
  /** pino options, or false for no logs; default JSON logs at the config's level. */
  logger?: boolean | Record<string, unknown>;
}

export interface RunningServer {
  /** `http://host:port` (host 127.0.0.1 when listening on every address). */
  url: string;
  port: number;
  app: FastifyInstance;
  context: ServerContext;
  /** Every route the HTTP server has (method and URL). */
  routes: { method: string; url: string }[];
  /** MQTT and NB-IoT (UDP), when the config names them. */
  transports: Transports;
  /** What the server says when it starts (also logged): where it listens, its store, its access policy. */
  notices: string[];
  /** Stops gracefully; resolves once everything queued is committed and the store is closed. */
  close(): Promise<void>;
}

/** The messages about access: which integrations take loopback clients only. */
export function accessNotices(config: ServerConfig): string[] {
  const out: string[] = [];
  const open = (['tts', 'chirpstack'] as const).filter((n) => !config.secrets[n]);
  if (open.length > 0)
    out.push(
      `no secret for ${open.join(', ')}: ingestion is accepted from loopback clients only (set ${open
        .map(secretEnvOf)
        .join(', ')} or the config file's integrations)`,
    );
  if (!config.secrets.api)
    out.push(
      `no API secret: the query API, downlinks (POST /v1/devices/:id/downlinks), the stream and /metrics answer loopback clients only (set ${secretEnvOf('api')} or the config file's api)`,
    );
  if (!config.storeKey)
    out.push(
      `no store key: TTS downlink API keys learned from webhooks (X-Downlink-Apikey) are kept in memory only, not in the database (set ${STORE_KEY_ENV} or the config file's storeKey, 32 bytes, to keep them sealed with AES-256-GCM)`,
    );
  return out;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { config } = opts;
  const catalog = opts.catalog ?? (await loadCatalog());
  config.devices.forEach((d, i) => {
    if (!catalog.apps.has(d.app))
      throw new MurmurError(`unknown app '${d.app}' (apps: ${catalog.ids().join(', ')})`, {
        ...(config.file === undefined ? {} : { file: config.file }),
        field: `devices[${i}].app`,
      });
  });
  const ownsStore = opts.store === undefined;
  const store = opts.store ?? (await openStore(config.store));
  try {
    await store.registerDevices(config.devices);
    const registry = new DeviceRegistry(catalog);
    await registry.load(store);

    const metrics = new ServerMetrics();
    const hub = new UplinkHub();
    const logger = opts.logger ?? (config.logLevel === false ? false : { level: config.logLevel });
    const ingestor = new Ingestor({
      store,
      catalog,
      registry,
      metrics,
      hub,
      queue: config.queue,
      onCommitError: (err, uplinks) => http.app.log.error({ err, uplinks }, 'commit failed'),
    });
    const downlinks = new Downlinks({
      store,
      catalog,
      ...(config.downlinks ? { config: config.downlinks } : {}),
      ...(config.storeKey ? { sealer: new Sealer(config.storeKey) } : {}),
      onError: (err) => http.app.log.error({ err }, 'downlink route not recorded'),
    });
    const context: ServerContext = {
      config,
      store,
      catalog,
      registry,
      ingestor,
      metrics,
      hub,
      downlinks,
      stopping: false,
    };
    const http = buildHttpApp(context, { logger });
    const queue = context.ingestor.queue;
    metrics.gauge('murmur_ingest_queue_depth', 'Uplinks waiting for or in a commit.', () => queue.depth);
    metrics.gauge(
      'murmur_ingest_queue_capacity',
      'The most uplinks the queue holds before it answers 503.',
      () => queue.options.maxDepth,
    );
    metrics.gauge('murmur_stream_clients', 'Open /v1/stream connections.', () => http.streams.size);

    await http.app.listen({ port: config.port, host: config.host, backlog: 4096 });
    const transports = await startTransports(context, http.app.log).catch(async (err: unknown) => {
      await http.app.close();
      throw err;
    });
    downlinks.attach({
      ...(transports.mqtt ? { mqtt: transports.mqtt } : {}),
      ...(transports.udp ? { udp: transports.udp } : {}),
    });
    const address = http.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const storeText =
      store.kind === 'pglite' ? `PGlite in ${store.location}` : `PostgreSQL ${store.location}`;
    const notices = [
      `listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      `store: ${storeText}`,
      `apps: ${catalog
        .ids()
        .map((id) => `${id} (fPort ${[...catalog.apps.get(id)!.uplinks.keys()].join(', ')})`)
        .join(', ')}`,
      ...accessNotices(config),
      ...transports.notices,
    ];
    for (const n of notices) {
      if (n.startsWith('no ')) http.app.log.warn(n);
      else http.app.log.info(n);
    }

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        context.stopping = true;
        await transports.close();
        http.app.log.info({ queued: queue.depth }, 'shutting down: committing the queued uplinks');
        await queue.drain();
        await http.app.close();
        if (ownsStore) await store.close();
        http.app.log.info('stopped');
      })());
    return { url, port, app: http.app, context, routes: http.registered, transports, notices, close };
  } catch (err) {
    if (ownsStore) await store.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Closes `server` gracefully on SIGTERM or SIGINT; a second signal exits at once. Returns the function that
 * removes the handlers.
 */
export function closeOnSignals(server: RunningServer, onClosed: (err?: unknown) => void): () => void {
  let signals = 0;
  const handler = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      server.app.log.warn(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    server.app.log.info(`${signal}: stopping`);
    server.close().then(
      () => onClosed(),
      (err: unknown) => onClosed(err),
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
