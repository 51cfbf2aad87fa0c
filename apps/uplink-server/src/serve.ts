/**
 * What `murmur serve` does: start the server and run until SIGTERM/SIGINT; with `--replay <build>`, post a
 * build's recorded uplinks to the server at `--url` (default: this port on loopback) — and when nothing
 * answers there, start the server in this process first and keep it running after the replay.
 */
import { MurmurError } from '@murmur/core';
import { resolveConfig, type ConfigOverrides, type ServerConfig } from './config';
import { replay, replaySource, type ReplayResult, type ReplaySource } from './replay';
import { closeOnSignals, startServer, type RunningServer, type StartOptions } from './server';

export interface ServeOptions {
  port?: number;
  host?: string;
  db?: string;
  postgres?: string;
  config?: string;
  /** A build folder, dist/apps/<app>/<board>. */
  replay?: string;
  /** The server to replay to (default http://127.0.0.1:<port>). */
  url?: string;
  logLevel?: string | false;
  /** An MQTT broker to take uplinks from (the config file's `mqtt` gives the rest). */
  mqtt?: string;
  /** The UDP port of NB-IoT datagrams. */
  udp?: number;
}

export interface ServeIo {
  /** Human-readable lines (stderr in the CLI; the JSON logs go to stdout). */
  say(line: string): void;
}

const defaultIo: ServeIo = { say: (line) => void process.stderr.write(`${line}\n`) };

/** Starts a server and resolves when it has stopped after a signal. */
async function runUntilSignal(server: RunningServer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const remove = closeOnSignals(server, (err) => {
      remove();
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve();
    });
  });
}

/** True when something answers HTTP at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

function resultLine(r: ReplayResult): string {
  const b = r.body;
  const outcome =
    r.status === 200
      ? `${String(b.status)}${b.id === undefined ? '' : ` #${String(b.id)}`}`
      : `HTTP ${r.status}`;
  const detail =
    r.status === 200
      ? JSON.stringify(b.data ?? { errors: b.errors })
      : `${String(b.message ?? '')}${b.field === undefined ? '' : ` (field ${String(b.field)})`}`;
  return `  fCnt ${String(r.fCnt).padEnd(3)} ${r.hex.padEnd(14)} ${outcome.padEnd(12)} ${detail}`;
}

function sourceLine(src: ReplaySource, url: string): string {
  const what =
    src.from === 'verify'
      ? `${src.uplinks.length} uplinks recorded by the verification of ${src.app} on ${src.board} (${src.file})`
      : `${src.uplinks.length} payload examples of ${src.app} (the build of ${src.board} recorded no uplinks)`;
  return `replay: ${what} → ${url}/v1/ingest/tts`;
}

async function replayTo(
  src: ReplaySource,
  url: string,
  config: ServerConfig,
  io: ServeIo,
): Promise<ReplayResult[]> {
  io.say(sourceLine(src, url));
  const secret = config.secrets.tts;
  const results = await replay(src, {
    url,
    ...(secret ? { secret: secret.text, header: secret.header } : {}),
  });
  for (const r of results) io.say(resultLine(r));
  const stored = results.filter((r) => r.body.status === 'stored').length;
  const duplicates = results.filter((r) => r.body.status === 'duplicate').length;
  io.say(
    `replay: ${stored} stored, ${duplicates} duplicates (already stored), ${results.length - stored - duplicates} refused`,
  );
  const refused = results.find((r) => r.status !== 200);
  if (refused)
    throw new MurmurError(
      `the server refused an uplink: HTTP ${refused.status} ${String(refused.body.message ?? '')}`,
    );
  return results;
}

export async function serve(
  options: ServeOptions,
  io: ServeIo = defaultIo,
  start: (o: StartOptions) => Promise<RunningServer> = startServer,
): Promise<void> {
  const overrides: ConfigOverrides = {
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.db === undefined ? {} : { db: options.db }),
    ...(options.postgres === undefined ? {} : { postgres: options.postgres }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    ...(options.mqtt === undefined ? {} : { mqtt: options.mqtt }),
    ...(options.udp === undefined ? {} : { udp: options.udp }),
  };
  const config = resolveConfig({
    ...(options.config === undefined ? {} : { file: options.config }),
    overrides,
  });

  if (options.replay !== undefined) {
    const src = await replaySource(options.replay);
    const url = options.url ?? `http://127.0.0.1:${config.port}`;
    if (options.url !== undefined || (await answers(url))) {
      await replayTo(src, url, config, io);
      return;
    }
    io.say(`no server answers at ${url}: starting one in this process`);
    const server = await start({ config });
    for (const n of server.notices) io.say(n);
    await replayTo(src, server.url, config, io);
    io.say('serving until SIGTERM or SIGINT (Ctrl-C)');
    return runUntilSignal(server);
  }

  const server = await start({ config });
  for (const n of server.notices) io.say(n);
  io.say('serving until SIGTERM or SIGINT (Ctrl-C)');
  await runUntilSignal(server);
}
