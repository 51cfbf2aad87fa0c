/**
 * The fault test: 20,000 uplinks offered over HTTP (TTS webhook) and MQTT (TTS topic), with duplicates and
 * TTS-style retries (the same body again after an error, a timeout or a reset connection), while
 * `murmur serve` runs as a child process that is killed with SIGKILL twice and restarted. Every uplink whose
 * offer was acknowledged (HTTP 2xx, or the broker's PUBACK to the publisher at QoS 1) must be stored exactly
 * once. On PGlite (one server) and on PostgreSQL (two servers sharing the MQTT subscription).
 */
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { openPglite, openPostgres, type SqlDriver } from './store';
import { seedPgliteDir, tempDir, ttsMessage } from './testing';
import {
  freePort,
  mosquittoUnavailable,
  postgresUnavailable,
  spawnServe,
  startMosquitto,
  startPostgresOnPort,
  type Broker,
  type ServerProcess,
} from './testing-services';

const OFFERS = 20_000;
/** Every fifth offer is a copy of an earlier uplink (a second delivery), on either transport. */
const DISTINCT = OFFERS - OFFERS / 5;
const DEVICES = 50;
const HTTP_WORKERS = 24;
const MQTT_WINDOW = 64;
const TOPIC = 'v3/murmur@ttn/devices/+/up';
const SESSIONS = 8;

interface Offer {
  uplink: number;
  via: 'http' | 'mqtt';
}

const devEui = (uplink: number): string => `70b3d57ed00200${String(uplink % DEVICES).padStart(2, '0')}`;
const keyOf = (uplink: number): string => `${devEui(uplink)}:AXBSH1Pk6Z0G166/u/KXvA==:${uplink}`;
const bodyOf = (uplink: number): string =>
  JSON.stringify(ttsMessage({ devEui: devEui(uplink), fCnt: uplink, deviceId: `dev-${uplink % DEVICES}` }));

