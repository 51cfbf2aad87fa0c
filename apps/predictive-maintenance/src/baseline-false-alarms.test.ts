import { describe, expect, it } from 'vitest';
import type { Recording } from '@murmur/datasets';
import { app } from './index';
import { baselineFalseAlarms, healthyOnlySubjects, resampleTo } from './baseline-false-alarms';
import { vibrationSensorLimits } from './sensor';

/** A healthy-looking vibration snapshot: a few machine tones and noise, `gain` times louder from `loudFrom` on. */
function snapshot(subject: string, i: number, label: string, rateHz: number, gain = 1): Recording {
  let seed = 1 + i * 7919 + subject.length;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const n = Math.round(rateHz * 0.6);
  const accel = Float32Array.from({ length: n }, (_, t) => {
    const s = t / rateHz;
    return (
      gain * (0.3 * Math.sin(2 * Math.PI * 33 * s) + 0.1 * Math.sin(2 * Math.PI * 4100 * s) + 0.2 * noise())
    );
  });
  return {
    id: `${subject}_2003${String(i).padStart(4, '0')}`,
    subject,
    label,
    rateHz,
    channels: [accel],
    channelNames: ['accel'],
    units: ['g'],
    meta: { motor_rpm: 2000 },
  };
}

describe('false alarms of the on-site baseline on healthy-only machines', () => {
  it('resamples without changing a tone below the new Nyquist frequency', () => {
    const from = 20480;
    const x = Float32Array.from({ length: from }, (_, t) => Math.sin((2 * Math.PI * 1000 * t) / from));
    const y = resampleTo(x, from, 12000);
    expect(y.length).toBe(12000);
    for (const j of [100, 5000, 11000])
      expect(y[j]!).toBeCloseTo(Math.sin((2 * Math.PI * 1000 * j) / 12000), 2);
    expect(resampleTo(x, 12000, 12000)).toBe(x);
  });

  it('takes the subjects whose every recording is healthy', () => {
    const recs = [
      snapshot('ims_bearing1', 0, 'normal', 20480),
      snapshot('cwru_0hp', 0, 'normal', 12000),
      snapshot('cwru_0hp', 1, 'ball', 12000),
    ];
    expect([...healthyOnlySubjects(recs).keys()]).toEqual(['ims_bearing1']);
    expect(baselineFalseAlarms(recs.slice(1), app.classes, vibrationSensorLimits)).toBeNull();
  });

  it('commissions on the first windows in time order and counts windows above the threshold', () => {
    const quiet = Array.from({ length: 10 }, (_, i) => snapshot('ims_bearing1', i, 'normal', 20480));
    const loud = Array.from({ length: 10 }, (_, i) =>
      snapshot('ims_bearing2', i, 'normal', 20480, i >= 5 ? 20 : 1),
    );
    const r = baselineFalseAlarms([...loud, ...quiet].reverse(), app.classes, vibrationSensorLimits)!;
    expect(r.subjects.map((s) => s.subject)).toEqual(['ims_bearing1', 'ims_bearing2']);
    const [a, b] = r.subjects;
    // 0.6 s at 12 kHz: 3 windows of 2048 per snapshot, 30 per subject; 20 % commission.
    expect(a).toMatchObject({
      recordings: 10,
      commissioningWindows: 6,
      scoredWindows: 24,
      falseAlarmWindows: 0,
    });
    expect(b!.falseAlarmWindows).toBe(15);
    expect(b!.alerts).toBe(1);
    expect(r.windows).toBe(48);
    expect(r.rate).toBeCloseTo(15 / 48, 9);
    expect(r.interval95[0]).toBeLessThan(r.rate);
    expect(r.interval95[1]).toBeGreaterThan(r.rate);
    expect(r.byCommissionShare.map((s) => s.share)).toEqual([0.04, 0.1, 0.2, 0.5]);
  });
});
