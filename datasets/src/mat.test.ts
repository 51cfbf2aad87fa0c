import { describe, expect, it } from 'vitest';
import { readMat } from './mat';
import { MatWriter } from './testing/fixtures';
import { ZipArchive } from './zip';
import { makeZip } from './testing/fixtures';

describe('readMat (MATLAB level-5 MAT-files)', () => {
  for (const bigEndian of [false, true]) {
    it(`reads numeric matrices (${bigEndian ? 'big' : 'little'}-endian), skipping other classes`, () => {
      const w = new MatWriter({ bigEndian });
      const de = [0.0530592, -0.0881308, 0.0999, -1e-7, 3.25];
      w.add(w.chars('__header__', 'CWRU'));
      w.add(w.matrix('X105_DE_time', [5, 1], de));
      w.add(w.matrix('X105RPM', [1, 1], [1797], { storeAs: 'uint16' }));
      w.add(w.matrix('X105_FE_time', [2, 2], [1, 2, 3, 4]), true);
      const vars = readMat(w.bytes(), '105.mat');
      expect(vars.map((v) => v.name)).toEqual(['X105_DE_time', 'X105RPM', 'X105_FE_time']);
      expect(Array.from(vars[0]!.data)).toEqual(de);
      expect(vars[0]!.dims).toEqual([5, 1]);
      expect(vars[1]).toMatchObject({ className: 'double', dims: [1, 1] });
      expect(Array.from(vars[1]!.data)).toEqual([1797]);
      expect(Array.from(vars[2]!.data)).toEqual([1, 2, 3, 4]);
    });
  }

  it('names the file and byte offset of what it cannot read', () => {
    expect(() => readMat(Buffer.alloc(10), 'a.mat')).toThrow(/a.mat: too short/);
    expect(() => readMat(Buffer.alloc(128), 'b.mat')).toThrow(
      /b.mat, byte 126: not a MATLAB level-5 MAT-file/,
    );
    const w = new MatWriter();
    w.add(w.matrix('x', [3, 1], [1, 2, 3]));
    const bytes = w.bytes();
    expect(() => readMat(bytes.subarray(0, bytes.length - 8), 'c.mat')).toThrow(
      /c.mat, byte 128: .*runs past the end/,
    );
    const wrong = new MatWriter();
    wrong.add(wrong.matrix('y', [4, 1], [1, 2, 3]));
    expect(() => readMat(wrong.bytes(), 'd.mat')).toThrow(/variable 'y' has 3 values for dimensions 4x1/);
  });
});

describe('ZipArchive', () => {
  it('lists and extracts stored and deflated entries', () => {
    for (const store of [false, true]) {
      const zip = new ZipArchive(
        makeZip({ 'a/b.txt': 'hello '.repeat(100), 'c.bin': Buffer.from([1, 2, 3]) }, store),
        'x.zip',
      );
      expect(zip.entries.map((e) => e.name)).toEqual(['a/b.txt', 'c.bin']);
      expect(zip.read(zip.find(/b\.txt$/)[0]!).toString()).toBe('hello '.repeat(100));
      expect(Array.from(zip.read(zip.entries[1]!))).toEqual([1, 2, 3]);
    }
    expect(() => new ZipArchive(Buffer.from('not a zip at all, really not'), 'y.zip')).toThrow(
      /y.zip: not a ZIP archive/,
    );
  });
});
