/**
 * HTTP ingestion of the uplink server (`murmur serve` in a child process, pinned to one CPU with `taskset`
 * where it exists), into PGlite and into PostgreSQL (a throwaway cluster with its default durability,
 * fsync on): the most uplinks per second it acknowledges with many webhook posts in flight (closed loop),
 * then the acknowledgement latency (p50/p99/max) of posts sent on a fixed schedule at half and at a quarter
 * of that rate (open loop: a late answer does not delay the next post, so queueing shows in the latency).
 * Every post is a distinct TTS uplink, so each one is a row inserted.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type * as TestingModule from '@murmur/uplink-server/testing';
import type { BenchSuite } from '../suite';

/** Goals from the issue; reported, not enforced. */
const GOALS = { pgliteUplinksPerSecond: 2_000, postgresUplinksPerSecond: 5_000, p99AtHalfRateMs: 50 };
/** Posts in flight in the closed loops: the most uplinks/s is the better of the two. */
const CONCURRENCIES = [128, 512];
const WARMUP_MS = 2_000;
const MEASURE_MS = 8_000;
const OPEN_LOOP_MS = 10_000;
const DEVICES = 200;
/** The server's CPU; the load generator (and PostgreSQL) use the others. */
const SERVER_CPU = 0;

type Testing = typeof TestingModule;

interface Post {
  status: number;
  ms: number;
}

function poster(port: number, testing: Testing) {
  const agent = new Agent({ keepAlive: true, maxSockets: 2048 });
  let fCnt = 0;
  const body = (): string => {
    const n = fCnt++;
    return JSON.stringify(
      testing.ttsMessage({
        devEui: `70b3d57ed003${String(n % DEVICES).padStart(4, '0')}`,
        fCnt: Math.floor(n / DEVICES),
        deviceId: `bench-${n % DEVICES}`,
      }),
    );
  };
  const post = (): Promise<Post> =>
    new Promise((resolve) => {
      const text = body();
      const t0 = process.hrtime.bigint();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/ingest/tts',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
          );
        },
      );
      req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      req.end(text);
    });
  return { post, close: () => agent.destroy() };
}

/** CPU seconds (user + system) a process has used, from /proc; undefined where there is none. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Uplinks acknowledged per second with `concurrency` posts in flight, after a warm-up. */
async function closedLoop(
  post: () => Promise<Post>,
  concurrency: number,
  serverPid: number | undefined,
): Promise<{ perSecond: number; errors: number; posts: number; serverCpu?: number; loadCpu: number }> {
  let counting = false;
  let done = 0;
  let errors = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop) {
      const r = await post();
      if (!counting) continue;
      if (r.status === 200) done++;
      else errors++;
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  counting = true;
  const t0 = process.hrtime.bigint();
  const cpu0 = cpuSeconds(serverPid);
  const load0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = cpuSeconds(serverPid);
  const load = process.cpuUsage(load0);
  const perSecond = done / seconds;
  counting = false;
  stop = true;
  await Promise.all(workers);
  const share = (x: number): number => Math.round((x / seconds) * 100) / 100;
  return {
    perSecond,
    errors,
    posts: done + errors,
    ...(cpu0 === undefined || cpu1 === undefined ? {} : { serverCpu: share(cpu1 - cpu0) }),
    loadCpu: share((load.user + load.system) / 1e6),
  };
}

