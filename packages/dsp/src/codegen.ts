/**
 * C code generation for a compiled feature graph: a `.h/.c` pair holding the graph's constant tables,
 * its state struct and the op calls into the hand-written runtime in packages/dsp/c/ (murmur_dsp.h).
 * The generated API is streaming: frames arrive in chunks, a window is processed when it is full.
 */
import { cBanner, cFloat, cIncludeGuard } from '@murmur/core';
import {
  HIGHER_MOMENTS_AT,
  MOMENT_NAMES,
  type BlockStep,
  type CompiledGraph,
  type PlannedStep,
  type StreamStep,
  type Table,
} from './graph';
import { STAT_NAMES } from './kernels';

export interface GeneratedC {
  /** File names, e.g. `murmur_ppg_triage_features.h`. */
  headerName: string;
  sourceName: string;
  header: string;
  source: string;
}

const SPECTRAL_SHAPES = ['centroid', 'peak', 'flatness'];

function tableLiteral(prefix: string, t: Table): string {
  const isFloat = t.data instanceof Float32Array;
  const values = Array.from(t.data, (v) => (isFloat ? cFloat(v) : `${v}u`));
  const rows: string[] = [];
  const perRow = isFloat ? 6 : 12;
  for (let i = 0; i < values.length; i += perRow) rows.push(`  ${values.slice(i, i + perRow).join(', ')},`);
  return `static MURMUR_ROM ${isFloat ? 'float' : 'uint16_t'} ${prefix}_${t.name}[${values.length}] = {\n${rows.join('\n')}\n};`;
}