/** The offers in order: the distinct uplinks alternate between HTTP and MQTT; every fifth repeats one. */
function offers(): Offer[] {
  const out: Offer[] = [];
  let next = 0;
  for (let k = 0; k < OFFERS; k++) {
    if (k % 5 === 4) out.push({ uplink: (k * 7919) % next, via: (k / 5) % 2 < 1 ? 'http' : 'mqtt' });
    else out.push({ uplink: next++, via: k % 2 === 0 ? 'http' : 'mqtt' });
  }
  return out;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One webhook call: its status, body and Retry-After; rejects when the connection is refused or reset, or
 * nothing comes back within a minute (then the caller sends it again).
 */
function postOnce(
  agent: Agent,
  port: number,
  body: string,
): Promise<{ status: number; text: string; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/ingest/tts',
        method: 'POST',
        agent,
        timeout: 60_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: Number(res.headers['retry-after'] ?? 1),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within a minute')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Polls `read` until it gives `target`, or until it has not changed for a minute (then the assertions that
 * follow show what is missing instead of the test waiting for its timeout).
 */
async function settle(read: () => Promise<number>, target: number): Promise<void> {
  let last = NaN;
  let since = Date.now();
  for (;;) {
    const v = await read();
    if (v === target) return;
    if (v !== last) {
      last = v;
      since = Date.now();
    } else if (Date.now() - since > 60_000) return;
    await pause(200);
  }
}

/** The test's own limit: the runner's default is shorter than a run on a busy two-core machine may take. */
const RUN_TIMEOUT_MS = 900_000;

interface Figures {
  offers: number;
  distinct: number;
  httpOffers: number;
  mqttOffers: number;
  httpAttempts: number;
  httpRetries: number;
  httpStored: number;
  httpDuplicate: number;
  kills: number;
  stored: number;
  storedTwice: number;
  seconds: number;
}

/**
 * Runs the offers against the servers at `ports` (HTTP, round-robin, a failed attempt retried on the next)
 * and the broker, and calls `kill(n)` when 30 % and 65 % of the offers are acknowledged.
 */
async function run(
  ports: number[],
  broker: Broker,
  kill: (n: number) => Promise<void>,
): Promise<{
  figures: Omit<Figures, 'stored' | 'storedTwice' | 'seconds'>;
  storedAnswers: Map<number, number>;
}> {
  const list = offers();
  const publisher = await mqtt.connectAsync(broker.url, {
    clientId: 'fault-publisher',
    protocolVersion: 5,
    clean: true,
  });
  let acked = 0;
  let httpAttempts = 0;
  let httpStored = 0;
  let httpDuplicate = 0;
  const storedAnswers = new Map<number, number>();
  const bad: string[] = [];

  // Keep-alive connections (node:http, lighter than fetch): a killed server resets them, and the post that
  // was on one is sent again, as TTS retries a webhook call that failed.
  const agent = new Agent({ keepAlive: true, maxSockets: HTTP_WORKERS });
  const post = async (offer: Offer, index: number): Promise<void> => {
    const body = bodyOf(offer.uplink);
    for (let attempt = 0; ; attempt++) {
      const port = ports[(index + attempt) % ports.length]!;
      httpAttempts++;
      try {
        const res = await postOnce(agent, port, body);
        if (res.status === 200) {
          const status = (JSON.parse(res.text) as { status: string }).status;
          if (status === 'stored') {
            httpStored++;
            storedAnswers.set(offer.uplink, (storedAnswers.get(offer.uplink) ?? 0) + 1);
          } else httpDuplicate++;
          return;
        }
        if (res.status !== 503) bad.push(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
        await pause(Math.min(res.retryAfter, 1) * 1000);
      } catch {
        // Refused, reset or timed out: the server is down or restarting. Send the same body again.
        await pause(100);
      }
    }
  };

  const kills = [0.3, 0.65].map((f) => Math.floor(f * OFFERS));
  let killed = 0;
  let killing: Promise<void> = Promise.resolve();
  const progress = (): void => {
    acked++;
    if (killed < kills.length && acked >= kills[killed]!) {
      const n = ++killed;
      killing = killing.then(() => kill(n));
    }
  };

  let nextHttp = 0;
  const httpOffers = list.map((o, i) => ({ o, i })).filter((x) => x.o.via === 'http');
  const mqttOffers = list.filter((o) => o.via === 'mqtt');
  const httpWorker = async (): Promise<void> => {
    while (nextHttp < httpOffers.length) {
      const { o, i } = httpOffers[nextHttp++]!;
      await post(o, i);
      progress();
    }
  };
  // MQTT offers go at the pace of the HTTP ones, so that both are in flight when a server is killed.
  let nextMqtt = 0;
  const mqttWorker = async (): Promise<void> => {
    while (nextMqtt < mqttOffers.length) {
      if (nextMqtt > nextHttp + 200 && nextHttp < httpOffers.length) {
        await pause(5);
        continue;
      }
      const o = mqttOffers[nextMqtt++]!;
      await publisher.publishAsync(TOPIC.replace('+', `dev-${o.uplink % DEVICES}`), bodyOf(o.uplink), {
        qos: 1,
      });
      progress();
    }
  };
  await Promise.all([
    ...Array.from({ length: HTTP_WORKERS }, httpWorker),
    ...Array.from({ length: MQTT_WINDOW }, mqttWorker),
  ]);
  await killing;
  agent.destroy();
  await publisher.endAsync();
  expect(bad).toEqual([]);
  expect(killed).toBe(2);
  return {
    figures: {
      offers: list.length,
      distinct: DISTINCT,
      httpOffers: httpOffers.length,
      mqttOffers: mqttOffers.length,
      httpAttempts,
      httpRetries: httpAttempts - httpOffers.length,
      httpStored,
      httpDuplicate,
      kills: killed,
    },
    storedAnswers,
  };
}

/** Counts in the store: rows, distinct keys, and the keys that are not among the offered ones. */
async function storedCounts(db: SqlDriver): Promise<{ n: number; keys: number; foreign: number }> {
  const [r] = await db.query<{ n: number; keys: number }>(
    "SELECT count(*)::int AS n, count(DISTINCT dedup_key)::int AS keys FROM uplinks WHERE network = 'tts'",
  );
  const all = await db.query<{ dedup_key: string }>('SELECT dedup_key FROM uplinks');
  const offered = new Set(Array.from({ length: DISTINCT }, (_, i) => keyOf(i)));
  return { n: r!.n, keys: r!.keys, foreign: all.filter((x) => !offered.has(x.dedup_key)).length };
}

/**
 * What the servers and the broker hold when not everything was stored: the servers' MQTT and queue metrics,
 * and the messages the broker still keeps ($SYS).
 */
async function diagnostics(ports: number[], broker: Broker): Promise<string> {
  const lines: string[] = [];
  for (const port of ports) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (r) => r.text(),
      (err: unknown) => `unreachable: ${String(err)}`,
    );
    lines.push(
      `server :${port}: ${text
        .split('\n')
        .filter((l) => /^murmur_(mqtt|ingest_queue_depth|uplinks_)/.test(l))
        .join('; ')}`,
    );
  }
  const sys = await mqtt.connectAsync(broker.url, { clientId: 'fault-diagnostics', protocolVersion: 5 });
  const seen = new Map<string, string>();
  sys.on('message', (topic, payload) => seen.set(topic, payload.toString()));
  await sys.subscribeAsync(['$SYS/broker/store/messages/count', '$SYS/broker/clients/connected']);
  await pause(1500);
  await sys.endAsync();
  lines.push(`broker: ${[...seen].map(([t, v]) => `${t} ${v}`).join('; ')}`);
  return lines.join('\n');
}

