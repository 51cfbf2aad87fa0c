import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  chirpstackUp,
  examplePayload,
  rows,
  startTestServer,
  tempPgliteStore,
  testConfig,
  ttsMessage,
  type Message,
  type TestServer,
} from './testing';

let db: Awaited<ReturnType<typeof tempPgliteStore>>;
let t: TestServer;
beforeAll(async () => {
  db = await tempPgliteStore();
  t = await startTestServer(db.store, testConfig(db.dir, { queue: { delayMs: 1 } }));
});
afterAll(async () => {
  await t.server.close();
  await db.close();
});

/** Values that break naive readers (out of range, wrong type, unstorable text, a body over the limit). */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    -1,
    0,
    1.5,
    223,
    224,
    2 ** 32,
    1e300,
    -0,
    '',
    'x',
    '\u0000',
    'a\ud800b',
    '2026-13-45T99:99:99Z',
    '0000-01-01T00:00:00Z',
    '2016-12-31T23:59:60Z',
    '9999-12-31T23:59:59-23:59',
    'AAAA',
    null,
    true,
    [],
    {},
    'g'.repeat(70_000),
  ),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 80 }),
  fc.double(),
  fc.integer(),
  fc.base64String({ maxLength: 400 }),
);

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** `message` with 1..3 of its values replaced by hostile ones or deleted. */
function mutated(message: Message): fc.Arbitrary<Message> {
  const paths = pathsOf(message);
  const edit = fc.record({ path: fc.constantFrom(...paths), value: hostileValue, remove: fc.boolean() });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const out = structuredClone(message);
    for (const e of edits) {
      let parent: any = out;
      for (const k of e.path.slice(0, -1))
        parent = typeof parent === 'object' && parent !== null ? parent[k] : undefined;
      if (typeof parent !== 'object' || parent === null) continue;
      if (e.remove) delete parent[e.path.at(-1)!];
      else parent[e.path.at(-1)!] = e.value;
    }
    return out;
  });
}

const devEui = fc.constantFrom('70b3d57ed0000001', '70B3D57ED0000002', '0004a30b001c0001');
const ttsValid = fc
  .record({ devEui, fCnt: fc.integer({ min: 0, max: 40 }), example: fc.integer({ min: 0, max: 3 }) })
  .map((r) => ttsMessage({ devEui: r.devEui, fCnt: r.fCnt, payload: examplePayload.ppg(r.example) }));
const csValid = fc
  .record({ devEui, fCnt: fc.integer({ min: 0, max: 40 }), example: fc.integer({ min: 0, max: 2 }) })
  .map((r) =>
    chirpstackUp({
      devEui: r.devEui,
      fCnt: r.fCnt,
      dedup: `dedup-${r.fCnt}`,
      payload: examplePayload.pm(r.example),
    }),
  );

/** A request: a path and a body (JSON text or raw bytes). */
const request: fc.Arbitrary<{ path: string; body: string | Uint8Array }> = fc.oneof(
  { weight: 3, arbitrary: ttsValid.map((m) => ({ path: '/v1/ingest/tts', body: JSON.stringify(m) })) },
  {
    weight: 3,
    arbitrary: csValid.map((m) => ({ path: '/v1/ingest/chirpstack?event=up', body: JSON.stringify(m) })),
  },
  {
    weight: 6,
    arbitrary: ttsValid
      .chain(mutated)
      .map((m) => ({ path: '/v1/ingest/tts', body: JSON.stringify(m) ?? '' })),
  },
  {
    weight: 6,
    arbitrary: csValid
      .chain(mutated)
      .map((m) => ({ path: '/v1/ingest/chirpstack?event=up', body: JSON.stringify(m) ?? '' })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      path: fc.constantFrom(
        '/v1/ingest/tts',
        '/v1/ingest/chirpstack?event=up',
        '/v1/ingest/chirpstack?event=join',
      ),
      body: fc.oneof(
        fc.uint8Array({ maxLength: 2000 }),
        fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
      ),
    }),
  },
);

describe('hostile input over HTTP', () => {
  it('answers every request with 2xx or a 4xx naming the problem, never a crash, and stores each acknowledged uplink once', async () => {
    const storedIds: number[] = [];
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ path, body }) => {
        const res = await t.post(path, body);
        const text = await res.text();
        answered++;
        expect([200, 204, 400, 413, 415], `${res.status} ${text.slice(0, 300)}`).toContain(res.status);
        if (res.status === 204) return;
        const answer = JSON.parse(text);
        if (res.status === 200) {
          expect(['stored', 'duplicate']).toContain(answer.status);
          if (answer.status === 'stored') storedIds.push(answer.id);
        } else {
          expect(typeof answer.error).toBe('string');
          expect(typeof answer.message).toBe('string');
          expect(answer.message.length).toBeLessThanOrEqual(500);
        }
      }),
      { seed: 61, numRuns: 500 },
    );
    expect(answered).toBe(500);
    expect(storedIds.length).toBeGreaterThan(20);
    const ids = (await rows(db.store, 'SELECT id FROM uplinks ORDER BY id')).map((r) => Number(r.id));
    expect(ids).toEqual([...storedIds].sort((a, b) => a - b));
    const [keys] = await rows(db.store, 'SELECT count(DISTINCT (network, dedup_key))::int AS n FROM uplinks');
    expect(keys!.n).toBe(ids.length);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
