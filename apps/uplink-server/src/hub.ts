/**
 * The live view's fan-out: every committed uplink goes to the subscribers (the `/v1/stream` clients, and any
 * later consumer such as the fleet page), after its commit and never before.
 */
import type { UplinkRecord } from './store';

export type Subscriber = (uplink: UplinkRecord) => void;

export class UplinkHub {
  private readonly subscribers = new Set<Subscriber>();

  get size(): number {
    return this.subscribers.size;
  }

  /** Calls `fn` with every uplink committed from now on; returns the unsubscribe function. */
  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  publish(uplink: UplinkRecord): void {
    for (const fn of this.subscribers) {
      try {
        fn(uplink);
      } catch {
        // A subscriber's failure (a closed socket) is its own; the others still get the uplink.
      }
    }
  }
}
