import { describe, expect, it } from 'vitest';
import { cFloat } from '@murmur/core';
import { cIdentifier, int32Literal } from './c-emit';

/** Parses a C99 hexadecimal float literal (as emitted) back to a number. */
function parseHexFloat(text: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]+)p([+-]?\d+)f$/.exec(text);
  if (!m) return Number.NaN;
  const mantissa = parseInt(m[2]! + m[3]!, 16) / 16 ** m[3]!.length;
  return (m[1] ? -1 : 1) * mantissa * 2 ** Number(m[4]);
}

describe('C literals', () => {
  it('writes float32 values exactly as hexadecimal literals', () => {
    for (const x of [1, -1.5, 0.1, 27.027027, 1e-40, 3.4028234663852886e38, 12.5]) {
      expect(parseHexFloat(cFloat(x))).toBe(Math.fround(x));
    }
    expect(cFloat(8)).toBe('0x1.000000p3f');
    expect(cFloat(0)).toBe('0.0f');
  });

  it('writes INT32_MIN as an expression and makes identifiers', () => {
    expect(int32Literal(-2147483648)).toBe('(-2147483647 - 1)');
    expect(int32Literal(5)).toBe('5');
    expect(cIdentifier('wearable-activity')).toBe('wearable_activity');
    expect(cIdentifier('3axis')).toBe('_3axis');
  });
});
