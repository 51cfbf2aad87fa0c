import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Board } from '@murmur/boards';
import { kernelDir, kernelFiles, type CompressedModel } from '@murmur/kernels';
import { cBanner, cExternC, cFloat, cFloatSemantics, cIncludeGuard, MurmurError } from '@murmur/core';
import {
  checkSensorLimits,
  compileGraph,
  generateC as generateFeaturesC,
  runtimeDir as dspRuntimeDir,
  sensorRuntimeFiles,
  type FeatureGraph,
  type SensorLimits,
} from '@murmur/dsp';
import {
  cborCompactMaxSize,
  generateC as generatePayloadC,
  payloadRuntimeDir,
  payloadRuntimeFiles,
  type PayloadSchema,
} from '@murmur/payload';
import {
  compilePolicy,
  generatePolicyC,
  windowsPerPeriod,
  type CompiledPolicy,
  type UplinkPolicyDef,
} from '@murmur/policy';
import { appArduinoExample } from './arduino-example';
import { libraryBuildFiles, type LibraryFile } from './build-files';
import { appLibraryUsage } from './library-usage';
import { cIdentifier } from './c-emit';
import { GENERATOR, generateModelCode, type GeneratedModel } from './model-codegen';

/**
 * The generated library of one app for one board: `murmur_<app>.h` with a small stable API over the feature
 * graph's C twin (packages/dsp), the model (kernels + generated layers), the payload encoder
 * (packages/payload) and the uplink policy, laid out as an Arduino library (`library.properties`, `src/`)
 * with a Makefile and a CMakeLists.txt.
 */
export interface AppLibraryOptions {
  /** App name, e.g. `wearable-activity`; the C API is `murmur_<app>_*` with '-' as '_'. */
  app: string;
  board?: Board;
  featureGraph: FeatureGraph;
  /** The sensor's range and stuck length: windows that break them are faulty, never classified. */
  sensor: SensorLimits;
  /** The int8 model; absent for an app without one (the policy's class rule gives every class). */
  model?: CompressedModel;
  payload: PayloadSchema;
  /** The model's classes in output order. */
  classes: readonly string[];
  /** How the windows of a period become the uplink (@murmur/policy). */
  policy: UplinkPolicyDef;
  /** Library version for library.properties. */
  version?: string;
}

export interface AppLibrary {
  id: string;
  files: LibraryFile[];
  /** The generated model (absent for an app without one). */
  model?: GeneratedModel;
  featureNames: string[];
  classes: string[];
  /** The uplink policy compiled against the library's payload (C names `murmur_<app>_uplink_*`). */
  policy: CompiledPolicy;
  /** Frames per window and hop, channels, sampling rate. */
  window: number;
  hop: number;
  channels: number;
  rateHz: number;
  /** Bytes of the bit-packed uplink. */
  uplinkBytes: number;
  /** Frames the library cleans and hands to the feature graph at a time. */
  sensorChunkFrames: number;
  /** C sources (paths inside the library) of the library. */
  sources: string[];
}

const sourceName = (path: string): boolean => path.endsWith('.c');

/**
 * Frames cleaned at a time on their way to the feature graph: 8 saves most of the per-call cost (about 8 %
 * of the feature time at 12 kHz on a Cortex-M4); boards with 4 KB of RAM or less keep one frame.
 */
function sensorChunkFrames(board: Board | undefined): number {
  return board && board.memory.ram.size <= 4096 ? 1 : 8;
}

