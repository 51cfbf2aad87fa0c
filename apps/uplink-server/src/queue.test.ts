import { describe, expect, it } from 'vitest';
import { GroupCommitQueue, QueueClosedError, QueueFullError } from './queue';

/** A commit that records its batches and waits for `release()` before it returns. */
function gatedCommit() {
  const batches: number[][] = [];
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  const commit = async (items: number[]): Promise<(string | Error)[]> => {
    batches.push(items);
    await gate;
    return items.map((i) => (i < 0 ? new Error(`bad ${i}`) : `ok ${i}`));
  };
  return {
    batches,
    commit,
    close: () => (gate = new Promise<void>((r) => (open = r))),
    release: () => open(),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('GroupCommitQueue', () => {
  it('commits a full batch at once, without waiting for the delay', async () => {
    const c = gatedCommit();
    const q = new GroupCommitQueue(c.commit, { maxDepth: 100, maxBatch: 4, delayMs: 1e9 });
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => q.submit(i)));
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `ok ${i}`));
    expect(c.batches).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });

  it('commits a partial batch after the delay, and gathers what arrives during a commit', async () => {
    const c = gatedCommit();
    const q = new GroupCommitQueue(c.commit, { maxDepth: 100, maxBatch: 100, delayMs: 1 });
    c.close();
    const first = q.submit(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(c.batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((i) => q.submit(i));
    await new Promise((r) => setTimeout(r, 20));
    expect(c.batches).toHaveLength(1); // one commit in flight at a time
    expect(q.depth).toBe(4);
    c.release();
    await first;
    await Promise.all(rest);
    expect(c.batches).toEqual([[1], [2, 3, 4]]);
    expect(q.depth).toBe(0);
  });

  it('commits up to maxInFlight batches at once; what arrives beyond them waits for one to finish', async () => {
    const c = gatedCommit();
    const q = new GroupCommitQueue(c.commit, { maxDepth: 100, maxBatch: 2, delayMs: 1e9, maxInFlight: 2 });
    c.close();
    const all = [1, 2, 3, 4, 5, 6].map((i) => q.submit(i));
    await tick();
    expect(c.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(q.depth).toBe(6);
    c.release();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `ok ${i}`));
    expect(c.batches).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    await q.drain();
    expect(q.depth).toBe(0);
  });

  it('refuses beyond maxDepth, counting the batch in flight', async () => {
    const c = gatedCommit();
    c.close();
    const q = new GroupCommitQueue(c.commit, { maxDepth: 3, maxBatch: 2, delayMs: 1e9 });
    const accepted = [1, 2, 3].map((i) => q.submit(i));
    await tick();
    expect(c.batches).toEqual([[1, 2]]);
    await expect(q.submit(4)).rejects.toBeInstanceOf(QueueFullError);
    c.release();
    await Promise.all([accepted[0], accepted[1]]);
    const drained = q.drain();
    expect(await accepted[2]).toBe('ok 3');
    await drained;
  });

  it('fails one item for its own error and all items when the commit throws', async () => {
    const q = new GroupCommitQueue(gatedCommit().commit, { maxDepth: 10, maxBatch: 2, delayMs: 1e9 });
    const [a, b] = [q.submit(-1), q.submit(2)];
    await expect(a).rejects.toThrow('bad -1');
    expect(await b).toBe('ok 2');
    const failing = new GroupCommitQueue<number, string>(
      async () => {
        throw new Error('disk full');
      },
      { maxDepth: 10, maxBatch: 2, delayMs: 1e9 },
    );
    const both = [failing.submit(1), failing.submit(2)];
    for (const p of both) await expect(p).rejects.toThrow('disk full');
  });

  it('drains: commits everything queued, then refuses', async () => {
    const c = gatedCommit();
    const q = new GroupCommitQueue(c.commit, { maxDepth: 100, maxBatch: 3, delayMs: 1e9 });
    const pending = [1, 2, 3, 4, 5, 6, 7].map((i) => q.submit(i));
    await q.drain();
    expect(await Promise.all(pending)).toHaveLength(7);
    expect(c.batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await expect(q.submit(8)).rejects.toBeInstanceOf(QueueClosedError);
  });
});
