import { MurmurError } from '@murmur/core';

/** A buffer that must hold its bytes from step `first` to step `last` (inclusive). */
export interface BufferLifetime {
  name: string;
  size: number;
  first: number;
  last: number;
}

export interface PlannedBuffer extends BufferLifetime {
  /** Byte offset in the arena (a multiple of the alignment). */
  offset: number;
}

export interface ArenaPlan {
  buffers: PlannedBuffer[];
  /** Exact arena size in bytes: the largest offset + size (0 when there is nothing to place). */
  size: number;
  alignment: number;
}

const overlaps = (a: BufferLifetime, b: BufferLifetime): boolean => a.first <= b.last && b.first <= a.last;
const alignUp = (n: number, alignment: number): number => Math.ceil(n / alignment) * alignment;

/**
 * Places buffers in one static arena so that buffers alive at the same step never share bytes and
 * buffers with disjoint lifetimes reuse them: largest first (ties: earliest first, then name), each at
 * the lowest aligned offset that fits between the buffers already placed whose lifetimes overlap its
 * own (the greedy-by-size plan TFLite Micro uses). The result is deterministic.
 */
export function planArena(lifetimes: readonly BufferLifetime[], alignment = 4): ArenaPlan {
  for (const b of lifetimes) {
    if (!Number.isInteger(b.size) || b.size < 0)
      throw new MurmurError(`buffer '${b.name}' has a bad size ${b.size}`);
    if (b.last < b.first)
      throw new MurmurError(`buffer '${b.name}' ends (step ${b.last}) before it starts (${b.first})`);
  }
  const order = [...lifetimes].sort(
    (a, b) => b.size - a.size || a.first - b.first || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const placed: PlannedBuffer[] = [];
  for (const buffer of order) {
    let offset = 0;
    const live = placed.filter((p) => p.size > 0 && overlaps(p, buffer)).sort((a, b) => a.offset - b.offset);
    for (const other of live) {
      if (offset + buffer.size <= other.offset) break;
      offset = Math.max(offset, alignUp(other.offset + other.size, alignment));
    }
    placed.push({ ...buffer, offset });
  }
  const size = placed.reduce((m, p) => Math.max(m, p.size > 0 ? p.offset + p.size : 0), 0);
  const byInput = lifetimes.map((l) => placed.find((p) => p.name === l.name)!);
  return { buffers: byInput, size, alignment };
}

/** The most bytes alive at any one step: a lower bound for every plan's size. */
export function peakLiveBytes(lifetimes: readonly BufferLifetime[]): number {
  let peak = 0;
  for (const b of lifetimes) {
    const step = b.first;
    const live = lifetimes.filter((o) => o.first <= step && step <= o.last).reduce((n, o) => n + o.size, 0);
    peak = Math.max(peak, live);
  }
  return peak;
}