/** Generates the C twin of a compiled graph (header + source). */
export function generateC(g: CompiledGraph, origin = `feature graph '${g.graph.name}'`): GeneratedC {
  const { graph, memory } = g;
  const id = `murmur_${graph.name}`;
  const ID = id.toUpperCase();
  const headerName = `${id}_features.h`;
  const sourceName = `${id}_features.c`;
  const banner = cBanner(
    [`${id}: the streaming C twin of the TS reference of ${origin}.`],
    '@murmur/dsp',
    origin,
  );
  const channels = graph.channels.length;

  const header = `${banner}
${cIncludeGuard(
  `${ID}_FEATURES_H`,
  `
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ${ID}_CHANNELS ${channels}u
#define ${ID}_RATE_HZ ${graph.rateHz}
#define ${ID}_WINDOW ${graph.window}u
#define ${ID}_HOP ${graph.hop}u
#define ${ID}_FEATURES ${g.features.length}u
/* Floats of caller-provided scratch that murmur_${graph.name}_push needs. */
#define ${ID}_SCRATCH_FLOATS ${Math.max(1, memory.scratchFloats)}u
/* Bytes: state ${memory.stateBytes}, scratch ${memory.scratchBytes}, constant tables ${memory.flashBytes}. */

/* Feature indices. */
${g.features.map((f, i) => `#define ${ID}_F_${f.name.toUpperCase()} ${i}u /* ${f.unit || '-'} */`).join('\n')}

/* Persistent state: initialise with murmur_${graph.name}_init. */
typedef struct {
  uint32_t until_ready; /* frames until the next window is complete */
  uint32_t head;        /* next ring position */${memory.ringFloats ? `\n  float ring[${memory.ringFloats}]; /* ${channels} channels x ${graph.window} frames */` : ''}${memory.stateFloats ? `\n  float stream[${memory.stateFloats}]; /* running op state */` : ''}
} ${id}_state_t;

void ${id}_init(${id}_state_t *state);

/*
 * Consumes interleaved frames (${channels} float${channels > 1 ? 's' : ''} each: ${graph.channels.join(', ')}) until a window
 * completes or the input ends, and returns the number of frames consumed. When a window completed,
 * its ${g.features.length} features were written to features[] and *ready is 1 (otherwise 0); call again with
 * the remaining frames. scratch holds ${ID}_SCRATCH_FLOATS floats.
 */
size_t ${id}_push(${id}_state_t *state, const float *frames, size_t n_frames, float *scratch, float *features,
${' '.repeat(id.length + 13)}int *ready);

#ifdef __cplusplus
}
#endif`,
)}`;

  const at = (name: string): string =>
    graph.channels.includes(name)
      ? `(state->ring + ${graph.channels.indexOf(name)}u * ${ID}_WINDOW)`
      : name in memory.stateOffsets
        ? `(state->stream + ${memory.stateOffsets[name]})`
        : `(scratch + ${memory.offsets[name]})`;
  const work = (p: PlannedStep): string => at(`work_${p.index}`);
  const tab = (p: PlannedStep, key: string): string => `${id}_${p.tables[key]!.name}`;
  const flt = (v: number): string => cFloat(v);
  const copyFeatures = (p: PlannedStep, from: string, pick: number[]): string[] => {
    const contiguous = pick.every((src, i) => src === pick[0] + i);
    if (contiguous && pick.length > 4) {
      return [
        `{ uint32_t k; for (k = 0; k < ${pick.length}u; k++) features[${p.featureOffset} + k] = ${from}[${pick[0]} + k]; }`,
      ];
    }
    return pick.map((src, i) => `features[${p.featureOffset + i}] = ${from}[${src}];`);
  };

  const perSample: string[] = [];
  const finish: string[] = [];
  const values = new Map<string, string>(graph.channels.map((c, i) => [c, `frame[${i}]`]));
  for (const p of g.steps.filter((s) => s.phase === 'stream')) {
    const s = p.step as StreamStep;
    const v = (j: number): string => values.get(s.in[j])!;
    const st = `state->stream + ${p.stateOffset}`;
    if (s.op === 'magnitude') {
      perSample.push(
        `const float v_${s.out} = sqrtf((${v(0)} * ${v(0)} + ${v(1)} * ${v(1)}) + ${v(2)} * ${v(2)});`,
      );
      values.set(s.out, `v_${s.out}`);
    } else if (s.op === 'difference') {
      perSample.push(`const float v_${s.out} = murmur_difference_update_f32(${st}, ${v(0)});`);
      values.set(s.out, `v_${s.out}`);
    } else if (s.op === 'rectify') {
      perSample.push(`const float v_${s.out} = fabsf(${v(0)});`);
      values.set(s.out, `v_${s.out}`);
    } else if (s.op === 'biquad') {
      perSample.push(
        `const float v_${s.out} = murmur_biquad_step_f32(${st}, ${tab(p, 'coeffs')}, ${s.sections.length}u, ${v(0)});`,
      );
      values.set(s.out, `v_${s.out}`);
    } else if (s.op === 'moments') {
      const order = p.ints.order === 4 ? '4' : '';
      perSample.push(`murmur_moments${order}_update_f32(${st}, ${v(0)});`);
      finish.push(
        `murmur_moments_finish_f32(${st}, tmp);`,
        ...(order ? [`murmur_moments4_finish_f32(${st}, tmp + ${HIGHER_MOMENTS_AT});`] : []),
        ...copyFeatures(
          p,
          'tmp',
          s.emit.map((e) => MOMENT_NAMES.indexOf(e)),
        ),
      );
    } else if (s.op === 'decimate') {
      perSample.push(
        `if (pos % ${s.factor}u == 0u) state->stream[${p.stateOffset}u + pos / ${s.factor}u] = ${v(0)};`,
      );
    } else if (s.op === 'bandEnergy') {
      const bands = s.bandsHz.length;
      perSample.push(`murmur_filter_bank_update_f32(${st}, ${tab(p, 'coeffs')}, ${bands}u, ${v(0)});`);
      finish.push(
        `murmur_band_energy_f32(${st}, ${tab(p, 'bins')}, ${bands}u, 0u, ${bands}u, ${s.relative ? 1 : 0}, ${s.log ? 1 : 0}, features + ${p.featureOffset});`,
      );
    } else if (s.op === 'autocorrPeriod') {
      const lags = `${p.ints.minLag}u, ${p.ints.maxLag}u`;
      perSample.push(`murmur_autocorr_update_f32(${st}, pos, ${lags}, ${v(0)});`);
      finish.push(
        `murmur_autocorr_finish_f32(${st}, ${lags}, ${flt(p.floats.rateHz)}, features + ${p.featureOffset});`,
      );
    } else if (s.op === 'correlation') {
      perSample.push(`murmur_comoment_update_f32(${st}, ${v(0)}, ${v(1)});`);
      finish.push(`features[${p.featureOffset}] = murmur_comoment_finish_f32(${st});`);
    } else {
      const bins = p.output!.length;
      perSample.push(`murmur_goertzel_update_f32(${st}, ${tab(p, 'coeff')}, ${bins}u, ${v(0)});`);
      if (p.ints.segment < graph.window) {
        perSample.push(
          `if ((pos + 1u) % ${p.ints.segment}u == 0u) murmur_goertzel_segment_f32(${st}, ${tab(p, 'coeff')}, ${bins}u);`,
        );
        finish.push(`memcpy(${at(s.out)}, ${st} + ${2 * bins}, ${bins}u * sizeof(float));`);
      } else finish.push(`murmur_goertzel_finish_f32(${st}, ${tab(p, 'coeff')}, ${bins}u, ${at(s.out)});`);
    }
  }

  // Stream ops are only allowed with hop = window, so until_ready counts each window's frames down from
  // WINDOW: the frame's position in its window (TS: the sample index i) is WINDOW - until_ready.
  if (perSample.some((l) => /\bpos\b/.test(l)))
    perSample.unshift(`const uint32_t pos = ${ID}_WINDOW - state->until_ready;`);

  const block: string[] = [];
  for (const p of g.steps.filter((s) => s.phase === 'block')) {
    const s = p.step as BlockStep;
    const x = at(s.in[0]);
    const n = p.inputs[0].length;
    const y = p.output ? at(p.output.name) : '';
    const m = p.output?.length ?? 0;
    block.push(`/* ${s.op} ${s.in.join(', ')}${p.output ? ` -> ${p.output.name}` : ''} */`);
    switch (s.op) {
      case 'window':
        block.push(`murmur_multiply_f32(${x}, ${tab(p, 'window')}, ${y}, ${n}u);`);
        break;
      case 'demean':
      case 'detrend':
      case 'rectify':
        block.push(`murmur_${s.op}_f32(${x}, ${y}, ${n}u);`);
        break;
      case 'biquad':
        block.push(`murmur_biquad_f32(${x}, ${y}, ${n}u, ${tab(p, 'coeffs')}, ${s.sections.length}u);`);
        break;
      case 'decimate':
        block.push(`murmur_decimate_f32(${x}, ${y}, ${m}u, ${p.ints.factor}u);`);
        break;
      case 'zeroPad':
        block.push(`murmur_zero_pad_f32(${x}, ${n}u, ${y}, ${m}u);`);
        break;
      case 'magnitude':
        block.push(`murmur_magnitude3_f32(${x}, ${at(s.in[1])}, ${at(s.in[2])}, ${y}, ${n}u);`);
        break;
      case 'powerSpectrum':
        block.push(
          `murmur_power_spectrum_f32(${x}, ${y}, ${n}u, ${tab(p, 'cos')}, ${tab(p, 'sin')}, ${work(p)});`,
        );
        break;
      case 'beats':
        block.push(
          `murmur_beats_f32(${x}, ${at(s.in[1])}, ${n}u, ${flt(p.floats.thresholdK)}, ${p.ints.refractory}u, ${p.ints.capacity}u, ${y});`,
        );
        break;
      case 'respSeries':
        block.push(
          `murmur_resp_series_f32(${x}, ${p.ints.capacity}u, ${p.ints.kind}u, ${flt(p.floats.step)}, ${y}, ${m}u);`,
        );
        break;
      case 'peakFrequency':
        block.push(
          `murmur_peak_frequency_f32(${x}, ${p.ints.lo}u, ${p.ints.hi}u, ${flt(p.floats.binHz)}, ${flt(p.floats.firstBin)}, ${flt(p.floats.scale)}, ${y});`,
        );
        break;
      case 'fuse':
        s.in.forEach((name, i) =>
          block.push(`${work(p)}[${2 * i}] = ${at(name)}[0];`, `${work(p)}[${2 * i + 1}] = ${at(name)}[1];`),
        );
        block.push(`murmur_fuse_f32(${work(p)}, ${s.in.length}u, ${y});`);
        break;
      case 'stats':
        block.push(
          `murmur_stats_f32(${x}, ${n}u, ${work(p)});`,
          ...copyFeatures(
            p,
            work(p),
            s.emit.map((e) => STAT_NAMES.indexOf(e)),
          ),
        );
        break;
      case 'correlation':
        block.push(`features[${p.featureOffset}] = murmur_correlation_f32(${x}, ${at(s.in[1])}, ${n}u);`);
        break;
      case 'sma':
        block.push(
          `features[${p.featureOffset}] = murmur_sma_f32(${x}, ${at(s.in[1])}, ${at(s.in[2])}, ${n}u);`,
        );
        break;
      case 'bandEnergy':
        block.push(
          `murmur_band_energy_f32(${x}, ${tab(p, 'bins')}, ${s.bandsHz.length}u, ${p.ints.totalLo}u, ${p.ints.totalHi}u, ${s.relative ? 1 : 0}, ${s.log ? 1 : 0}, ${work(p)});`,
          ...copyFeatures(
            p,
            work(p),
            s.bandsHz.map((_, i) => i),
          ),
        );
        break;
      case 'spectralShape':
        block.push(
          `murmur_spectral_shape_f32(${x}, ${p.ints.lo}u, ${p.ints.hi}u, ${flt(p.floats.binHz)}, ${flt(p.floats.firstBin)}, ${work(p)});`,
          ...copyFeatures(
            p,
            work(p),
            s.emit.map((e) => SPECTRAL_SHAPES.indexOf(e)),
          ),
        );
        break;
      case 'defectEnergy':
        block.push(
          `murmur_defect_energy_f32(${x}, ${tab(p, 'ranges')}, ${s.orders.length}u, ${p.ints.harmonics}u, ${p.ints.refLo}u, ${p.ints.refHi}u, ${work(p)});`,
          ...copyFeatures(
            p,
            work(p),
            s.orders.map((_, i) => i),
          ),
        );
        break;
      case 'defectProminence':
        block.push(
          `murmur_defect_prominence_f32(${x}, ${tab(p, 'ranges')}, ${s.orders.length}u, ${p.ints.harmonics}u, ${work(p)});`,
          ...copyFeatures(
            p,
            work(p),
            s.orders.map((_, i) => i),
          ),
        );
        break;
      case 'autocorrPeriod':
        block.push(
          `murmur_autocorr_period_f32(${x}, ${n}u, ${p.ints.minLag}u, ${p.ints.maxLag}u, ${flt(p.floats.rateHz)}, ${work(p)}, features + ${p.featureOffset});`,
        );
        break;
      case 'heartRate':
        block.push(
          `murmur_heart_rate_f32(${x}, ${flt(p.floats.rateHz)}, ${work(p)}, ${work(p)} + ${p.ints.capacity});`,
          ...copyFeatures(p, `(${work(p)} + ${p.ints.capacity})`, [0, 1]),
        );
        break;
      case 'emit':
        block.push(
          ...copyFeatures(
            p,
            x,
            p.features.map((_, i) => i),
          ),
        );
        break;
    }
  }

  const rotate = memory.ringFloats
    ? `  for (i = 0; i < ${ID}_CHANNELS; i++) murmur_rotate_f32(state->ring + i * ${ID}_WINDOW, ${ID}_WINDOW, state->head);
  state->head = 0;`
    : '';
  const needsTmp = finish.some((l) => l.includes('tmp'));
  const source = `${banner}
