import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { breathClass, breathClassLabel, loadPpgNumerics, referenceBreathRate } from './ppg-triage';
import { frameAll } from './window';
import { loadDataset } from './load';
import { type Recording } from './recording';
import { testData } from './testing/data';

// The README counts of the whole development data (the shipped sample's are in sample.test.ts).
const cwru = testData('predictive-maintenance', { full: true });
const wisdm = testData('wearable-activity', { full: true });
const bidmc = testData('ppg-triage', { full: true });

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function sumBy<T>(
  items: readonly T[],
  key: (item: T) => string,
  value: (item: T) => number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + value(item);
  return out;
}

const samples = (r: Recording): number => r.channels[0]!.length;
const windowsOf = (n: number, length: number, hop: number): number =>
  n < length ? 0 : Math.floor((n - length) / hop) + 1;

describe('loaders on the real data', () => {
  describe.skipIf(cwru.skip)(cwru.title('predictive-maintenance'), () => {
    let recs: Recording[];
    beforeAll(async () => {
      recs = await loadDataset('predictive-maintenance', { dataDir: cwru.dataDir });
    });

    it('reads every row of index.csv with the README counts', () => {
      expect(recs).toHaveLength(179);
      const cwru = recs.filter((r) => r.meta['machine'] === 'cwru' && !r.meta['derived']);
      expect(countBy(cwru, (r) => r.label!)).toEqual({ inner_race: 9, ball: 9, outer_race: 9, normal: 1 });
      const seconds = sumBy(
        cwru,
        (r) => r.label!,
        (r) => samples(r) / r.rateHz,
      );
      expect(seconds['inner_race']).toBeCloseTo(91.47, 1);
      expect(seconds['ball']).toBeCloseTo(91.49, 1);
      expect(seconds['outer_race']).toBeCloseTo(91.53, 1);
      expect(seconds['normal']).toBeCloseTo(3.8, 2);
      const windows = sumBy(
        cwru,
        (r) => r.label!,
        (r) => windowsOf(samples(r), r.rateHz === 48000 ? 8192 : 2048, r.rateHz === 48000 ? 8192 : 2048),
      );
      expect(windows).toEqual({ inner_race: 532, ball: 531, outer_race: 531, normal: 22 });
      const ims = recs.filter((r) => r.meta['machine'] === 'ims');
      expect(ims).toHaveLength(150);
      expect(ims.every((r) => r.label === 'normal' && r.rateHz === 20480 && samples(r) === 20480)).toBe(true);
      expect(ims.reduce((n, r) => n + windowsOf(samples(r), 2048, 2048), 0)).toBe(1500);
    });

    it('sets subjects, rates, units and metadata', () => {
      expect(new Set(recs.map((r) => r.subject))).toEqual(
        new Set(['cwru_0hp', 'cwru_2hp', 'cwru_3hp', 'ims_bearing1', 'ims_bearing2', 'ims_bearing3']),
      );
      expect(new Set(recs.map((r) => r.rateHz))).toEqual(new Set([12000, 48000, 20480]));
      const ir = recs.find((r) => r.id === 'cwru_de12k_0hp_inner_race_007')!;
      expect(ir).toMatchObject({
        subject: 'cwru_0hp',
        label: 'inner_race',
        rateHz: 12000,
        units: ['g'],
        channelNames: ['accel'],
      });
      expect(ir.meta).toMatchObject({
        fault_diameter_in: 0.007,
        load_hp: 0,
        motor_rpm: 1797,
        cwru_file_no: 105,
        derived: false,
      });
      expect(samples(ir)).toBe(121265);
      expect(ir.channels[0]![0]).toBeCloseTo(-0.083004, 5);
      const derived = recs.filter((r) => r.meta['derived']);
      expect(derived.map((r) => r.id)).toEqual(['cwru_de12k_0hp_normal_part1_DERIVED_decimated']);
      const ims = recs.find((r) => r.meta['machine'] === 'ims')!;
      expect(ims.meta).toMatchObject({
        load_hp: null,
        cwru_file_no: null,
        motor_rpm: 2000,
        unitsDocumented: false,
      });
      expect(ims.subject).toBe('ims_bearing1');
    });
  });

  describe.skipIf(wisdm.skip)(wisdm.title('wearable-activity'), () => {
    let recs: Recording[];
    beforeAll(async () => {
      recs = await loadDataset('wearable-activity', { dataDir: wisdm.dataDir });
    });

    it('has one recording per subject x activity with the README counts', () => {
      expect(recs).toHaveLength(38 * 6 - 1);
      expect(new Set(recs.map((r) => r.subject)).size).toBe(38);
      expect(sumBy(recs, (r) => r.label!, samples)).toEqual({
        walking: 91200,
        jogging: 91200,
        stairs: 88800,
        sitting: 91200,
        standing: 91200,
        kicking: 91200,
      });
      expect(
        sumBy(
          recs,
          (r) => r.label!,
          (r) => windowsOf(samples(r), 128, 64),
        ),
      ).toEqual({
        walking: 1368,
        jogging: 1368,
        stairs: 1332,
        sitting: 1368,
        standing: 1368,
        kicking: 1368,
      });
      expect(recs.find((r) => r.id === 'wisdm_1642_stairs')).toBeUndefined();
    });

    it('keeps the values, units and rate', () => {
      const r = recs.find((x) => x.id === 'wisdm_1600_walking')!;
      expect(r).toMatchObject({
        subject: '1600',
        label: 'walking',
        rateHz: 20,
        channelNames: ['ax', 'ay', 'az'],
      });
      expect(r.units).toEqual(['m/s2', 'm/s2', 'm/s2']);
      expect(r.channels[0]![0]).toBeCloseTo(7.091625, 5);
      expect(r.channels[2]![1]).toBeCloseTo(6.6967316, 5);
    });
  });

  describe.skipIf(bidmc.skip)(bidmc.title('ppg-triage'), () => {
    let recs: Recording[];
    beforeAll(async () => {
      recs = await loadDataset('ppg-triage', { dataDir: bidmc.dataDir });
    });

    it('has 23 records at 125 Hz with breath annotations and the README class counts', () => {
      expect(recs).toHaveLength(23);
      expect(recs.every((r) => r.subject === r.id && r.rateHz === 125 && samples(r) === 60001)).toBe(true);
      expect(recs[0]!.channelNames).toEqual(['pleth', 'resp']);
      expect(recs[0]!.units).toEqual(['nu', 'nu']);
      expect(recs[0]!.channels[0]![1]).toBeCloseTo(0.65689, 5);
      expect(recs[0]!.events!.map((e) => e.name)).toEqual(['breaths_ann1', 'breaths_ann2']);
      expect(countBy(recs, (r) => String(r.meta['ref_class']))).toEqual({ normal: 20, fast: 2, slow: 1 });
      expect(recs.find((r) => r.id === 'bidmc_13')!.meta['monitor_resp_rate_median_bpm']).toBe(0);
    });

    it('referenceBreathRate reproduces windows_32s.csv and recordings.csv', () => {
      const lines = readFileSync(join(bidmc.dataDir, 'ppg-triage', 'windows_32s.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      expect(lines).toHaveLength(667);
      const classes: Record<string, number> = {};
      for (const line of lines) {
        const [record, start, end, rate, cls] = line.split(',');
        const rec = recs.find((r) => r.id === record)!;
        const got = referenceBreathRate(rec, Number(start), Number(end));
        expect(Math.abs(got! - Number(rate)), line).toBeLessThanOrEqual(0.01);
        expect(breathClass(got!), line).toBe(cls);
        classes[cls!] = (classes[cls!] ?? 0) + 1;
      }
      expect(classes).toEqual({ normal: 569, fast: 60, slow: 38 });
      for (const rec of recs) {
        expect(referenceBreathRate(rec, 0, Infinity)).toBeCloseTo(rec.meta['ref_resp_rate_bpm'] as number, 2);
      }
    });

    it('gives the README class counts for 60 s windows', () => {
      const classes: Record<string, number> = {};
      for (const rec of recs) {
        for (let t = 0; t + 60 <= samples(rec) / rec.rateHz; t += 60) {
          const cls = breathClass(referenceBreathRate(rec, t, t + 60)!);
          classes[cls] = (classes[cls] ?? 0) + 1;
        }
      }
      expect(classes).toEqual({ normal: 160, fast: 15, slow: 9 });
      const windows = frameAll(recs, { length: 60 * 125, hop: 60 * 125, label: breathClassLabel });
      expect(countBy(windows, (w) => w.label!)).toEqual({ normal: 160, fast: 15, slow: 9 });
    });

    it('reads the 1 Hz numerics with empty fields as NaN', async () => {
      const n = await loadPpgNumerics('bidmc_13', bidmc.dataDir);
      expect(n.tS).toHaveLength(481);
      expect(n.hr_bpm[0]).toBe(66);
      expect(Number.isNaN(n.resp_rate_bpm[3])).toBe(true);
    });
  });
});

describe('breathClass', () => {
  it('splits at 12 and 20 breaths/min', () => {
    expect([11.99, 12, 20, 20.01].map(breathClass)).toEqual(['slow', 'normal', 'normal', 'fast']);
  });
});
