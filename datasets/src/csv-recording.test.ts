import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCsvRecording, parseCsvRecording, readCsvRecording, writeCsvRecording } from './csv-recording';
import { synthPpg } from './synthetic';

const csv = (text: string, opts = {}) => parseCsvRecording(Buffer.from(text), { file: 'in.csv', ...opts });

describe('CSV recordings', () => {
  it('round-trips with a time column and units in the header', async () => {
    const rec = synthPpg({ breathRateBpm: 15, seed: 2, seconds: 4 });
    const text = formatCsvRecording(rec);
    expect(text.split('\n')[0]).toBe('t_s,pleth [nu],resp [nu]');
    const dir = mkdtempSync(join(tmpdir(), 'murmur-csv-'));
    await writeCsvRecording(join(dir, 'p.csv'), rec);
    const back = await readCsvRecording(join(dir, 'p.csv'));
    expect(back).toMatchObject({
      id: 'p',
      rateHz: 125,
      channelNames: ['pleth', 'resp'],
      units: ['nu', 'nu'],
    });
    expect(back.channels).toEqual(rec.channels);
    const noTime = csv(formatCsvRecording(rec, { time: false }), { rateHz: 125 });
    expect(noTime.channels).toEqual(rec.channels);
  });

  it('infers the rate from seconds or milliseconds, or takes it as given', () => {
    expect(csv('t,x\n0,1\n0.01,2\n0.02,3\n').rateHz).toBe(100);
    expect(csv('time_ms,x,y\n0,1,2\n50,2,3\n100,3,4\n151,4,5\n')).toMatchObject({
      rateHz: 20,
      channelNames: ['x', 'y'],
    });
    expect(csv('x\n1\n2\n', { rateHz: 8 }).rateHz).toBe(8);
    expect(csv('stamp,x\n0,1\n0.5,2\n', { timeColumn: 'stamp' }).rateHz).toBe(2);
  });

  it('errors name the file and line', () => {
    expect(() => csv('x\n1\n2\n')).toThrow(/in.csv: no sampling rate/);
    expect(() => csv('t,x\n0,1\n0.1,2\n0.1,3\n')).toThrow(/in.csv:4: time does not increase/);
    expect(() => csv('t,x\n0,1\n0.1,abc\n')).toThrow(/in.csv:3, field 'x': expected a number, got 'abc'/);
    expect(() => csv('t,x\n0,1\n0.1\n')).toThrow(/in.csv:3: too few fields: the row ends after 't'/);
    expect(() => csv('t,x\n')).toThrow(/in.csv: no data rows/);
    expect(() => csv('x\n1\n', { timeColumn: 'when' })).toThrow(/no time column 'when'/);
  });
});
