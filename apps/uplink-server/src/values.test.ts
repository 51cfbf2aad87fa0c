import { describe, expect, it } from 'vitest';
import { cleanText, instantOf } from './values';

describe('instantOf', () => {
  it('reads RFC 3339 to the millisecond, offsets and leap seconds included', () => {
    expect(instantOf('2026-05-01T10:00:00.123456789Z')?.toISOString()).toBe('2026-05-01T10:00:00.123Z');
    expect(instantOf('2026-05-01T12:00:00.5+02:00')?.toISOString()).toBe('2026-05-01T10:00:00.500Z');
    expect(instantOf('2026-05-01t10:00:00-00:30')?.toISOString()).toBe('2026-05-01T10:30:00.000Z');
    expect(instantOf('2016-12-31T23:59:60Z')?.toISOString()).toBe('2017-01-01T00:00:00.000Z');
    expect(instantOf('2024-02-29T00:00:00Z')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('refuses what names no real instant, or one PostgreSQL cannot store as text', () => {
    for (const bad of [
      '2025-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-05-01T24:00:00Z',
      '2026-05-01T10:00:00+24:00',
      '2026-05-01 10:00:00Z',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '9999-12-31T23:59:59-01:00',
      '',
      `2026-05-01T10:00:00.${'1'.repeat(80)}Z`,
    ])
      expect(instantOf(bad), bad).toBeUndefined();
  });
});

describe('cleanText', () => {
  it('replaces NUL and lone surrogates, keeps everything else', () => {
    expect(cleanText('a\u0000b')).toBe('a\ufffdb');
    expect(cleanText('x\ud800y\udc00z')).toBe('x\ufffdy\ufffdz');
    expect(cleanText('ok 😀 é')).toBe('ok 😀 é');
  });
});