/** Generates every file of the app's library. */
export function generateAppLibrary(options: AppLibraryOptions): AppLibrary {
  const id = cIdentifier(options.app);
  const prefix = `murmur_${id}`;
  const ID = prefix.toUpperCase();
  // The feature graph and payload generators name their C after the graph and schema; renamed copies keep
  // their symbols apart from the library's own murmur_<app>_* API.
  const graph = compileGraph({ ...options.featureGraph, name: `${id}_dsp` });
  const features = generateFeaturesC(
    graph,
    `feature graph '${options.featureGraph.name}' of app '${options.app}'`,
  );
  const payload = generatePayloadC({ ...options.payload, name: `${id}_uplink` });
  const featureNames = graph.features.map((f) => f.name);
  if (options.board && graph.memory.ramBytes > options.board.memory.ram.size) {
    throw new MurmurError(
      `the feature graph of '${options.app}' needs ${graph.memory.ramBytes} B of RAM (state ${graph.memory.stateBytes} B, ` +
        `scratch ${graph.memory.scratchBytes} B); board '${options.board.id}' has ${options.board.memory.ram.size} B`,
      { field: 'featureGraph' },
    );
  }
  const classes = [...options.classes];
  const policy = compilePolicy(options.policy, {
    payload: { ...options.payload, name: `${id}_uplink` },
    classes,
    featureNames,
    hopSamples: graph.graph.hop,
    rateHz: graph.graph.rateHz,
  });
  const policyC = generatePolicyC(policy);
  if (!options.model && !policy.classRule)
    throw new MurmurError(`app '${options.app}' has no model, so its uplink policy needs a class rule`, {
      field: 'model',
    });
  const model = options.model && generateModelCode(options.model, { name: id, app: options.app });
  if (model && model.inputSize !== featureNames.length) {
    throw new MurmurError(
      `the model takes ${model.inputSize} inputs but the feature graph gives ${featureNames.length}`,
      {
        field: 'model.inputShape',
      },
    );
  }
  if (model && model.outputSize !== classes.length) {
    throw new MurmurError(`the model has ${model.outputSize} outputs for ${classes.length} classes`, {
      field: 'model',
    });
  }
  const sensor = checkSensorLimits(options.sensor);
  const chunkFrames = sensorChunkFrames(options.board);
  const { rateHz, hop, window } = graph.graph;
  const channels = graph.graph.channels.length;
  const dsp = `murmur_${id}_dsp`;
  const DSP = dsp.toUpperCase();
  const board = options.board ? ` for board '${options.board.id}'` : '';
  const banner = cBanner(
    [
      `${prefix}: the library API of app '${options.app}'${board} over the feature graph, ${options.model ? 'the model' : 'the uplink policy'}`,
      options.model
        ? `(recipe '${options.model.recipe}'), the uplink policy and the payload encoder.`
        : '(its class rule gives the class: no model) and the payload encoder.',
    ],
    GENERATOR,
    `apps/${options.app}/app.config.ts`,
  );

  const header = `${banner}\n${cIncludeGuard(
    `${ID}_H`,
    [
      '',
      '#include <stdbool.h>',
      '#include <stddef.h>',
      '#include <stdint.h>',
      '',
      ...cExternC([
        `/** Interleaved float channels per frame: ${graph.graph.channels.join(', ')}. */`,
        `#define ${ID}_CHANNELS ${channels}`,
        `#define ${ID}_RATE_HZ ${rateHz}`,
        `/** Frames per window and between windows. */`,
        `#define ${ID}_WINDOW ${window}`,
        `#define ${ID}_HOP ${hop}`,
        `#define ${ID}_FEATURES ${featureNames.length}`,
        `#define ${ID}_CLASSES ${classes.length}`,
        `/** Bytes of the uplink written by ${prefix}_encode_uplink, and its LoRaWAN fPort. */`,
        `#define ${ID}_UPLINK_SIZE ${options.payload.size}`,
        `#define ${ID}_FPORT ${options.payload.fPort}`,
        `/** Largest output of ${prefix}_encode_uplink_cbor (the compact CBOR form for NB-IoT / LTE-M). */`,
        `#define ${ID}_UPLINK_CBOR_MAX_SIZE ${cborCompactMaxSize(options.payload)}`,
        '',
        `/** The sensor's range (a sample at or beyond it is clipped) and the equal samples that make it stuck. */`,
        `#define ${ID}_SENSOR_MIN (${cFloat(sensor.min)})`,
        `#define ${ID}_SENSOR_MAX (${cFloat(sensor.max)})`,
        `#define ${ID}_SENSOR_STUCK_SAMPLES ${sensor.stuckSamples}u`,
        '',
        `/** Classes: ${classes.map((c, i) => `${i} ${c}`).join(', ')}. */`,
        'typedef struct {',
        '  /** Bits of MURMUR_SENSOR_* (murmur_sensor.h): 0 when the window is sound. A faulty window is not',
        `   *  classified: class_index is ${ID}_CLASSES, margin and anomaly 0, and it raises no alert.${model ? ' */' : ''}`,
        ...(model
          ? []
          : [
              `   *  This library has no model: class_index is always ${ID}_CLASSES and margin 0; the uplink`,
              "   *  policy's class rule gives each window's class. */",
            ]),
        '  uint8_t sensor_fault;',
        '  uint16_t class_index;',
        '  /** Top-1 minus top-2 int8 logit (0..255); the confidence given to the uplink policy is margin / 255. */',
        '  uint8_t margin;',
        '  /** Anomaly score against the on-site baseline (0 while it is learned, or without one). */',
        '  float anomaly;',
        '  /** 1 when this window raised an alert: send an uplink now. */',
        '  uint8_t alert;',
        `} ${prefix}_result;`,
        '',
        '/** Uplink fields the library does not compute: the caller supplies them when encoding. */',
        'typedef struct {',
        '  uint8_t battery_pct;',
        `} ${prefix}_inputs;`,
        '',
        '/** Resets the feature state, the uplink period and the learned baseline. */',
        `void ${prefix}_init(void);`,
        '',
        '/** Forgets the learned anomaly baseline; the next windows commission it again (e.g. on a downlink). */',
        `void ${prefix}_restart_baseline(void);`,
        '',
        '/**',
        ` * Feeds interleaved frames (${channels} floats each). Stops early when a window completes; returns the frames`,
        ` * consumed. Call ${prefix}_infer when ${prefix}_ready says so, then push the rest. Every sample goes through`,
        ' * the sensor check; the features see it clamped to the sensor range (NaN as the value nearest 0).',
        ' */',
        `size_t ${prefix}_push_samples(const float *frames, size_t n_frames);`,
        '',
        "/** 1 when a window's features are waiting for inference, else 0. */",
        `int ${prefix}_ready(void);`,
        '',
        '/** Classifies the waiting window (unless the sensor check found it faulty) and adds it to the uplink period. 0, or a negative status. */',
        `int ${prefix}_infer(${prefix}_result *result);`,
        '',
        '/** The features of the latest window. */',
        `const float *${prefix}_features(void);`,
        '',
        `/** Encodes the period's uplink into out (cap >= ${ID}_UPLINK_SIZE) and starts a new period; returns the size or 0. */`,
        `size_t ${prefix}_encode_uplink(const ${prefix}_inputs *inputs, uint8_t *out, size_t cap);`,
        '',
        `/** The same as compact CBOR (cap >= ${ID}_UPLINK_CBOR_MAX_SIZE) and starts a new period; returns the size or 0. */`,
        `size_t ${prefix}_encode_uplink_cbor(const ${prefix}_inputs *inputs, uint8_t *out, size_t cap);`,
      ]),
      '',
    ].join('\n'),
  )}`;

  const pol = `murmur_${id}_uplink_policy`;
  const source = [
    banner,
    cFloatSemantics(),
    `#include "${prefix}.h"`,
    '',
    `#include "${dsp}_features.h"`,
    ...(model ? [`#include "murmur_model_${id}.h"`, '#include "murmur_nn.h"'] : []),
    `#include "${payload.baseName}.h"`,
    `#include "${policyC.baseName}.h"`,
    '#include "murmur_sensor.h"',
    '',
    '/** Frames cleaned at a time on their way to the feature graph. */',
    `#define SENSOR_CHUNK_FRAMES ${chunkFrames}u`,
    '',
    `static ${dsp}_state_t features_state;`,
    `static murmur_sensor_channel_t sensor_state[${ID}_CHANNELS];`,
    `static float clean_frames[SENSOR_CHUNK_FRAMES * ${ID}_CHANNELS];`,
    'static uint8_t window_fault;',
    `static float features_scratch[${DSP}_SCRATCH_FLOATS];`,
    `static float feature_vector[${featureNames.length}];`,
    'static uint8_t window_ready;',
    `static struct ${pol} policy;`,
    '',
    `void ${prefix}_init(void) {`,
    `  ${dsp}_init(&features_state);`,
    `  murmur_sensor_init(sensor_state, ${ID}_CHANNELS);`,
    '  window_ready = 0;',
    '  window_fault = 0;',
    `  ${pol}_init(&policy);`,
    '}',
    '',
    `void ${prefix}_restart_baseline(void) { ${pol}_restart_baseline(&policy); }`,
    '',
    `size_t ${prefix}_push_samples(const float *frames, size_t n_frames) {`,
    '  size_t used = 0;',
    '  while (used < n_frames && !window_ready) {',
    `    const float *next = frames + used * ${ID}_CHANNELS;`,
    '    size_t chunk = n_frames - used < SENSOR_CHUNK_FRAMES ? n_frames - used : SENSOR_CHUNK_FRAMES;',
    `    murmur_sensor_clean(next, clean_frames, chunk * ${ID}_CHANNELS, ${ID}_SENSOR_MIN, ${ID}_SENSOR_MAX);`,
    '    int ready = 0;',
    `    size_t took = ${dsp}_push(&features_state, clean_frames, chunk, features_scratch, feature_vector, &ready);`,
    `    murmur_sensor_push(sensor_state, ${ID}_CHANNELS, next, took, ${ID}_SENSOR_MIN, ${ID}_SENSOR_MAX, ${ID}_SENSOR_STUCK_SAMPLES);`,
    '    used += took;',
    '    if (ready) {',
    '      window_ready = 1;',
    `      window_fault = murmur_sensor_fault(sensor_state, ${ID}_CHANNELS, ${ID}_WINDOW);`,
    '    }',
    '  }',
    '  return used;',
    '}',
    '',
    `int ${prefix}_ready(void) { return window_ready; }`,
    '',
    `const float *${prefix}_features(void) { return feature_vector; }`,
    '',
    `int ${prefix}_infer(${prefix}_result *result) {`,
    ...(model ? [`  int8_t logits[${classes.length}];`] : []),
    '  if (!window_ready) return -3;',
    '  uint8_t margin = 0;',
    `  uint16_t index = ${ID}_CLASSES;`,
    ...(model
      ? [
          '  if (!window_fault) {',
          `    int status = murmur_model_${id}_invoke(feature_vector, logits);`,
          '    if (status != 0) return status;',
          `    index = murmur_argmax_s8(logits, ${classes.length}, &margin);`,
          '  }',
        ]
      : []),
    '  float anomaly = 0.0f;',
    // Without a model the policy gets class 0 and its class rule replaces it.
    `  int alert = ${pol}_push(&policy, window_fault, ${model ? '(uint8_t)index' : '0u'}, (float)margin / 255.0f, feature_vector, &anomaly);`,
    '  window_ready = 0;',
    '  if (result) {',
    '    result->sensor_fault = window_fault;',
    '    result->class_index = index;',
    '    result->margin = margin;',
    '    result->anomaly = anomaly;',
    '    result->alert = (uint8_t)alert;',
    '  }',
    '  return 0;',
    '}',
    '',
    `size_t ${prefix}_encode_uplink(const ${prefix}_inputs *inputs, uint8_t *out, size_t cap) {`,
    `  struct ${payload.baseName} message;`,
    `  ${pol}_summary(&policy, inputs->battery_pct, &message);`,
    `  ${pol}_new_period(&policy);`,
    `  return ${payload.baseName}_encode(&message, out, cap);`,
    '}',
    '',
    `size_t ${prefix}_encode_uplink_cbor(const ${prefix}_inputs *inputs, uint8_t *out, size_t cap) {`,
    `  struct ${payload.baseName} message;`,
    `  ${pol}_summary(&policy, inputs->battery_pct, &message);`,
    `  ${pol}_new_period(&policy);`,
    `  return ${payload.baseName}_encode_cbor(&message, out, cap);`,
    '}',
    '',
  ].join('\n');

  const files: LibraryFile[] = [
    { path: `src/${prefix}.h`, text: header },
    { path: `src/${prefix}.c`, text: source },
    { path: `src/${features.headerName}`, text: features.header },
    { path: `src/${features.sourceName}`, text: features.source },
    ...(model
      ? [
          { path: `src/${model.headerName}`, text: model.header },
          { path: `src/${model.sourceName}`, text: model.source },
        ]
      : []),
    { path: `src/${payload.baseName}.h`, text: payload.header },
    { path: `src/${payload.baseName}.c`, text: payload.source },
    { path: `src/${policyC.baseName}.h`, text: policyC.header },
    { path: `src/${policyC.baseName}.c`, text: policyC.source },
    ...['murmur_dsp.h', 'murmur_dsp.c', ...sensorRuntimeFiles].map((f) => ({
      path: `src/${f}`,
      text: readFileSync(join(dspRuntimeDir, f), 'utf8'),
    })),
    ...(model ? kernelFiles : []).map((f) => ({
      path: `src/${f}`,
      text: readFileSync(join(kernelDir, f), 'utf8'),
    })),
    ...payloadRuntimeFiles.map((f) => ({
      path: `src/${f}`,
      text: readFileSync(join(payloadRuntimeDir, f), 'utf8'),
    })),
  ];
  const sources = files.map((f) => f.path).filter(sourceName);
  const headers = files.map((f) => f.path).filter((path) => path.endsWith('.h'));
  files.push(...buildFiles(id, options, sources, headers, windowsPerPeriod(policy)));
  return {
    id,
    files,
    model,
    featureNames,
    classes,
    policy,
    window,
    hop,
    channels,
    rateHz,
    uplinkBytes: options.payload.size,
    sensorChunkFrames: chunkFrames,
    sources,
  };
}

/** The build and packaging files: Make, CMake, Arduino, PlatformIO, Zephyr (build-files.ts). */
function buildFiles(
  id: string,
  options: AppLibraryOptions,
  sources: string[],
  headers: string[],
  windowsPerUplink: number,
): LibraryFile[] {
  const lib = `murmur_${id}`;
  const g = options.featureGraph;
  return libraryBuildFiles({
    lib,
    board: options.board,
    sources,
    headers,
    title: `Murmur ${options.app}`,
    version: options.version,
    sentence: `On-device ${options.app} inference: features, ${options.model ? 'int8 model' : 'class rule'} and the LoRaWAN uplink.`,
    paragraph: `Generated from the '${options.app}' template (${options.model ? `recipe ${options.model.recipe}` : 'no model'}). Push sensor frames, infer, encode the uplink.`,
    keywords: ['murmur', 'tinyml', 'int8', 'inference', 'lpwan', 'lorawan', options.app],
    example: appArduinoExample({
      app: options.app,
      prefix: lib,
      channels: g.channels,
      rateHz: g.rateHz,
      windowsPerUplink,
    }),
    usage: appLibraryUsage(lib, g.channels, g.rateHz, windowsPerUplink),
  });
}
