/**
 * The Recording contract (ARCHITECTURE.md): one continuous take from one subject (person, machine,
 * bearing) at one sampling rate. Whole-recording labels live in `label`; truth that varies in time
 * (annotated breaths) lives in `events`; everything else (load, rpm, sensor) in `meta`.
 * Window labels are derived from these, and splits are always by subject, never by window.
 */
export interface RecordingEvents {
  name: string;
  /** Event times in seconds from the start of the recording. */
  timesS: number[];
}

export interface Recording {
  /** Unique within its dataset, e.g. `cwru_de12k_0hp_ball_007`, `wisdm_1600_walking`, `bidmc_02`. */
  id: string;
  /** The unit a split keeps together: a person, a machine/bearing or a patient. */
  subject: string;
  /** Whole-recording label where there is one (activity, fault class). */
  label?: string;
  rateHz: number;
  /** One Float32Array per channel, all the same length. */
  channels: Float32Array[];
  /** Channel names, same order as `channels` (e.g. `ax`, `ay`, `az`, `pleth`). */
  channelNames: string[];
  /** Unit of each channel (e.g. `m/s2`, `g`, `nu` for normalised units). */
  units: string[];
  events?: RecordingEvents[];
  meta: Record<string, string | number | boolean | null>;
}

/** The three datasets Murmur ships loaders for. */
export const datasetNames = ['predictive-maintenance', 'wearable-activity', 'ppg-triage'] as const;
export type DatasetName = (typeof datasetNames)[number];
