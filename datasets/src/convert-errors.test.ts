import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertCwruFile, convertImsFile, ensureRecordingsDir } from './convert-vibration';
import { convertWisdm } from './convert-wisdm';
import { makeZip, MatWriter } from './testing/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'murmur-convert-'));
const meta = {
  label: 'ball',
  fault_diameter_in: 0.007,
  load_hp: 1,
  motor_rpm: 1772,
  fs_hz: 12000,
  cwru_file_no: 119,
};

describe('conversion errors name the original and what is wrong', () => {
  it('a MAT-file without the drive-end matrix', async () => {
    const w = new MatWriter();
    w.add(w.matrix('X119_FE_time', [3, 1], [1, 2, 3]));
    const file = join(dir, '119.mat');
    writeFileSync(file, w.bytes());
    await ensureRecordingsDir(dir);
    await expect(convertCwruFile(file, { path: '119.mat', meta }, dir)).rejects.toThrow(
      /119.mat: no drive-end matrix 'X119_DE_time' \(variables: X119_FE_time\)/,
    );
  });

  it('an IMS snapshot with a bad value or too few channels', async () => {
    const file = join(dir, '2003.10.22.12.06.24');
    writeFileSync(file, '0.1\t0.2\n0.1\tx\n');
    const entry = { path: '2003.10.22.12.06.24', meta: { fs_hz: 20480, motor_rpm: 2000 } };
    await expect(convertImsFile(file, entry, dir, { '1': 1 })).rejects.toThrow(
      /2003.10.22.12.06.24:2: expected numbers/,
    );
    writeFileSync(file, '0.1\t0.2\n0.1\t0.3\n');
    await expect(convertImsFile(file, entry, dir, { '1': 1, '4': 7 })).rejects.toThrow(
      /has 2 channels, channel 7 is missing/,
    );
  });

  it('a WISDM line that is not subject,activity,timestamp,x,y,z;', async () => {
    const zip = join(dir, 'wisdm.zip');
    writeFileSync(
      zip,
      makeZip({
        'wisdm-dataset/raw/watch/accel/data_1600_accel_watch.txt':
          '1600,A,1,0.1,0.2,0.3;\n1600,A,2,0.1,oops,0.3;\n',
      }),
    );
    await expect(convertWisdm(zip, dir, { A: 'walking' })).rejects.toThrow(
      /wisdm.zip!wisdm-dataset\/raw\/watch\/accel\/data_1600_accel_watch.txt:2: expected/,
    );
    writeFileSync(zip, makeZip({ 'readme.txt': 'nothing here' }));
    await expect(convertWisdm(zip, dir, { A: 'walking' })).rejects.toThrow(/no raw\/watch\/accel/);
  });
});
