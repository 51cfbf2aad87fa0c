import type { CompressedModel } from '@murmur/compress';
import { MurmurError, UsageError } from '@murmur/core';
import { compileGraph, computeAll, type FeatureGraph } from '@murmur/dsp';
import type { PayloadSchema } from '@murmur/payload';
import type { AppLibraryOptions } from './app-library';
import { calibratedMlp } from './app-models';
import { checkFrames } from './library-check';
import { defaultUplinkPolicies, policyClasses } from './uplink-policy';

/** The apps whose libraries this package generates. */
export const appNames = Object.keys(defaultUplinkPolicies);

/** An app's feature graph and payload schema, from its package `@murmur/<app>`. */
export async function loadAppParts(
  app: string,
): Promise<{ featureGraph: FeatureGraph; payload: PayloadSchema }> {
  if (!appNames.includes(app)) throw new UsageError(`unknown app '${app}' (apps: ${appNames.join(', ')})`);
  const mod = (await import(/* @vite-ignore */ `@murmur/${app}`)) as Record<string, unknown>;
  const featureGraph = mod['featureGraph'] as FeatureGraph | undefined;
  const payload = mod['payloadSchema'] as PayloadSchema | undefined;
  if (!featureGraph)
    throw new MurmurError(`@murmur/${app} exports no featureGraph`, { field: 'featureGraph' });
  if (!payload) throw new MurmurError(`@murmur/${app} exports no payloadSchema`, { field: 'payloadSchema' });
  return { featureGraph, payload };
}

/**
 * Everything the library generator needs for an app. Without a model, a calibrated stand-in with the app's
 * shapes (calibratedMlp on the features of the check stream) is used.
 */
export async function appLibraryOptions(
  app: string,
  model?: CompressedModel,
  seed = 1,
): Promise<AppLibraryOptions> {
  const { featureGraph, payload } = await loadAppParts(app);
  const policy = defaultUplinkPolicies[app]!;
  if (!model) {
    const graph = compileGraph(featureGraph);
    const frames = graph.graph.window + 15 * graph.graph.hop;
    const rows = computeAll(graph, checkFrames(frames, graph.graph.channels.length, seed)).map(
      (r) => r.features,
    );
    model = calibratedMlp(rows, policyClasses(payload, policy).length, { seed });
  }
  return { app, featureGraph, payload, policy, model };
}
