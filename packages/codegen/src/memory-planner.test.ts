import { describe, expect, it } from 'vitest';
import { createRng } from '@murmur/core';
import { planArena, peakLiveBytes, type BufferLifetime } from './memory-planner';

const overlapping = (a: BufferLifetime, b: BufferLifetime): boolean => a.first <= b.last && b.first <= a.last;

describe('planArena', () => {
  it('reuses the bytes of buffers whose lifetimes do not overlap', () => {
    const plan = planArena([
      { name: 'a', size: 100, first: 0, last: 1 },
      { name: 'b', size: 60, first: 1, last: 2 },
      { name: 'c', size: 100, first: 2, last: 3 },
    ]);
    expect(plan.size).toBe(160);
    expect(plan.buffers.map((b) => b.offset)).toEqual([0, 100, 0]);
  });

  it('aligns offsets and reports the exact size', () => {
    const plan = planArena([
      { name: 'x', size: 5, first: 0, last: 1 },
      { name: 'y', size: 3, first: 0, last: 1 },
    ]);
    expect(plan.buffers.map((b) => b.offset)).toEqual([0, 8]);
    expect(plan.size).toBe(11);
  });

  it('never lets live buffers share bytes and stays within 2x of the lower bound on random lifetimes', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 200; trial++) {
      const lifetimes: BufferLifetime[] = Array.from({ length: rng.int(1, 12) }, (_, i) => {
        const first = rng.int(0, 10);
        return { name: `t${i}`, size: rng.int(0, 300), first, last: first + rng.int(0, 4) };
      });
      const plan = planArena(lifetimes);
      for (const a of plan.buffers) {
        expect(a.offset % 4).toBe(0);
        expect(a.offset + a.size).toBeLessThanOrEqual(plan.size);
        for (const b of plan.buffers) {
          if (a === b || !overlapping(a, b) || a.size === 0 || b.size === 0) continue;
          expect(a.offset + a.size <= b.offset || b.offset + b.size <= a.offset).toBe(true);
        }
      }
      expect(plan.size).toBeGreaterThanOrEqual(peakLiveBytes(lifetimes));
      expect(plan.size).toBeLessThanOrEqual(2 * peakLiveBytes(lifetimes) + 4 * lifetimes.length);
    }
  });

  it('rejects a buffer that ends before it starts', () => {
    expect(() => planArena([{ name: 'bad', size: 1, first: 3, last: 2 }])).toThrow(/bad/);
  });
});
