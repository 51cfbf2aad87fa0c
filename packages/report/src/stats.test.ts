import { describe, expect, it } from 'vitest';
import { pairedDifferenceInterval, wilsonInterval } from './stats';

describe('wilsonInterval', () => {
  it('matches the published 95 % Wilson intervals', () => {
    const close = (v: { lo: number; hi: number }, lo: number, hi: number): void => {
      expect(v.lo).toBeCloseTo(lo, 4);
      expect(v.hi).toBeCloseTo(hi, 4);
    };
    close(wilsonInterval(0, 10), 0, 0.2775);
    close(wilsonInterval(5, 10), 0.2366, 0.7634);
    close(wilsonInterval(10, 10), 0.7225, 1);
    close(wilsonInterval(81, 263), 0.2553, 0.3662);
  });

  it('is exactly 0 or 1 at the ends, [0, 1] without trials, and narrows with n', () => {
    expect(wilsonInterval(0, 6).lo).toBe(0);
    expect(wilsonInterval(6, 6).hi).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ lo: 0, hi: 1 });
    const small = wilsonInterval(5, 6);
    const large = wilsonInterval(300, 360);
    expect(small.hi - small.lo).toBeGreaterThan(large.hi - large.lo);
    expect(small.lo).toBeLessThan(5 / 6);
    expect(small.hi).toBeGreaterThan(5 / 6);
  });

  it('takes other confidence levels through z', () => {
    const z90 = wilsonInterval(30, 40, 1.6449);
    const z95 = wilsonInterval(30, 40);
    expect(z90.lo).toBeGreaterThan(z95.lo);
    expect(z90.hi).toBeLessThan(z95.hi);
  });

  it('rejects more successes than trials', () => {
    expect(() => wilsonInterval(7, 6)).toThrow(RangeError);
  });
});

describe('pairedDifferenceInterval', () => {
  it("matches Newcombe's square-and-add interval for paired data (Fagerland et al., Cavo 2012 table)", () => {
    // 59 both, 6 only the first, 16 only the second, 80 neither: first minus second is -0.0621
    // (95 % CI -0.1186 to -0.0046); this function gives second minus first.
    const r = pairedDifferenceInterval({ both: 59, onlyFirst: 6, onlySecond: 16, neither: 80 });
    expect(r.difference).toBeCloseTo(0.0621, 4);
    expect(r.lo).toBeCloseTo(0.0046, 4);
    expect(r.hi).toBeCloseTo(0.1186, 4);
    const swapped = pairedDifferenceInterval({ both: 59, onlyFirst: 16, onlySecond: 6, neither: 80 });
    expect(swapped.lo).toBeCloseTo(-r.hi, 12);
    expect(swapped.hi).toBeCloseTo(-r.lo, 12);
  });

  it('contains 0 when the two agree on every window', () => {
    const r = pairedDifferenceInterval({ both: 90, onlyFirst: 0, onlySecond: 0, neither: 18 });
    expect(r.difference).toBe(0);
    expect(r.lo).toBeLessThan(0);
    expect(r.hi).toBeGreaterThan(0);
  });
});
