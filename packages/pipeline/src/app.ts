/** The app's uplink policy, checked against its payload, classes and the device graph's feature vector. */
import type { MurmurApp } from '@murmur/app';
import { compileGraph } from '@murmur/dsp';
import { compilePolicy, type CompiledPolicy } from '@murmur/policy';

export function compileAppPolicy(app: MurmurApp): CompiledPolicy {
  const graph = compileGraph(app.featureGraph);
  return compilePolicy(app.uplink, {
    payload: app.payload,
    classes: app.classes,
    featureNames: graph.features.map((f) => f.name),
    hopSamples: app.featureGraph.hop,
    rateHz: app.featureGraph.rateHz,
  });
}
