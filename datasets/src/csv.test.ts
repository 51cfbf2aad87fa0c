import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { CsvCursor, parseCsv } from './csv';
import { loadDataset } from './load';

const bytes = (text: string): Buffer => Buffer.from(text);

describe('CsvCursor', () => {
  it('parses numbers exactly like Number()', () => {
    const values = [
      '0',
      '-0.002761',
      '7.091625',
      '-0.15831658',
      '6.6967316',
      '+3.5',
      '12',
      '1e-3',
      '0.43596999999999997',
      '-1.5E2',
    ];
    const c = new CsvCursor(bytes(`x\n${values.join('\r\n')}\n\n`), 'f.csv');
    c.header(['x']);
    const got: number[] = [];
    while (!c.atEnd()) {
      got.push(c.number('x', true));
      c.endRow();
    }
    expect(got).toEqual(values.map(Number));
  });

  it('names the file, line and column of a bad value', () => {
    const c = new CsvCursor(bytes('a,b\n1,2\n3,oops\n'), 'data.csv');
    c.header(['a', 'b']);
    c.number('a');
    c.number('b', true);
    c.endRow();
    c.number('a');
    expect(() => c.number('b', true)).toThrow("data.csv:3, field 'b': expected a number, got 'oops'");
  });

  it('rejects a wrong header, missing and extra fields, and empty values unless allowed', () => {
    expect(() => new CsvCursor(bytes('a,c\n'), 'h.csv').header(['a', 'b'])).toThrow(
      /h.csv:1.*expected header 'a,b'/,
    );
    const short = new CsvCursor(bytes('a,b\n1\n'), 's.csv');
    short.header(['a', 'b']);
    expect(() => short.number('a')).toThrow(/s.csv:2: too few fields: the row ends after 'a'/);
    const long = new CsvCursor(bytes('a\n1,2\n'), 'l.csv');
    long.header(['a']);
    expect(() => long.number('a', true)).toThrow(/l.csv:2: too many fields/);
    const empty = new CsvCursor(bytes('a,b,c\n,NaN,\n'), 'e.csv');
    empty.header(['a', 'b', 'c']);
    expect(Number.isNaN(empty.number('a', false, true))).toBe(true);
    expect(Number.isNaN(empty.number('b', false, true))).toBe(true);
    expect(() => empty.number('c', true)).toThrow(/e.csv:2, field 'c'/);
  });
});

describe('parseCsv', () => {
  it('handles quoted fields and typed accessors with located errors', () => {
    const t = parseCsv('file,n,load\n"a,b.csv",3,NA\nc.csv,x,1\n', 'index.csv');
    expect(t.rows[0]!.str('file')).toBe('a,b.csv');
    expect(t.rows[0]!.numOrNull('load')).toBeNull();
    expect(t.rows[1]!.numOrNull('load')).toBe(1);
    expect(() => t.rows[1]!.num('n')).toThrow("index.csv:3, field 'n': expected a number, got 'x'");
    expect(() => t.require('missing')).toThrow(/missing column 'missing'/);
    expect(() => parseCsv('a,b\n1\n', 'x.csv')).toThrow('x.csv:2: expected 2 fields, found 1');
  });
});

describe('loader errors', () => {
  const root = mkdtempSync(join(tmpdir(), 'murmur-ds-'));

  it('a missing dataset directory names it', async () => {
    await expect(loadDataset('ppg-triage', { dataDir: join(root, 'none') })).rejects.toThrow(
      /ppg-triage.*not found/,
    );
  });

  it('a malformed signal row names the file and line', async () => {
    const dir = join(root, 'predictive-maintenance');
    mkdirSync(join(dir, 'recordings'), { recursive: true });
    writeFileSync(
      join(dir, 'index.csv'),
      'file,label,fault_diameter_in,load_hp,motor_rpm,fs_hz,n_samples,duration_s,sensor,cwru_file_no,source,segment\n' +
        'recordings/cwru_de12k_1hp_ball_007.csv.gz,ball,0.007,1,1772,12000,3,0.00025,drive_end_accelerometer,119,x,full\n',
    );
    const file = join(dir, 'recordings', 'cwru_de12k_1hp_ball_007.csv.gz');
    writeFileSync(file, gzipSync('accel_g\n0.1\n0.2x\n0.3\n'));
    const err = await loadDataset('predictive-maintenance', { dataDir: root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MurmurError);
    expect((err as MurmurError).location).toMatchObject({ file, line: 3, field: 'accel_g' });
    writeFileSync(file, gzipSync('accel_g\n0.1\n0.2\n'));
    await expect(loadDataset('predictive-maintenance', { dataDir: root })).rejects.toThrow(
      /holds 2 samples but index.csv says n_samples = 3/,
    );
    writeFileSync(file, gzipSync('accel_g\n0.1\n0.2\n-0.3\n'));
    const [rec] = await loadDataset('predictive-maintenance', { dataDir: root });
    expect(rec).toMatchObject({ id: 'cwru_de12k_1hp_ball_007', subject: 'cwru_1hp', label: 'ball' });
    expect(Array.from(rec!.channels[0]!)).toEqual([0.1, 0.2, -0.3].map(Math.fround));
  });
});
