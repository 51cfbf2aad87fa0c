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

export interface RecordedStream {
  /** Channel-major frames of the held-out subjects' recordings, concatenated. */
  frames: Float32Array[];
  /** Complete windows in the frames (at most the number asked for). */
  windows: number;
  subjects: string[];
  recordings: number;
}

/**
 * Frames from the app's real recordings for `windows` windows: the recordings (at the graph's rate) of the
 * test subjects of a subject-wise split of those recordings (splitBySubject, seed 'murmur', 20 % validation,
 * 20 % test; when that leaves no test subject, the validation subjects, else the last subject), concatenated
 * in recording order, the graph's channels taken in order.
 */
export async function recordedStream(
  app: string,
  featureGraph: FeatureGraph,
  windows: number,
  dataDir?: string,
): Promise<RecordedStream> {
  const { loadDataset, splitBySubject } = await import('@murmur/datasets');
  const recordings = (await loadDataset(app as never, { dataDir })).filter(
    (r) => r.rateHz === featureGraph.rateHz && r.channels.length >= featureGraph.channels.length,
  );
  if (recordings.length === 0)
    throw new MurmurError(`no recordings of '${app}' at ${featureGraph.rateHz} Hz`, { field: 'dataset' });
  const split = splitBySubject(
    recordings.map((r) => r.subject),
    { seed: 'murmur', validation: 0.2, test: 0.2 },
  );
  // With few subjects the hashed split can leave the test set empty: then validation, then the last subject.
  const held = (
    split.test.length ? split.test : split.validation.length ? split.validation : [split.train.sort().at(-1)!]
  ).sort();
  const heldRecordings = recordings.filter((r) => held.includes(r.subject));
  const needed = featureGraph.window + (windows - 1) * featureGraph.hop;
  const frames = featureGraph.channels.map(() => new Float32Array(needed));
  let at = 0;
  const used = new Set<string>();
  let count = 0;
  for (const r of heldRecordings) {
    if (at >= needed) break;
    const n = Math.min(r.channels[0]!.length, needed - at);
    featureGraph.channels.forEach((_, c) => frames[c]!.set(r.channels[c]!.subarray(0, n), at));
    at += n;
    used.add(r.subject);
    count++;
  }
  const complete =
    at < featureGraph.window ? 0 : Math.floor((at - featureGraph.window) / featureGraph.hop) + 1;
  return {
    frames: frames.map((f) => f.subarray(0, at)),
    windows: Math.min(windows, complete),
    subjects: [...used],
    recordings: count,
  };
}
