import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueueConfig } from './config';
import { closeOnSignals, startServer, type RunningServer } from './server';
import type { Store } from './store';
import { rows, tempPgliteStore, testCatalog, testConfig, ttsMessage, until } from './testing';

let db: Awaited<ReturnType<typeof tempPgliteStore>>;
beforeAll(async () => {
  db = await tempPgliteStore();
});
afterAll(() => db.close());
beforeEach(() => db.reset());

/** The store, with commits that wait until `open()` (and count their batches). */
function gated(store: Store): Store & { open: () => void; batches: number[] } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => (open = r));
  const batches: number[] = [];
  const wrapper = Object.create(store) as Store & { open: () => void; batches: number[] };
  wrapper.commit = async (uplinks) => {
    batches.push(uplinks.length);
    await gate;
    return store.commit(uplinks);
  };
  wrapper.open = () => open();
  wrapper.batches = batches;
  return wrapper;
}

async function start(queue: Partial<QueueConfig>, store: Store = db.store): Promise<RunningServer> {
  return startServer({
    config: testConfig(db.dir, { queue }),
    store,
    catalog: await testCatalog(),
    logger: false,
  });
}

function post(
  server: RunningServer,
  body: unknown,
): Promise<{ status: number; body: any; retryAfter: string | null }> {
  return fetch(`${server.url}/v1/ingest/tts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ({
    status: res.status,
    body: JSON.parse(await res.text()),
    retryAfter: res.headers.get('retry-after'),
  }));
}

const stored = async (): Promise<{ n: number; keys: number }> => {
  const [r] = await rows(
    db.store,
    'SELECT count(*) AS n, count(DISTINCT (network, dedup_key)) AS keys FROM uplinks',
  );
  return { n: Number(r!.n), keys: Number(r!.keys) };
};

/** 2,000 uplinks of 50 devices, 1,500 of them distinct and 500 repeated (network retries). */
function messages(): Record<string, unknown>[] {
  return Array.from({ length: 2000 }, (_, i) => {
    const k = i < 1500 ? i : (i * 7) % 1500;
    return ttsMessage({ devEui: `70b3d57ed00100${String(k % 50).padStart(2, '0')}`, fCnt: k });
  });
}

describe('group commit under load', () => {
  it('commits 2,000 concurrent posts in batches, each acknowledged uplink stored exactly once', async () => {
    // Batches commit when 500 wait (the delay never ends one): 2,000 posts make exactly 4 commits.
    const server = await start({ maxBatch: 500, delayMs: 1e9, maxDepth: 10_000 });
    const answers = await Promise.all(messages().map((m) => post(server, m)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.status === 'stored')).toHaveLength(1500);
    expect(answers.filter((a) => a.body.status === 'duplicate')).toHaveLength(500);
    expect(await stored()).toEqual({ n: 1500, keys: 1500 });
    const ids = answers.filter((a) => a.body.status === 'stored').map((a) => a.body.id as number);
    expect(new Set(ids).size).toBe(1500);
    const m = server.context.metrics;
    expect(m.batchSize.observations).toBe(4);
    expect(m.ingested.get({ network: 'tts' })).toBe(1500);
    expect(m.duplicates.get({ network: 'tts' })).toBe(500);
    const devices = await rows(db.store, 'SELECT sum(uplinks)::int AS n, count(*)::int AS d FROM devices');
    expect(devices[0]).toEqual({ n: 1500, d: 50 });
    // The same 2,000 again: all duplicates, nothing new stored.
    const again = await Promise.all(messages().map((m) => post(server, m)));
    expect(again.every((a) => a.status === 200 && a.body.status === 'duplicate')).toBe(true);
    expect(await stored()).toEqual({ n: 1500, keys: 1500 });
    await server.close();
  });

  it('answers 503 with Retry-After when the queue is full, and stores what it acknowledged', async () => {
    const store = gated(db.store);
    const server = await start({ maxDepth: 2, maxBatch: 1, delayMs: 0, retryAfterSeconds: 3 }, store);
    const first = post(server, ttsMessage({ fCnt: 1 }));
    const second = post(server, ttsMessage({ fCnt: 2 }));
    await until(() => server.context.ingestor.queue.depth === 2);
    const refused = await post(server, ttsMessage({ fCnt: 3 }));
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('3');
    expect(refused.body).toMatchObject({ error: 'overloaded' });
    const health = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(health).toMatch(/^murmur_ingest_queue_depth 2$/m);
    expect(health).toMatch(/^murmur_ingest_queue_full_total 1$/m);
    store.open();
    expect((await first).body.status).toBe('stored');
    expect((await second).body.status).toBe('stored');
    expect((await post(server, ttsMessage({ fCnt: 3 }))).body.status).toBe('stored');
    expect(await stored()).toEqual({ n: 3, keys: 3 });
    await server.close();
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM refuses new uplinks, commits and acknowledges every queued one, then stops', async () => {
    // A commit only when 1,000 wait: the 40 posts stay queued until the shutdown drains the queue.
    const server = await start({ maxBatch: 1000, delayMs: 1e9 });
    const pending = Array.from({ length: 40 }, (_, i) => post(server, ttsMessage({ fCnt: i })));
    await until(() => server.context.ingestor.queue.depth === 40);
    expect(await stored()).toEqual({ n: 0, keys: 0 });
    let closed: (err?: unknown) => void = () => undefined;
    const stopped = new Promise<unknown>((r) => (closed = r));
    const remove = closeOnSignals(server, closed);
    process.emit('SIGTERM');
    expect(await stopped).toBeUndefined();
    remove();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.body.status)).toEqual(Array(40).fill('stored'));
    expect(await stored()).toEqual({ n: 40, keys: 40 });
    expect(server.context.stopping).toBe(true);
    await expect(post(server, ttsMessage({ fCnt: 99 }))).rejects.toThrow(); // no longer listening
  });
});
