/**
 * Test helpers that start real services: Mosquitto and PostgreSQL (listening on free TCP ports on loopback,
 * their files in temporary folders, stopped and removed by `stop`), free ports, and `murmur serve` as a
 * child process. Where a program is missing, `…Unavailable()` says why, for the test's title.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { workspaceRoot } from '@murmur/core';
import {
  chirpstackUp,
  examplePayload,
  postgresUnavailable,
  startThrowawayPostgres,
  tempDir,
  ttsMessage,
} from './testing';

export { postgresUnavailable, ttsMessage, chirpstackUp, examplePayload, tempDir };

/** A TCP port nothing listens on now (on loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Mosquitto's program, or undefined when it is not installed. */
function mosquittoBin(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8' }).stdout.trim();
  if (which) return which;
  for (const p of ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto']) if (existsSync(p)) return p;
  return undefined;
}

/** Why Mosquitto cannot be started here, or undefined when it can. */
export function mosquittoUnavailable(): string | undefined {
  return mosquittoBin() ? undefined : 'Mosquitto is not installed (apt-get install mosquitto)';
}

/** Waits until something accepts TCP connections on `port` of loopback. */
async function listening(port: number, child: ChildProcess, what: string): Promise<void> {
  const { connect } = await import('node:net');
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited at start`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await pause(50);
  }
}

export interface Broker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A Mosquitto broker on a free port of loopback. Persistent sessions keep every queued message (no
 * `max_queued_messages` limit), so a subscriber that is away loses nothing the broker acknowledged. With
 * `users`, clients must log in (password file); otherwise anonymous clients are let in.
 */
export async function startMosquitto(o: { users?: Record<string, string> } = {}): Promise<Broker> {
  const bin = mosquittoBin()!;
  const tmp = tempDir('murmur-mqtt-');
  // Mosquitto started as root runs as its own user: it must be able to read its files.
  chmodSync(tmp.dir, 0o755);
  const port = await freePort();
  const lines = [
    `listener ${port} 127.0.0.1`,
    'persistence false',
    'max_queued_messages 0',
    'max_queued_bytes 0',
    'set_tcp_nodelay true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
  ];
  if (o.users) {
    const passwords = join(tmp.dir, 'passwords');
    writeFileSync(passwords, '');
    chmodSync(passwords, 0o644);
    for (const [user, password] of Object.entries(o.users)) {
      const r = spawnSync('mosquitto_passwd', ['-b', passwords, user, password], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr || String(r.error)}`);
    }
    chmodSync(passwords, 0o644);
    lines.push('allow_anonymous false', `password_file ${passwords}`);
  } else lines.push('allow_anonymous true');
  const conf = join(tmp.dir, 'mosquitto.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  chmodSync(conf, 0o644);
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await listening(port, child, 'mosquitto');
  } catch (err) {
    tmp.remove();
    throw new Error(`${(err as Error).message}: ${stderr}`);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      tmp.remove();
    },
  };
}

/**
 * A throwaway PostgreSQL cluster listening on a free TCP port of loopback (with fsync, as a deployment
 * runs), and the URL of its `postgres` database.
 */
export async function startPostgresOnPort(): Promise<{
  url: string;
  port: number;
  stop: () => Promise<void>;
}> {
  const port = await freePort();
  const pg = await startThrowawayPostgres(
    (dir) => ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
    () => `postgres://murmur@127.0.0.1:${port}/postgres`,
  );
  return { ...pg, port };
}

/** `murmur serve` in a child process: its pid, its output so far, and how to stop or kill it. */
export interface ServerProcess {
  child: ChildProcess;
  /** What it has written to stdout (JSON log lines) and stderr. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** SIGKILL: dies at once, acknowledging nothing more. */
  kill(): Promise<void>;
  /** SIGTERM: stops gracefully. */
  stop(): Promise<void>;
}

/** True when `taskset` can pin a process to a CPU here. */
export function canPin(): boolean {
  return spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim() !== '';
}

/**
 * Starts `murmur serve <args>` (the CLI's entry, run by tsx) and waits until it answers /healthz on `port`
 * and, when `ready` is given, until its output says so. With `cpu` (and `taskset`), the server runs on that
 * CPU alone.
 */
export async function spawnServe(
  args: string[],
  o: { port: number; ready?: (output: string) => boolean; env?: NodeJS.ProcessEnv; cpu?: number },
): Promise<ServerProcess> {
  const root = workspaceRoot();
  const command = [process.execPath, join(root, 'tools/cli/bin/murmur.js'), 'serve', ...args];
  if (o.cpu !== undefined && canPin()) command.unshift('taskset', '-c', String(o.cpu));
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: ServerProcess = {
    child,
    output: () => out,
    exited,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`murmur serve exited at start:\n${out.slice(-4000)}`);
    const healthy = await fetch(`http://127.0.0.1:${o.port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy && (!o.ready || o.ready(out))) return proc;
    await pause(100);
  }
}
