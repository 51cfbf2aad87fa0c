import { createRng } from '@murmur/core';
import { describe, expect, it } from 'vitest';
import {
  INT32_MAX,
  INT32_MIN,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from './fixed-point';

describe('fixed-point arithmetic (gemmlowp)', () => {
  it('SaturatingRoundingDoublingHighMul rounds to nearest (ties upward, as the gemmlowp nudge does) and saturates', () => {
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
    expect(saturatingRoundingDoublingHighMul(1 << 30, 1 << 30)).toBe(1 << 29);
    // a·b / 2^31 = ±0.5 and ±1.5 exactly: the nudge 1 - 2^30 plus truncation sends negative ties up.
    expect(saturatingRoundingDoublingHighMul(1, 1 << 30)).toBe(1);
    expect(saturatingRoundingDoublingHighMul(-1, 1 << 30)).toBe(0);
    expect(saturatingRoundingDoublingHighMul(3, 1 << 30)).toBe(2);
    expect(saturatingRoundingDoublingHighMul(-3, 1 << 30)).toBe(-1);
    expect(saturatingRoundingDoublingHighMul(3, 1 << 29)).toBe(1); // 0.75 → 1
    expect(saturatingRoundingDoublingHighMul(-3, 1 << 29)).toBe(-1);
    expect(saturatingRoundingDoublingHighMul(1, 1 << 29)).toBe(0); // 0.25 → 0
    expect(saturatingRoundingDoublingHighMul(INT32_MAX, INT32_MAX)).toBe(INT32_MAX - 1);
  });
  it('RoundingDivideByPOT rounds to nearest with ties away from zero, negatives included', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3); // 2.5 → 3
    expect(roundingDivideByPOT(-5, 1)).toBe(-3); // -2.5 → -3
    expect(roundingDivideByPOT(7, 2)).toBe(2); // 1.75 → 2
    expect(roundingDivideByPOT(-7, 2)).toBe(-2);
    expect(roundingDivideByPOT(6, 2)).toBe(2); // 1.5 → 2
    expect(roundingDivideByPOT(-6, 2)).toBe(-2); // -1.5 → -2
    expect(roundingDivideByPOT(-5, 2)).toBe(-1); // -1.25 → -1
    expect(roundingDivideByPOT(INT32_MIN, 31)).toBe(-1);
    expect(roundingDivideByPOT(INT32_MAX, 31)).toBe(1);
    expect(roundingDivideByPOT(123, 0)).toBe(123);
  });
  it('matches a BigInt model of the C expression on random inputs', () => {
    const rng = createRng(3);
    for (let i = 0; i < 2000; i++) {
      const x = rng.uint32() | 0;
      const e = rng.int(0, 31);
      const mask = (1n << BigInt(e)) - 1n;
      const bx = BigInt(x);
      const rem = bx & mask;
      const thr = (mask >> 1n) + (bx < 0n ? 1n : 0n);
      expect(roundingDivideByPOT(x, e)).toBe(Number((bx >> BigInt(e)) + (rem > thr ? 1n : 0n)));
    }
  });
  it('QuantizeMultiplier gives a Q31 multiplier in [2^30, 2^31) that reproduces the real multiplier', () => {
    for (const m of [0.5, 0.25, 0.0123, 1e-6, 0.999999999, 1.5, 3]) {
      const { multiplier, shift } = quantizeMultiplier(m);
      expect(multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(multiplier).toBeLessThan(2 ** 31);
      expect((multiplier / 2 ** 31) * 2 ** shift).toBeCloseTo(m, 9);
    }
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(1e-12)).toEqual({ multiplier: 0, shift: 0 });
  });
  it('MultiplyByQuantizedMultiplier approximates x·m within one unit', () => {
    const rng = createRng(5);
    for (let i = 0; i < 500; i++) {
      const m = rng.next() * 0.9 + 1e-4;
      const x = rng.int(-1_000_000, 1_000_000);
      const { multiplier, shift } = quantizeMultiplier(m);
      expect(Math.abs(multiplyByQuantizedMultiplier(x, multiplier, shift) - x * m)).toBeLessThanOrEqual(1);
    }
    // Left shifts saturate.
    const big = quantizeMultiplier(4);
    expect(multiplyByQuantizedMultiplier(INT32_MAX, big.multiplier, big.shift)).toBe(2 ** 30);
    expect(multiplyByQuantizedMultiplier(INT32_MIN, big.multiplier, big.shift)).toBe(-(2 ** 30));
  });
});
