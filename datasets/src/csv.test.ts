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

describe('number cells', () => {
  const bad: [cell: string, message: string][] = [
    ['0x10', "expected a number, got '0x10'"],
    [' 1.5 ', "expected a number, got ' 1.5 '"],
    ['1.5 ', "expected a number, got '1.5 '"],
    ['1e', "expected a number, got '1e'"],
    ['Infinity', "expected a number, got 'Infinity'"],
    ['-Infinity', "expected a number, got '-Infinity'"],
    ['NaN', "expected a number, got 'NaN'"],
    ['1e999', "number out of range: '1e999'"],
    ['1_000', "expected a number, got '1_000'"],
    ['', 'empty cell, expected a number'],
  ];

  it.each(bad)('%j in a signal file is an error naming the file, line and column', (cell, message) => {
    const c = new CsvCursor(bytes(`a,b\n1,2\n3,${cell}\n`), 'data.csv');
    c.header(['a', 'b']);
    c.number('a');
    c.number('b', true);
    c.endRow();
    c.number('a');
    expect(() => c.number('b', true)).toThrow(`data.csv:3, field 'b': ${message}`);
  });

  it.each(bad)('%j in an index file is an error naming the file, line and column', (cell, message) => {
    const t = parseCsv(`a,b\n1,2\n3,${cell}\n`, 'index.csv');
    expect(t.rows[0]!.num('b')).toBe(2);
    expect(() => t.rows[1]!.num('b')).toThrow(`index.csv:3, field 'b': ${message}`);
  });

  it('plain decimals, with a sign, a fraction or an exponent, are numbers', () => {
    const good = ['7', '-0.5', '+3.5', '.25', '2.', '1e-3', '-1.5E2', '0.43596999999999997'];
    const t = parseCsv(`x\n${good.join('\n')}\n`, 'index.csv');
    expect(t.rows.map((r) => r.num('x'))).toEqual(good.map(Number));
    const c = new CsvCursor(bytes(`x\n${good.join('\n')}\n`), 'data.csv');
    c.header(['x']);
    const got: number[] = [];
    while (!c.atEnd()) {
      got.push(c.number('x', true));
      c.endRow();
    }
    expect(got).toEqual(good.map(Number));
  });

  it('a null token counts only as written', () => {
    const t = parseCsv('load\nNA\n NA\n', 'index.csv');
    expect(t.rows[0]!.numOrNull('load')).toBeNull();
    expect(() => t.rows[1]!.numOrNull('load')).toThrow(
      "index.csv:3, field 'load': expected a number, got ' NA'",
    );
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

  it('an unknown label is blamed on the line that holds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-ds-labels-'));
    // wearable-activity: the subject file's row where the unknown activity starts.
    mkdirSync(join(dir, 'wearable-activity', 'subjects'), { recursive: true });
    writeFileSync(
      join(dir, 'wearable-activity', 'subjects.csv'),
      'subject,file,walking,jogging,stairs,sitting,standing,kicking,total_samples\n' +
        '1600,subjects/a.csv,2,0,0,0,0,0,2\n' +
        '1601,subjects/b.csv,2,0,0,0,0,0,3\n',
    );
    const header = 'subject,label,t_s,ax,ay,az\n';
    writeFileSync(
      join(dir, 'wearable-activity', 'subjects', 'a.csv'),
      `${header}1600,walking,0,1,2,3\n1600,walking,0.05,1,2,3\n`,
    );
    const b = join(dir, 'wearable-activity', 'subjects', 'b.csv');
    writeFileSync(b, `${header}1601,walking,0,1,2,3\n1601,walking,0.05,1,2,3\n1601,swimming,0.1,1,2,3\n`);
    const err = await loadDataset('wearable-activity', { dataDir: dir, quiet: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MurmurError);
    expect((err as MurmurError).location).toEqual({ file: b, line: 4, field: 'label' });
    expect((err as MurmurError).message).toContain("unknown activity 'swimming'");

    // ppg-triage: the row of recordings.csv (the row before it is complete).
    mkdirSync(join(dir, 'ppg-triage', 'signals'), { recursive: true });
    mkdirSync(join(dir, 'ppg-triage', 'breaths'), { recursive: true });
    writeFileSync(
      join(dir, 'ppg-triage', 'signals', 'bidmc_01.csv.gz'),
      gzipSync('t_s,pleth,resp\n0,1,2\n0.008,1,2\n0.016,1,2\n'),
    );
    writeFileSync(
      join(dir, 'ppg-triage', 'breaths', 'bidmc_01_breaths.csv'),
      'annotator,sample,t_s\n1,0,0\n',
    );
    writeFileSync(
      join(dir, 'ppg-triage', 'recordings.csv'),
      'record,n_samples,fs_hz,duration_s,ref_resp_rate_bpm,ref_class,monitor_resp_rate_median_bpm\n' +
        'bidmc_01,3,125,0.024,15,normal,15\n' +
        'bidmc_02,3,125,0.024,15,rapid,15\n',
    );
    await expect(loadDataset('ppg-triage', { dataDir: dir, quiet: true })).rejects.toThrow(
      /recordings\.csv:3, field 'ref_class': unknown class 'rapid'/,
    );

    // predictive-maintenance: the row of index.csv (the row before it is complete).
    mkdirSync(join(dir, 'predictive-maintenance'), { recursive: true });
    writeFileSync(join(dir, 'predictive-maintenance', 'a.csv'), 'accel_g\n0.1\n0.2\n0.3\n');
    writeFileSync(
      join(dir, 'predictive-maintenance', 'index.csv'),
      'file,label,fault_diameter_in,load_hp,motor_rpm,fs_hz,n_samples,duration_s,sensor,cwru_file_no,source,segment\n' +
        'a.csv,ball,0.007,1,1772,12000,3,0.00025,drive_end_accelerometer,119,x,full\n' +
        'b.csv,cage,0.007,1,1772,12000,3,0.00025,drive_end_accelerometer,119,x,full\n',
    );
    await expect(loadDataset('predictive-maintenance', { dataDir: dir, quiet: true })).rejects.toThrow(
      /index\.csv:3, field 'label': unknown bearing state 'cage'/,
    );
  });
});
