/**
 * Every op of the feature graph, by phase. Adding an op: its file here (step type, plan, TS run, C
 * emit), its kernels in ../kernels.ts and ../../c/murmur_dsp.c, and its lines below.
 */
import * as autocorrPeriod from './autocorr-period';
import * as bandEnergy from './band-energy';
import * as beats from './beats';
import * as biquad from './biquad';
import * as correlation from './correlation';
import * as decimate from './decimate';
import * as defectEnergy from './defect-energy';
import * as defectProminence from './defect-prominence';
import * as demean from './demean';
import * as detrend from './detrend';
import * as difference from './difference';
import * as emit from './emit';
import * as fuse from './fuse';
import * as mixSpectra from './mix-spectra';
import * as goertzel from './goertzel';
import * as heartRate from './heart-rate';
import * as magnitude from './magnitude';
import * as moments from './moments';
import * as peakFrequency from './peak-frequency';
import * as powerSpectrum from './power-spectrum';
import * as rectify from './rectify';
import * as respSeries from './resp-series';
import * as sma from './sma';
import * as spectralShape from './spectral-shape';
import * as stats from './stats';
import * as window from './window';
import * as zeroPad from './zero-pad';
import type { BlockOp, StreamOp } from './op';

export type { BlockOp, StreamOp, StreamRun } from './op';

export type { AutocorrPeriodStep } from './autocorr-period';
export type { BandEnergyStep } from './band-energy';
export { HIGHER_MOMENTS_AT, MOMENT_NAMES, type MomentName } from './moments';

/** Ops that run once per sample while the window fills (no window buffer needed; require hop = window). */
export type StreamStep =
  | magnitude.MagnitudeStep
  | difference.DifferenceStep
  | rectify.RectifyStep
  | biquad.BiquadStep
  | moments.MomentsStep
  | correlation.CorrelationStep
  | goertzel.GoertzelStep
  | decimate.DecimateStep
  | bandEnergy.BandEnergyStep
  | autocorrPeriod.AutocorrPeriodStep;

/** Ops that run on the whole window when it is full. */
export type BlockStep =
  | window.WindowStep
  | demean.DemeanStep
  | detrend.DetrendStep
  | rectify.RectifyStep
  | biquad.BiquadStep
  | decimate.DecimateStep
  | zeroPad.ZeroPadStep
  | magnitude.MagnitudeStep
  | powerSpectrum.PowerSpectrumStep
  | beats.BeatsStep
  | respSeries.RespSeriesStep
  | peakFrequency.PeakFrequencyStep
  | fuse.FuseStep
  | mixSpectra.MixSpectraStep
  | stats.StatsStep
  | correlation.CorrelationStep
  | sma.SmaStep
  | bandEnergy.BandEnergyStep
  | spectralShape.SpectralShapeStep
  | defectEnergy.DefectEnergyStep
  | defectProminence.DefectProminenceStep
  | autocorrPeriod.AutocorrPeriodStep
  | heartRate.HeartRateStep
  | emit.EmitStep;

export const STREAM_OPS: { [S in StreamStep as S['op']]: StreamOp<S> } = {
  magnitude: magnitude.stream,
  difference: difference.stream,
  rectify: rectify.stream,
  biquad: biquad.stream,
  moments: moments.stream,
  correlation: correlation.stream,
  goertzel: goertzel.stream,
  decimate: decimate.stream,
  bandEnergy: bandEnergy.stream,
  autocorrPeriod: autocorrPeriod.stream,
};

export const BLOCK_OPS: { [S in BlockStep as S['op']]: BlockOp<S> } = {
  window: window.block,
  demean: demean.block,
  detrend: detrend.block,
  rectify: rectify.block,
  biquad: biquad.block,
  decimate: decimate.block,
  zeroPad: zeroPad.block,
  magnitude: magnitude.block,
  powerSpectrum: powerSpectrum.block,
  beats: beats.block,
  respSeries: respSeries.block,
  peakFrequency: peakFrequency.block,
  fuse: fuse.block,
  mixSpectra: mixSpectra.block,
  stats: stats.block,
  correlation: correlation.block,
  sma: sma.block,
  bandEnergy: bandEnergy.block,
  spectralShape: spectralShape.block,
  defectEnergy: defectEnergy.block,
  defectProminence: defectProminence.block,
  autocorrPeriod: autocorrPeriod.block,
  heartRate: heartRate.block,
  emit: emit.block,
};

/** The stream op of a step, or undefined for an unknown op. */
export function streamOp<S extends StreamStep>(step: S): StreamOp<S> | undefined {
  return Object.hasOwn(STREAM_OPS, step.op) ? (STREAM_OPS[step.op] as StreamOp<S>) : undefined;
}

/** The block op of a step, or undefined for an unknown op. */
export function blockOp<S extends BlockStep>(step: S): BlockOp<S> | undefined {
  return Object.hasOwn(BLOCK_OPS, step.op) ? (BLOCK_OPS[step.op] as BlockOp<S>) : undefined;
}
