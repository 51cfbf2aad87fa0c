import { describe, expect, it } from 'vitest';
import { breathClassLabel } from './ppg-triage';
import type { Recording } from './recording';
import { frameAll, frameWindows } from './window';

const rec = (n: number, extra: Partial<Recording> = {}): Recording => ({
  id: 'r1',
  subject: 's1',
  label: 'walking',
  rateHz: 10,
  channels: [Float32Array.from({ length: n }, (_, i) => i), Float32Array.from({ length: n }, (_, i) => -i)],
  channelNames: ['a', 'b'],
  units: ['g', 'g'],
  meta: {},
  ...extra,
});

describe('frameWindows', () => {
  it('cuts windows with hop, drops the tail and returns views, not copies', () => {
    const r = rec(10);
    const w = frameWindows(r, { length: 4, hop: 3 });
    expect(w.map((x) => x.start)).toEqual([0, 3, 6]);
    expect(w[1]).toMatchObject({ recordingId: 'r1', subject: 's1', label: 'walking', length: 4, rateHz: 10 });
    expect(Array.from(w[1]!.channels[1]!)).toEqual([-3, -4, -5, -6]);
    expect(w[1]!.channels[0]!.buffer).toBe(r.channels[0]!.buffer);
    expect(frameWindows(rec(3), { length: 4, hop: 1 })).toEqual([]);
    expect(frameAll([r, r], { length: 5, hop: 5 })).toHaveLength(4);
  });

  it('derives labels per window and drops windows labelled null', () => {
    const w = frameWindows(rec(8), {
      length: 2,
      hop: 2,
      label: (_r, start) => (start === 2 ? null : `at${start}`),
    });
    expect(w.map((x) => x.label)).toEqual(['at0', 'at4', 'at6']);
  });

  it('labels PPG windows by their reference breath rate', () => {
    // Breaths every 2 s (30/min) in the first 20 s, every 6 s (10/min) after.
    const times = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 24, 30, 36, 42, 48, 54];
    const r = rec(600, {
      events: [
        { name: 'breaths_ann1', timesS: times },
        { name: 'breaths_ann2', timesS: times },
      ],
    });
    const w = frameWindows(r, { length: 200, hop: 200, label: breathClassLabel });
    expect(w.map((x) => x.label)).toEqual(['fast', 'slow', 'slow']);
    expect(frameWindows(rec(600), { length: 200, hop: 200, label: breathClassLabel })).toEqual([]);
  });

  it('rejects bad lengths and hops', () => {
    expect(() => frameWindows(rec(8), { length: 0, hop: 1 })).toThrow(/window length/);
    expect(() => frameWindows(rec(8), { length: 2, hop: 1.5 })).toThrow(/window hop/);
  });
});
