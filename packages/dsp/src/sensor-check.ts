/**
 * The sensor check that runs on every raw frame before the feature graph: a window is faulty when one of
 * its samples is not finite (a disconnected or broken sensor), reaches the sensor's range (clipping: the
 * true value was at or beyond full scale), or when a channel has held one value for `stuckSamples` samples
 * in a row (a stuck sensor). A faulty window is never classified: it has no class, raises no alarm and
 * teaches the on-site baseline nothing; the uplink says the sensor is faulty instead.
 *
 * The check keeps, per channel, the length of the current run of equal values and the samples since the
 * last non-finite sample, the last clipped sample and the last sample of a stuck run, so it costs O(1) per
 * sample and gives the same answer for overlapping windows as for windows one after the other. Its C twin is c/murmur_sensor.{h,c}.
 *
 * The feature graph is fed the clean samples (`cleanSample`): non-finite samples become the value in the
 * range nearest 0 and the rest are clamped to the range, so a faulty window cannot overflow a feature.
 */
import { MurmurError } from '@murmur/core';

/** What the firmware knows of its sensor: its range in the channels' unit and when a signal is stuck. */
export interface SensorLimits {
  /** Full scale: a sample ≤ min or ≥ max is clipped. */
  min: number;
  max: number;
  /** Equal consecutive samples on one channel from which the channel counts as stuck. */
  stuckSamples: number;
}

/** The C twin's files in the runtime directory (c/). */
export const sensorRuntimeFiles = ['murmur_sensor.h', 'murmur_sensor.c'] as const;

/** Bits of a window's sensor fault (0: the window is sound). */
export const SENSOR_FAULT = { nonFinite: 1, clipped: 2, stuck: 4 } as const;

/** The names of the bits set in a sensor fault, e.g. `['non-finite', 'stuck']`. */
export function sensorFaultNames(fault: number): string[] {
  const names: string[] = [];
  if (fault & SENSOR_FAULT.nonFinite) names.push('non-finite');
  if (fault & SENSOR_FAULT.clipped) names.push('clipped');
  if (fault & SENSOR_FAULT.stuck) names.push('stuck');
  return names;
}

const U32_MAX = 0xffffffff;
const f = Math.fround;

/** Checks limits: a finite range min < max (float32) and a stuck length of at least 2 samples. */
export function checkSensorLimits(limits: SensorLimits, field = 'sensor'): SensorLimits {
  const { min, max, stuckSamples } = limits;
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(f(min) < f(max))) {
    throw new MurmurError(`the range must be finite with min < max, got [${min}, ${max}]`, {
      field: `${field}.range`,
    });
  }
  if (!Number.isInteger(stuckSamples) || stuckSamples < 2 || stuckSamples > U32_MAX) {
    throw new MurmurError(`must be an integer ≥ 2, got ${stuckSamples}`, { field: `${field}.stuckSamples` });
  }
  return limits;
}

/** The sample the feature graph sees: in the range, and the value in the range nearest 0 for NaN. */
export function cleanSample(v: number, limits: SensorLimits): number {
  const lo = f(limits.min);
  const hi = f(limits.max);
  if (Number.isNaN(v)) return lo > 0 ? lo : hi < 0 ? hi : 0;
  const x = f(v);
  return x < lo ? lo : x > hi ? hi : x;
}

/** Channel-major samples with every sample cleaned (`cleanSample`). */
export function cleanChannels(channels: readonly Float32Array[], limits: SensorLimits): Float32Array[] {
  return channels.map((c) => c.map((v) => cleanSample(v, limits)));
}

interface ChannelState {
  last: number;
  run: number;
  sinceNonFinite: number;
  sinceClipped: number;
  sinceStuck: number;
}

/**
 * The streaming check over the frames of one sensor (C: `murmur_sensor_channel_t` per channel). A window is
 * stuck when a run of `stuckSamples` equal samples ends in it or goes on through it.
 */
export class SensorCheck {
  private readonly lo: number;
  private readonly hi: number;
  private readonly state: ChannelState[];

  constructor(
    channels: number,
    private readonly limits: SensorLimits,
  ) {
    this.lo = f(limits.min);
    this.hi = f(limits.max);
    this.state = Array.from({ length: channels }, () => ({
      last: 0,
      run: 0,
      sinceNonFinite: U32_MAX,
      sinceClipped: U32_MAX,
      sinceStuck: U32_MAX,
    }));
  }

  /** Adds one sample of channel `c`. */
  push(c: number, sample: number): void {
    const s = this.state[c]!;
    const v = f(sample);
    const since = (n: number): number => (n < U32_MAX ? n + 1 : n);
    s.sinceNonFinite = Number.isFinite(v) ? since(s.sinceNonFinite) : 0;
    s.sinceClipped = v <= this.lo || v >= this.hi ? 0 : since(s.sinceClipped);
    s.run = s.run > 0 && v === s.last ? since(s.run) : 1;
    s.sinceStuck = s.run >= this.limits.stuckSamples ? 0 : since(s.sinceStuck);
    s.last = v;
  }

  /** The fault of the window made of the last `window` samples of every channel (0 when sound). */
  fault(window: number): number {
    let fault = 0;
    for (const s of this.state) {
      if (s.sinceNonFinite < window) fault |= SENSOR_FAULT.nonFinite;
      if (s.sinceClipped < window) fault |= SENSOR_FAULT.clipped;
      if (s.sinceStuck < window) fault |= SENSOR_FAULT.stuck;
    }
    return fault;
  }
}

/**
 * The sensor fault of every window of a stream (channel-major, windows at 0, hop, 2·hop, ...): what the
 * firmware computes when fed the same frames from its start.
 */
export function windowFaults(
  channels: readonly Float32Array[],
  limits: SensorLimits,
  window: number,
  hop: number,
): number[] {
  const check = new SensorCheck(channels.length, limits);
  const length = channels[0]?.length ?? 0;
  const faults: number[] = [];
  for (let t = 0; t < length; t++) {
    for (let c = 0; c < channels.length; c++) check.push(c, channels[c]![t]!);
    const end = t + 1;
    if (end >= window && (end - window) % hop === 0) faults.push(check.fault(window));
  }
  return faults;
}
