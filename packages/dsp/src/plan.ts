/**
 * The parts of a compiled feature graph that the ops plan: what each vector holds, the features, the
 * constant tables and each planned step. (The graph itself and its compiler are in ./graph.)
 */

/** What an op sees of its graph. */
export interface GraphTiming {
  rateHz: number;
  /** Samples per window. */
  window: number;
}

/** What a vector holds: a signal (rateHz), a spectrum (binHz, firstBin), beats, or [value, quality] pairs. */
export type VectorKind =
  | { kind: 'signal'; rateHz: number; unit: string }
  | { kind: 'spectrum'; binHz: number; firstBin: number; unit: string }
  | { kind: 'beats'; capacity: number; rateHz: number }
  | { kind: 'estimate'; unit: string };

export interface VectorInfo {
  name: string;
  length: number;
  type: VectorKind;
}

export interface FeatureInfo {
  name: string;
  unit: string;
}

/** A constant table emitted to C (float32 or uint16). */
export interface Table {
  name: string;
  data: Float32Array | Uint16Array;
}

/** One compiled step: its definition, the resolved integer/table parameters, and what it produces. */
export interface PlannedStep {
  index: number;
  phase: 'stream' | 'block';
  /** The step as the graph gives it (narrowed by `op` to a StreamStep or BlockStep of ./ops). */
  step: { op: string; in: string[] };
  inputs: VectorInfo[];
  output?: VectorInfo;
  features: FeatureInfo[];
  /** Offset of its first feature in the feature vector. */
  featureOffset: number;
  /** Integer parameters (bins, samples, counts) resolved from Hz/seconds. */
  ints: Record<string, number>;
  /** Float32 parameters. */
  floats: Record<string, number>;
  tables: Record<string, Table>;
  /** Persistent state floats (stream ops) and kernel work floats (block ops). */
  stateFloats: number;
  stateOffset: number;
  workFloats: number;
}
