import { describe, expect, it } from 'vitest';
import { createRng } from '@murmur/core';
import { wilsonInterval } from '@murmur/report';
import { estimate, formatEstimate, pairedDrop, quantile, subjectBootstrap } from './intervals';

/** `subjects` subjects of `n` windows each; subject s gets each window right with probability p(s). */
function predictions(subjects: number, n: number, p: (s: number) => number, seed = 3) {
  const rng = createRng(seed);
  const truth: number[] = [];
  const predicted: number[] = [];
  const groups: string[] = [];
  for (let s = 0; s < subjects; s++)
    for (let i = 0; i < n; i++) {
      const y = i % 3;
      truth.push(y);
      predicted.push(rng.next() < p(s) ? y : (y + 1) % 3);
      groups.push(`s${s}`);
    }
  return { truth, predicted, groups };
}

describe('intervals', () => {
  it('quantiles interpolate between neighbours', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('a subject bootstrap is reproducible and holds the estimate', () => {
    const d = predictions(12, 40, (s) => 0.6 + 0.03 * s);
    const a = estimate(d.truth, d.predicted, d.groups, 3);
    expect(a).toEqual(estimate(d.truth, d.predicted, d.groups, 3));
    expect(a.windows).toBe(480);
    expect(a.subjects).toBe(12);
    expect(a.accuracyCi[0]).toBeLessThan(a.accuracy);
    expect(a.accuracyCi[1]).toBeGreaterThan(a.accuracy);
    expect(a.macroF1Ci[0]).toBeLessThan(a.macroF1);
    expect(a.method).toBe('subject bootstrap, 2000 resamples, seed 1');
    expect(formatEstimate(a)).toMatch(
      /^\d+\.\d % \(95 % CI \d+\.\d–\d+\.\d\), macro-F1 0\.\d{3} \(95 % CI .*\), 480 windows of 12 subjects$/,
    );
    // Another seed moves the bounds a little, not the estimate.
    const b = estimate(d.truth, d.predicted, d.groups, 3, { seed: 2 });
    expect(b.accuracy).toBe(a.accuracy);
    expect(Math.abs(b.accuracyCi[0] - a.accuracyCi[0])).toBeLessThan(0.02);
  });

  it('is wider than Wilson when subjects differ, since their windows are not independent', () => {
    const d = predictions(10, 50, (s) => (s % 2 ? 0.95 : 0.55));
    const e = estimate(d.truth, d.predicted, d.groups, 3);
    const correct = d.truth.filter((t, i) => t === d.predicted[i]).length;
    const w = wilsonInterval(correct, d.truth.length);
    expect(e.accuracyCi[1] - e.accuracyCi[0]).toBeGreaterThan(1.3 * (w.hi - w.lo));
  });

  it('is exact for a perfect classifier and falls back to Wilson for one subject', () => {
    const d = predictions(5, 20, () => 1);
    expect(estimate(d.truth, d.predicted, d.groups, 3).accuracyCi).toEqual([1, 1]);
    const one = predictions(1, 30, () => 0.7);
    const e = estimate(one.truth, one.predicted, one.groups, 3);
    expect(e.method).toMatch(/^Wilson/);
    const correct = one.truth.filter((t, i) => t === one.predicted[i]).length;
    const w = wilsonInterval(correct, 30);
    expect(e.accuracyCi).toEqual([w.lo, w.hi]);
    expect(e.macroF1Ci[0]).toBeNaN();
  });

  it('resamples sums of per-subject parts', () => {
    const parts = [Float64Array.from([1, 1]), Float64Array.from([1, 0])];
    const [ci] = subjectBootstrap(parts, (s) => [s[1]! / s[0]!], { resamples: 500 });
    expect(ci).toEqual([0, 1]);
  });

  it('pairs the drop: the same predictions drop 0, a model wrong on one subject drops its share', () => {
    const d = predictions(8, 25, () => 0.8);
    expect(pairedDrop(d.truth, d.predicted, d.predicted, d.groups)).toMatchObject({ dropPp: 0, ci: [0, 0] });
    const worse = d.predicted.map((p, i) => (d.groups[i] === 's3' ? (d.truth[i]! + 1) % 3 : p));
    const drop = pairedDrop(d.truth, d.predicted, worse, d.groups);
    const lost = d.truth.filter((t, i) => d.groups[i] === 's3' && d.predicted[i] === t).length;
    expect(drop.dropPp).toBeCloseTo((100 * lost) / 200, 10);
    expect(drop.ci[0]).toBeGreaterThanOrEqual(0);
    expect(drop.ci[1]).toBeGreaterThan(drop.dropPp);
  });
});
