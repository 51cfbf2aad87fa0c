import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress';
import { createRng } from './prng';
import { fieldPath, formatLocated, MurmurError, UsageError } from './errors';
import { workspaceRoot } from './paths';

describe('MurmurError', () => {
  it('names file, line, field and byte offset', () => {
    const e = new MurmurError('value out of range', {
      file: 'boards/x.json',
      field: 'flash.size',
      offset: 3,
    });
    expect(e.message).toBe("boards/x.json, field 'flash.size', byte 3: value out of range");
    expect(e.exitCode).toBe(1);
    expect(formatLocated('bad', { file: 'a.csv', line: 7 })).toBe('a.csv:7: bad');
    expect(new UsageError('missing --app').exitCode).toBe(2);
  });
  it('joins field paths', () => {
    expect(fieldPath(['radio', 'regions', 2, 'name'])).toBe('radio.regions[2].name');
    expect(fieldPath([])).toBe('');
  });
});

describe('createRng', () => {
  it('is reproducible from a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng('42');
    const xs = Array.from({ length: 5 }, () => a.uint32());
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(xs);
  });
  it('draws uniform values in range and normals with unit variance', () => {
    const rng = createRng(7);
    let sum = 0;
    let sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(() => rng.int(5, 4)).toThrow(/bad range/);
  });
  it('shuffles to a permutation', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const ys = createRng(1).shuffle([...xs]);
    expect(ys).not.toEqual(xs);
    expect([...ys].sort((p, q) => p - q)).toEqual(xs);
  });
});

describe('createProgress', () => {
  it('prints at most one line per 10 % when not a TTY', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const p = createProgress({ total: 100, label: 'train', unit: 'epochs', stream: out });
    for (let i = 0; i < 100; i++) p.tick();
    p.done('loss 0.1');
    const lines = text.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.at(-1)).toContain('100/100 epochs  loss 0.1');
  });
  it('is silent when quiet', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const p = createProgress({ total: 3, label: 'x', quiet: true, stream: out });
    p.tick();
    p.done();
    expect(text).toBe('');
  });
});

describe('workspaceRoot', () => {
  it('finds the directory with nx.json', () => {
    expect(workspaceRoot()).toMatch(/[/\\]?[^/\\]+$/);
  });
});
