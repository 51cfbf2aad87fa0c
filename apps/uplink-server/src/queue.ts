/**
 * Group commit: uplinks wait in a bounded queue and are committed together, one transaction per batch, and
 * each waiter is answered only once its batch has committed. A batch commits when `maxBatch` items wait or
 * `delayMs` after the first of them arrived, whichever comes first. Up to `maxInFlight` batches commit at
 * once (PostgreSQL: each on its own pool connection, so a slow commit does not hold up the uplinks that
 * arrive meanwhile; the unique key still decides between two batches carrying the same uplink); when that
 * many are in flight, what arrives gathers into the next. When `maxDepth` items are waiting or in flight,
 * `submit` refuses at once (the HTTP layer answers 503 with Retry-After) instead of holding more in memory.
 */

/** The queue holds `maxDepth` items: come back later. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

/** The queue is draining for shutdown and takes nothing more. */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
}

export interface GroupCommitOptions {
  /** Most items waiting or in flight (default 10,000). */
  maxDepth: number;
  /** Most items in one commit (default 500). */
  maxBatch: number;
  /** How long the first item of a batch waits for others, in ms (default 5). */
  delayMs: number;
  /** Most batches committing at once (default 1). */
  maxInFlight?: number;
}

export const DEFAULT_QUEUE: GroupCommitOptions = { maxDepth: 10_000, maxBatch: 500, delayMs: 5 };

/** Commits a batch: one result per item, in order (an Error fails that item alone); throws to fail them all. */
export type CommitBatch<I, R> = (items: I[]) => Promise<(R | Error)[]>;

interface Waiter<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

export class GroupCommitQueue<I, R> {
  private waiting: Waiter<I, R>[] = [];
  /** Items in the batches being committed. */
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private due = false;
  /** The batches being committed. */
  private readonly flushing = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly commit: CommitBatch<I, R>,
    readonly options: GroupCommitOptions = DEFAULT_QUEUE,
  ) {}

  /** Items waiting or being committed. */
  get depth(): number {
    return this.waiting.length + this.inFlight;
  }

  /** Queues `item`; resolves with its result once its batch has committed. */
  submit(item: I): Promise<R> {
    if (this.closed) return Promise.reject(new QueueClosedError('the server is shutting down'));
    if (this.depth >= this.options.maxDepth)
      return Promise.reject(new QueueFullError(`the ingest queue holds ${this.depth} uplinks, its limit`));
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.arm();
      this.kick();
    });
  }

  /** Takes nothing more, commits everything queued and resolves when the last batch has committed. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.waiting.length > 0 || this.flushing.size > 0) {
      this.due = this.waiting.length > 0;
      this.kick();
      await Promise.race(this.flushing);
    }
    this.clearTimer();
  }

  /** Makes the waiting items due when a batch is full, else starts the first item's wait. */
  private arm(): void {
    if (this.waiting.length === 0) return this.clearTimer();
    if (this.waiting.length >= this.options.maxBatch) {
      this.due = true;
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.due = true;
        this.kick();
      }, this.options.delayMs);
      this.timer.unref();
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Starts commits of the due items while fewer than `maxInFlight` batches are in flight. */
  private kick(): void {
    const most = Math.max(1, this.options.maxInFlight ?? 1);
    while (this.flushing.size < most && this.due && this.waiting.length > 0) {
      this.due = false;
      this.clearTimer();
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.arm();
      this.inFlight += batch.length;
      const flush: Promise<void> = this.run(batch).finally(() => {
        this.inFlight -= batch.length;
        this.flushing.delete(flush);
        this.arm();
        this.kick();
      });
      this.flushing.add(flush);
    }
  }

  private async run(batch: Waiter<I, R>[]): Promise<void> {
    let results: (R | Error)[];
    try {
      results = await this.commit(batch.map((w) => w.item));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i];
      if (r instanceof Error) w.reject(r);
      else if (r === undefined) w.reject(new Error('the commit returned no result for this item'));
      else w.resolve(r);
    });
  }
}
