/**
 * The on-site baseline on a machine the classifier never saw: how often it raises a false alarm on
 * recordings that hold only healthy data.
 *
 * Which recordings: every subject (machine, bearing) all of whose recordings are labelled healthy — in
 * the development data the three NASA IMS bearings (another rig, 2000 rpm, 20.48 kHz, 50 one-second
 * snapshots each over 4.6 h); CWRU's 0 HP subject has fault recordings too and is left to
 * `anomalyMetrics`. A subject's recordings are taken in id order (the IMS ids end in the snapshot's time),
 * resampled to the feature graph's rate when they were sampled at another (windowed-sinc interpolation, as
 * a device on that machine sampling at 12 kHz would see them), and cut into the graph's windows, built for
 * the subject's own shaft speed (`motor_rpm`).
 *
 * What the device does: after the commissioning downlink it learns its baseline on the first windows
 * (here the first `COMMISSION_SHARE` of each subject's windows, at most the policy's
 * `commissioningWindows`), through the policy's own reference code (`PolicyRunner`); every later window
 * is scored. A false alarm is a scored window whose anomaly score is above the policy's alert threshold
 * (`alert.anomalyAbove`); an alert is `alert.consecutive` such windows in a row. The classifier plays no
 * part: every window is pushed as the healthy class. Windows the sensor check finds faulty teach the
 * baseline nothing and are not scored, as on the device.
 */
import { MurmurError } from '@murmur/core';
import type { Recording } from '@murmur/datasets';
import { cleanChannels, compileGraph, computeWindow, windowFaults, windowStarts } from '@murmur/dsp';
import type { SensorLimits } from '@murmur/dsp';
import { compilePolicy, PolicyRunner } from '@murmur/policy';
import { wilsonInterval } from '@murmur/report';
import { DEFAULT_SHAFT_RPM, featureGraph, predictiveMaintenanceGraph } from './features';
import { payloadSchema } from './payload';
import { uplinkPolicy } from './policy';

const HEALTHY = 'normal';

/** Share of a healthy subject's windows the baseline is commissioned on (in time order). */
export const COMMISSION_SHARE = 0.2;

/** Shares reported beside it, from one snapshot-scale commissioning to half the recording. */
export const COMMISSION_SHARES = [0.04, 0.1, 0.2, 0.5] as const;

/**
 * `x` (sampled at `fromHz`) at `toHz`: windowed-sinc interpolation (Hann-windowed, 64 taps), low-passed at
 * 0.9 × the lower Nyquist frequency. The identity when the rates are equal.
 */
export function resampleTo(x: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (fromHz === toHz) return x;
  const n = Math.floor((x.length * toHz) / fromHz);
  const y = new Float32Array(n);
  const cutoff = (0.45 * Math.min(fromHz, toHz)) / fromHz; // cycles per input sample
  const half = 32;
  // The taps depend only on the fractional position: one table per distinct fraction (75 for 20480 → 12000 Hz).
  const taps = new Map<number, Float64Array>();
  const tapsAt = (frac: number): Float64Array => {
    let h = taps.get(frac);
    if (!h) {
      h = new Float64Array(2 * half);
      for (let i = 0; i < 2 * half; i++) {
        const d = frac + half - 1 - i; // t − k for k = c − half + 1 + i
        const sinc = d === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * d) / (Math.PI * d);
        h[i] = sinc * (0.5 + 0.5 * Math.cos((Math.PI * d) / half));
      }
      if (taps.size < 4096) taps.set(frac, h);
    }
    return h;
  };
  for (let j = 0; j < n; j++) {
    const t = (j * fromHz) / toHz;
    const c = Math.floor(t);
    const h = tapsAt(t - c);
    let acc = 0;
    for (let k = Math.max(0, c - half + 1); k <= Math.min(x.length - 1, c + half); k++)
      acc += x[k]! * h[k - (c - half + 1)]!;
    y[j] = acc;
  }
  return y;
}

