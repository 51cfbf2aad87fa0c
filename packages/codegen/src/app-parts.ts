import type { CompressedModel } from '@murmur/compress';
import { listApps, MurmurError, UsageError } from '@murmur/core';
import { compileGraph, computeAll, type FeatureGraph } from '@murmur/dsp';
import type { PayloadSchema } from '@murmur/payload';
import type { UplinkPolicyDef } from '@murmur/policy';
import type { AppLibraryOptions } from './app-library';
import { calibratedMlp } from './app-models';
import { checkFrames } from './library-check';

/** What the library generator takes from an app's config (apps/<app>/app.config.ts, exported as `app`). */
export interface AppParts {
  featureGraph: FeatureGraph;
  payload: PayloadSchema;
  classes: readonly string[];
  uplink: UplinkPolicyDef;
}

/** The app's feature graph, payload schema, classes and uplink policy, from its package `@murmur/<app>`. */
export async function loadAppParts(app: string): Promise<AppParts> {
  const apps = listApps();
  if (!apps.includes(app)) throw new UsageError(`unknown app '${app}' (apps: ${apps.join(', ')})`);
  const mod = (await import(/* @vite-ignore */ `@murmur/${app}`)) as { app?: Partial<AppParts> };
  const config = mod.app;
  for (const key of ['featureGraph', 'payload', 'classes', 'uplink'] as const) {
    if (!config?.[key]) {
      throw new MurmurError(`the app config exports no ${key}`, { file: `apps/${app}/app.config.ts`, field: `app.${key}` });
    }
  }
  return config as AppParts;
}

/**
 * Everything the library generator needs for an app. Without a model, a calibrated stand-in with the app's
 * shapes (calibratedMlp on the features of the check stream) is used.
 */
export async function appLibraryOptions(app: string, model?: CompressedModel, seed = 1): Promise<AppLibraryOptions> {
  const parts = await loadAppParts(app);
  if (!model) {
    const graph = compileGraph(parts.featureGraph);
    const frames = graph.graph.window + 15 * graph.graph.hop;
    const rows = computeAll(graph, checkFrames(frames, graph.graph.channels.length, seed)).map((r) => r.features);
    model = calibratedMlp(rows, parts.classes.length, { seed });
  }
  return {
    app,
    featureGraph: parts.featureGraph,
    payload: parts.payload,
    classes: parts.classes,
    policy: parts.uplink,
    model,
  };
}
