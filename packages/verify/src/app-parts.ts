import type { CompressedModel } from '@murmur/kernels';
import { appSensorLimits, type MurmurApp } from '@murmur/app';
import { compileGraph, computeAll } from '@murmur/dsp';
import { calibratedMlp } from './app-models';
import { checkFrames } from './library-check';
import type { AppLibraryOptions } from '@murmur/codegen';

/**
 * Everything the library generator needs for an app. Without a model, a calibrated stand-in with the app's
 * shapes (calibratedMlp on the features of the check stream) is used, unless the app ships no model.
 */
export function appLibraryOptions(app: MurmurApp, model?: CompressedModel, seed = 1): AppLibraryOptions {
  // An app that ships no model (model: null) gets none: its policy's class rule gives the class.
  if (!model && app.model !== null) {
    const graph = compileGraph(app.featureGraph);
    const frames = graph.graph.window + 15 * graph.graph.hop;
    const rows = computeAll(graph, checkFrames(frames, graph.graph.channels.length, seed)).map(
      (r) => r.features,
    );
    model = calibratedMlp(rows, app.classes.length, { seed });
  }
  return {
    app: app.id,
    featureGraph: app.featureGraph,
    sensor: appSensorLimits(app),
    payload: app.payload,
    classes: app.classes,
    policy: app.uplink,
    model,
  };
}