/** One healthy subject's windows as feature vectors in time order (null: the sensor check found it faulty). */
function subjectWindows(recordings: readonly Recording[], sensor: SensorLimits): (Float32Array | null)[] {
  const out: (Float32Array | null)[] = [];
  for (const rec of [...recordings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const graph = compileGraph(
      predictiveMaintenanceGraph(Number(rec.meta['motor_rpm']) || DEFAULT_SHAFT_RPM),
    );
    const raw = rec.channels[rec.channelNames.indexOf(featureGraph.channels[0]!)];
    if (!raw) throw new MurmurError(`recording ${rec.id} has no '${featureGraph.channels[0]}' channel`);
    const channels = [resampleTo(raw, rec.rateHz, featureGraph.rateHz)];
    const faults = windowFaults(channels, sensor, graph.graph.window, graph.graph.hop);
    const clean = cleanChannels(channels, sensor);
    windowStarts(graph, channels[0]!.length).forEach((start, i) => {
      out.push(
        faults[i]
          ? null
          : computeWindow(
              graph,
              clean.map((c) => c.subarray(start, start + graph.graph.window)),
            ),
      );
    });
  }
  return out;
}

export interface SubjectFalseAlarms {
  subject: string;
  recordings: number;
  rateHz: number;
  commissioningWindows: number;
  scoredWindows: number;
  faultyWindows: number;
  /** Scored windows above the alert threshold, and alerts (runs of `consecutive` of them). */
  falseAlarmWindows: number;
  alerts: number;
  medianScore: number;
  maxScore: number;
}

export interface BaselineFalseAlarms {
  method: string;
  threshold: number;
  commissionShare: number;
  subjects: SubjectFalseAlarms[];
  windows: number;
  falseAlarmWindows: number;
  /** Share of scored windows above the threshold, with its 95 % Wilson interval (windows are not independent). */
  rate: number;
  interval95: [number, number];
  alerts: number;
  /** The same rate for other commissioning shares. */
  byCommissionShare: { share: number; windows: number; falseAlarmWindows: number; rate: number }[];
}

/** Scores one subject's windows after commissioning on the first `share` of them. */
function scoreSubject(
  subject: string,
  recordings: readonly Recording[],
  windows: readonly (Float32Array | null)[],
  share: number,
  classes: readonly string[],
): SubjectFalseAlarms {
  const baseline = uplinkPolicy.baseline!;
  const alert = uplinkPolicy.alert!;
  const threshold = alert.anomalyAbove ?? Infinity;
  const sound = windows.filter((w) => w !== null).length;
  const commissioning = Math.max(2, Math.min(baseline.commissioningWindows, Math.round(share * sound)));
  const policy = compilePolicy(
    { ...uplinkPolicy, baseline: { ...baseline, commissioningWindows: commissioning } },
    {
      payload: payloadSchema,
      classes,
      featureNames: compileGraph(featureGraph).features.map((f) => f.name),
      hopSamples: featureGraph.hop,
      rateHz: featureGraph.rateHz,
    },
  );
  const runner = new PolicyRunner(policy);
  const healthy = Math.max(0, classes.indexOf(HEALTHY));
  const scores: number[] = [];
  let learned = 0;
  let alerts = 0;
  for (const features of windows) {
    if (!features) {
      runner.push({ classIndex: healthy, confidence: 1, features: new Float32Array(0), sensorFault: 1 });
      continue;
    }
    const r = runner.push({ classIndex: healthy, confidence: 1, features });
    if (learned < commissioning) learned++;
    else scores.push(r.anomaly);
    if (r.alertNow) alerts++;
  }
  const sorted = [...scores].sort((a, b) => a - b);
  return {
    subject,
    recordings: recordings.length,
    rateHz: recordings[0]!.rateHz,
    commissioningWindows: commissioning,
    scoredWindows: scores.length,
    faultyWindows: windows.length - sound,
    falseAlarmWindows: scores.filter((s) => s > Math.fround(threshold)).length,
    alerts,
    medianScore: sorted.length ? sorted[sorted.length >> 1]! : NaN,
    maxScore: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** The subjects whose every recording is healthy, with their recordings. */
export function healthyOnlySubjects(recordings: readonly Recording[]): Map<string, Recording[]> {
  const bySubject = new Map<string, Recording[]>();
  for (const r of recordings) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
  return new Map([...bySubject].filter(([, rs]) => rs.every((r) => r.label === HEALTHY)).sort());
}

/**
 * False alarms of the on-site baseline on the healthy-only subjects of `recordings` (see the module
 * comment), or null when there are none.
 */
export function baselineFalseAlarms(
  recordings: readonly Recording[],
  classes: readonly string[],
  sensor: SensorLimits,
): BaselineFalseAlarms | null {
  const subjects = healthyOnlySubjects(recordings);
  if (subjects.size === 0) return null;
  const windows = new Map([...subjects].map(([s, rs]) => [s, subjectWindows(rs, sensor)]));
  const at = (share: number): SubjectFalseAlarms[] =>
    [...subjects].map(([s, rs]) => scoreSubject(s, rs, windows.get(s)!, share, classes));
  const total = (list: SubjectFalseAlarms[]) => {
    const n = list.reduce((a, s) => a + s.scoredWindows, 0);
    const k = list.reduce((a, s) => a + s.falseAlarmWindows, 0);
    return { windows: n, falseAlarmWindows: k, rate: n ? k / n : NaN };
  };
  const main = at(COMMISSION_SHARE);
  const sum = total(main);
  return {
    method:
      `per healthy-only subject: recordings in id (time) order at ${featureGraph.rateHz} Hz, baseline ` +
      `commissioned on the first ${100 * COMMISSION_SHARE} % of its windows (at most ` +
      `${uplinkPolicy.baseline!.commissioningWindows}), the rest scored; a false alarm is a window above the alert threshold`,
    threshold: uplinkPolicy.alert?.anomalyAbove ?? Infinity,
    commissionShare: COMMISSION_SHARE,
    subjects: main,
    ...sum,
    interval95: ((i) => [i.lo, i.hi] as [number, number])(wilsonInterval(sum.falseAlarmWindows, sum.windows)),
    alerts: main.reduce((a, s) => a + s.alerts, 0),
    byCommissionShare: COMMISSION_SHARES.map((share) => ({ share, ...total(at(share)) })),
  };
}
