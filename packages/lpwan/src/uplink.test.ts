import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MurmurError } from '@murmur/core';
import { describe as describeValue, isRfc3339, limitOf, requireTimestamp } from './uplink';

describe('RFC 3339 timestamps', () => {
  it('accepts real instants with any fraction, Z or an offset', () => {
    for (const ok of [
      '2026-05-01T10:00:00Z',
      '2026-05-01T10:00:00.123Z',
      '2026-05-01T10:00:00.123456789Z',
      '2026-05-01t10:00:00z',
      '2024-02-29T00:00:00+01:00',
      '2000-02-29T23:59:59-23:59',
      '1990-12-31T23:59:60Z',
      '2026-04-30T00:00:00Z',
      '0000-01-01T00:00:00Z',
    ])
      expect(isRfc3339(ok), ok).toBe(true);
  });

  it('rejects impossible dates and times and other formats', () => {
    for (const bad of [
      'x',
      '',
      '2026-13-45T99:99:99Z',
      '2026-00-10T10:00:00Z',
      '2026-05-00T10:00:00Z',
      '2026-04-31T10:00:00Z',
      '2025-02-29T10:00:00Z',
      '1900-02-29T10:00:00Z',
      '2026-05-01T24:00:00Z',
      '2026-05-01T10:60:00Z',
      '2026-05-01T10:00:61Z',
      '2026-05-01T10:00:00',
      '2026-05-01 10:00:00Z',
      '2026-05-01T10:00:00.Z',
      '2026-05-01T10:00:00+24:00',
      '2026-05-01T10:00:00+01:60',
      '2026-05-01T10:00:00+0100',
      '2026-5-1T10:00:00Z',
      '+02026-05-01T10:00:00Z',
      '２０２６-05-01T10:00:00Z',
      `2026-05-01T10:00:00.${'1'.repeat(60)}Z`,
    ])
      expect(isRfc3339(bad), bad).toBe(false);
  });

  it('accepts every instant JavaScript writes, in UTC or with an offset', () => {
    const dates = fc.date({
      min: new Date('0000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(dates, fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), (d, offset) => {
        expect(isRfc3339(d.toISOString())).toBe(true);
        const sign = offset < 0 ? '-' : '+';
        const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
        const mm = String(Math.abs(offset) % 60).padStart(2, '0');
        expect(isRfc3339(d.toISOString().replace('Z', `${sign}${hh}:${mm}`))).toBe(true);
      }),
      { seed: 71, numRuns: 2000 },
    );
  });

  it('names the field of a bad timestamp', () => {
    expect(() => requireTimestamp('x', 'time', { file: 'up.json' })).toThrow(
      "up.json, field 'time': 'x' is not an RFC 3339 timestamp",
    );
    expect(() => requireTimestamp(undefined, 'time', {})).toThrow("field 'time': missing");
  });
});

describe('messages and limits', () => {
  it('describes a value without writing out a long string or an object', () => {
    expect(describeValue('abc')).toBe("'abc'");
    expect(describeValue('x'.repeat(1 << 20))).toBe(`'${'x'.repeat(24)}…' (1048576 characters)`);
    expect(describeValue({ a: 'x'.repeat(1 << 20) })).toBe('an object');
    expect(describeValue([1, 2])).toBe('an array of 2');
    expect(describeValue(10n)).toBe('10n');
    for (const v of [1.5, NaN, null, undefined, true]) expect(describeValue(v)).toBe(String(v));
  });

  it('takes a size limit as a non-negative integer, or the default', () => {
    expect(limitOf(undefined, 242, 'maxPayloadBytes')).toBe(242);
    expect(limitOf(0, 242, 'maxPayloadBytes')).toBe(0);
    for (const bad of [-1, 1.5, NaN, Infinity, '1', null, 2 ** 53])
      expect(() => limitOf(bad, 242, 'maxPayloadBytes')).toThrow(MurmurError);
  });
});