/** The sum of the devices' uplink counts, from the query API. */
async function storedViaApi(port: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/devices?limit=1000`);
    const body = (await res.json()) as { items: { uplinks: number }[] };
    return body.items.reduce((n, d) => n + d.uplinks, 0);
  } catch {
    return -1;
  }
}

const pgSkip = postgresUnavailable();
const mqttSkip = mosquittoUnavailable();
const name = (t: string, skip?: string): string => (skip ? `${t} [skipped: ${skip}]` : t);

describe.skipIf(mqttSkip !== undefined)(
  name('fault test: SIGKILL twice during 20,000 offers', mqttSkip),
  () => {
    // A broker per test: the sessions a test leaves behind stay members of the shared group, and the broker
    // would keep handing them a share of the next test's messages.
    let broker: Broker;
    beforeEach(async () => {
      broker = await startMosquitto();
    });
    afterEach(() => broker?.stop());

    /** `--mqtt` and the config file of a server: the broker's TTS topic, shared by the servers' sessions. */
    function mqttArgs(dir: string, clientId: string): string[] {
      const file = join(dir, `${clientId}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          mqtt: {
            network: 'tts',
            topic: TOPIC,
            sharedGroup: 'murmur',
            clientId,
            sessions: SESSIONS,
            sessionExpirySeconds: 3600,
          },
        }),
      );
      return ['--mqtt', broker.url, '--config', file];
    }

    const subscribed = async (port: number): Promise<boolean> => {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
      return new RegExp(`^murmur_mqtt_sessions_subscribed ${SESSIONS}$`, 'm').test(text);
    };

    /** Every server process a test started: killed when it ends, whatever its outcome. */
    const started: ServerProcess[] = [];
    afterEach(async () => {
      await Promise.all(started.splice(0).map((p) => p.kill()));
    });

    async function serve(args: string[], port: number): Promise<ServerProcess> {
      const base = ['--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn'];
      const proc = await spawnServe([...base, ...args], { port });
      started.push(proc);
      while (!(await subscribed(port))) {
        if (proc.child.exitCode !== null || proc.child.signalCode !== null)
          throw new Error(`murmur serve exited:\n${proc.output().slice(-4000)}`);
        await pause(100);
      }
      return proc;
    }

    it(
      'on PGlite, one server: every acknowledged uplink is stored exactly once',
      async () => {
        const t0 = Date.now();
        const tmp = tempDir('murmur-fault-');
        onTestFinished(() => tmp.remove());
        const port = await freePort();
        seedPgliteDir(join(tmp.dir, 'db'));
        const args = ['--db', join(tmp.dir, 'db'), ...mqttArgs(tmp.dir, 'fault-pglite')];
        let server = await serve(args, port);
        const { figures, storedAnswers } = await run([port], broker, async () => {
          await server.kill();
          server = await serve(args, port);
        });
        // What the broker holds for the sessions is committed after the last offer: wait for all of it.
        await settle(() => storedViaApi(port), DISTINCT);
        if ((await storedViaApi(port)) !== DISTINCT) console.info(await diagnostics([port], broker));
        await server.stop();
        const db = await openPglite(join(tmp.dir, 'db'));
        const counts = await storedCounts(db);
        await db.close();
        const storedTwice = [...storedAnswers.values()].filter((n) => n > 1).length;
        const all: Figures = {
          ...figures,
          stored: counts.n,
          storedTwice,
          seconds: Math.round((Date.now() - t0) / 100) / 10,
        };
        console.info(`fault test, PGlite: ${JSON.stringify(all)}`);
        expect(counts).toEqual({ n: DISTINCT, keys: DISTINCT, foreign: 0 });
        expect(storedTwice).toBe(0);
      },
      RUN_TIMEOUT_MS,
    );

    it.skipIf(pgSkip !== undefined)(
      name(
        'on PostgreSQL, two servers sharing the MQTT subscription: every acknowledged uplink is stored exactly once',
        pgSkip,
      ),
      async () => {
        const t0 = Date.now();
        const pg = await startPostgresOnPort();
        const tmp = tempDir('murmur-fault-');
        // Registered first, run last: after the servers are killed.
        onTestFinished(async () => {
          tmp.remove();
          await pg.stop();
        });
        const ports = [await freePort(), await freePort()];
        const args = (i: number) => ['--postgres', pg.url, ...mqttArgs(tmp.dir, `fault-pg-${i}`)];
        // One at a time: the first applies the migrations.
        const servers = [await serve(args(0), ports[0]!)];
        servers.push(await serve(args(1), ports[1]!));
        const db = await openPostgres(pg.url, 2);
        onTestFinished(() => db.close());
        const { figures, storedAnswers } = await run(ports, broker, async (n) => {
          const i = (n - 1) % 2;
          await servers[i]!.kill();
          servers[i] = await serve(args(i), ports[i]!);
        });
        await settle(async () => (await storedCounts(db)).n, DISTINCT);
        if ((await storedCounts(db)).n !== DISTINCT) console.info(await diagnostics(ports, broker));
        await Promise.all(servers.map((s) => s.stop()));
        const counts = await storedCounts(db);
        const storedTwice = [...storedAnswers.values()].filter((n) => n > 1).length;
        const all: Figures = {
          ...figures,
          stored: counts.n,
          storedTwice,
          seconds: Math.round((Date.now() - t0) / 100) / 10,
        };
        console.info(`fault test, PostgreSQL (2 servers): ${JSON.stringify(all)}`);
        expect(counts).toEqual({ n: DISTINCT, keys: DISTINCT, foreign: 0 });
        expect(storedTwice).toBe(0);
      },
      RUN_TIMEOUT_MS,
    );
  },
);