/** Latencies of posts sent on a fixed schedule at `rate` per second (each measured from its due time). */
async function openLoop(
  post: () => Promise<Post>,
  rate: number,
): Promise<{ rate: number; posts: number; errors: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  const total = Math.max(1, Math.round((rate * OPEN_LOOP_MS) / 1000));
  const latencies: number[] = [];
  let errors = 0;
  const start = process.hrtime.bigint();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = (i * 1000) / rate;
    const now = Number(process.hrtime.bigint() - start) / 1e6;
    if (due > now) await new Promise((r) => setTimeout(r, due - now));
    pending.push(
      post().then((r) => {
        const late = Number(process.hrtime.bigint() - start) / 1e6 - due;
        if (r.status === 200) latencies.push(Math.max(late, r.ms));
        else errors++;
      }),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const r1 = (x: number): number => Math.round(x * 10) / 10;
  return {
    rate: Math.round(rate),
    posts: total,
    errors,
    p50Ms: r1(at(0.5)),
    p99Ms: r1(at(0.99)),
    maxMs: r1(at(1)),
  };
}

/** Closed-loop throughput, then open-loop latency at half and a quarter of it and at half of `goalPerSecond`. */
async function measure(testing: Testing, store: string[], goalPerSecond: number) {
  const port = await testing.freePort();
  const server = await testing.spawnServe(
    ['--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn', ...store],
    {
      port,
      cpu: SERVER_CPU,
    },
  );
  try {
    const p = poster(port, testing);
    const loops = [];
    for (const concurrency of CONCURRENCIES) {
      const r = await closedLoop(p.post, concurrency, server.child.pid);
      loops.push({
        concurrency,
        uplinksPerSecond: Math.round(r.perSecond),
        seconds: MEASURE_MS / 1000,
        posts: r.posts,
        errors: r.errors,
        // CPUs the server process used (1: its one core saturated) and the load generator used.
        serverCpus: r.serverCpu ?? null,
        loadGeneratorCpus: r.loadCpu,
      });
    }
    const max = Math.max(...loops.map((l) => l.uplinksPerSecond));
    const atHalfRate = await openLoop(p.post, max / 2);
    const atQuarterRate = await openLoop(p.post, max / 4);
    // The goal's own operating point: half the throughput the goal asks for.
    const atHalfGoalRate = await openLoop(p.post, goalPerSecond / 2);
    p.close();
    return { uplinksPerSecond: max, closedLoops: loops, atHalfRate, atQuarterRate, atHalfGoalRate };
  } finally {
    await server.stop();
  }
}

export const suite: BenchSuite = {
  name: 'ingest',
  description:
    'uplink server HTTP ingestion into PGlite and PostgreSQL: uplinks/s with the server on one core, p99 acknowledgement latency at half that rate',
  async run() {
    const testing = await import('@murmur/uplink-server/testing');
    const { cpus } = await import('node:os');
    const pinned = testing.canPin();
    const tmp = testing.tempDir('murmur-bench-ingest-');
    const pglite = await measure(testing, ['--db', join(tmp.dir, 'db')], GOALS.pgliteUplinksPerSecond);
    tmp.remove();
    let postgres: Awaited<ReturnType<typeof measure>> | { skipped: string };
    const pgSkip = testing.postgresUnavailable();
    if (pgSkip) postgres = { skipped: pgSkip };
    else {
      const pg = await testing.startPostgresOnPort();
      try {
        postgres = await measure(testing, ['--postgres', pg.url], GOALS.postgresUplinksPerSecond);
      } finally {
        await pg.stop();
      }
    }
    const meets = (r: typeof postgres, perSecond: number) =>
      'uplinksPerSecond' in r
        ? {
            uplinksPerSecond: r.uplinksPerSecond >= perSecond,
            p99AtHalfRate: r.atHalfRate.p99Ms <= GOALS.p99AtHalfRateMs,
            p99AtHalfGoalRate: r.atHalfGoalRate.p99Ms <= GOALS.p99AtHalfRateMs,
          }
        : null;
    return {
      method: `murmur serve in a child process${pinned ? ` pinned to CPU ${SERVER_CPU} (taskset)` : ' (not pinned: no taskset)'}, default queue (batch 500, 5 ms delay; commits in flight: 3 on PostgreSQL, 1 on PGlite); load from this process over keep-alive HTTP/1.1: ${CONCURRENCIES.join(' and ')} posts in flight, each for ${MEASURE_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up (uplinksPerSecond: the better), then ${OPEN_LOOP_MS / 1000} s of posts on a fixed schedule at half and at a quarter of that rate and at half the goal's rate (latency from each post's due time); every post a distinct TTS uplink`,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
      goals: GOALS,
      pglite: { ...pglite, meetsGoal: meets(pglite, GOALS.pgliteUplinksPerSecond) },
      postgres: { ...postgres, meetsGoal: meets(postgres, GOALS.postgresUplinksPerSecond) },
    };
  },
};