#include "${headerName}"

#include <math.h>
#include <string.h>

#include "murmur_dsp.h"

${g.tables.map((t) => tableLiteral(id, t)).join('\n\n')}

void ${id}_init(${id}_state_t *state) {
  uint32_t i;
  state->until_ready = ${ID}_WINDOW;
  state->head = 0;${memory.ringFloats ? `\n  for (i = 0; i < ${memory.ringFloats}u; i++) state->ring[i] = 0.0f;` : ''}${memory.stateFloats ? `\n  for (i = 0; i < ${memory.stateFloats}u; i++) state->stream[i] = 0.0f;` : ''}${!memory.ringFloats && !memory.stateFloats ? '\n  (void)i;' : ''}
}

/* Runs the window's ops; the ring holds the window's frames, oldest at state->head (rotated to 0 first).
 * The stream state is cleared last: the block ops may read vectors that the stream filled. */
static void ${id}_compute(${id}_state_t *state, float *scratch, float *features) {
${memory.ringFloats || memory.stateFloats ? '  uint32_t i;\n' : ''}${needsTmp ? `  float tmp[${MOMENT_NAMES.length}];\n` : ''}${rotate ? `${rotate}\n` : ''}${finish.map((l) => `  ${l}`).join('\n')}
${block.map((l) => `  ${l}`).join('\n')}${memory.stateFloats ? `\n  for (i = 0; i < ${memory.stateFloats}u; i++) state->stream[i] = 0.0f;` : ''}
${memory.ringFloats || memory.stateFloats ? '' : '  (void)state;\n'}${memory.scratchFloats ? '' : '  (void)scratch;\n'}}

size_t ${id}_push(${id}_state_t *state, const float *frames, size_t n_frames, float *scratch, float *features,
${' '.repeat(id.length + 13)}int *ready) {
  size_t f;
  *ready = 0;
  for (f = 0; f < n_frames; f++) {
    const float *frame = frames + f * ${ID}_CHANNELS;${memory.ringFloats ? graph.channels.map((_, c) => `\n    state->ring[${c}u * ${ID}_WINDOW + state->head] = frame[${c}];`).join('') + `\n    if (++state->head == ${ID}_WINDOW) state->head = 0;` : ''}${perSample.map((l) => `\n    ${l}`).join('')}${!memory.ringFloats && !perSample.some((l) => l.includes('frame')) ? '\n    (void)frame;' : ''}
    if (--state->until_ready == 0) {
      state->until_ready = ${ID}_HOP;
      ${id}_compute(state, scratch, features);
      *ready = 1;
      return f + 1;
    }
  }
  return n_frames;
}
`;
  return { headerName, sourceName, header, source };
}
