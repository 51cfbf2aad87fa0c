import type { AppFeatures, FeatureGraph } from '@murmur/dsp';
import { opsPerSecond, type BenchSuite } from '../suite';

const apps = ['wearable-activity', 'predictive-maintenance', 'ppg-triage'] as const;

/** Host time per window of each app's feature graph, in the TS reference and in the C twin, plus its RAM/flash. */
export const suite: BenchSuite = {
  name: 'dsp',
  description: "feature graphs: host time per window (TS reference vs C -O2) and each graph's RAM/flash",
  async run() {
    const { loadDataset } = await import('@murmur/datasets');
    const dsp = await import('@murmur/dsp');
    const result: Record<string, unknown> = {};
    for (const app of apps) {
      const { appFeatures, featureGraph } = (await import(`@murmur/${app}`)) as {
        appFeatures: AppFeatures;
        featureGraph: FeatureGraph;
      };
      const recordings = await loadDataset(appFeatures.dataset, { allowSynthetic: true });
      const rec = recordings.find((r) => r.rateHz === featureGraph.rateHz)!;
      const g = dsp.compileGraph(featureGraph);
      const channels = featureGraph.channels.map((c) => rec.channels[rec.channelNames.indexOf(c)]);
      const windows = Math.min(20, dsp.windowStarts(g, channels[0].length).length);
      const length = featureGraph.window + (windows - 1) * featureGraph.hop;
      const slice = channels.map((c) => c.subarray(0, length));
      const starts = dsp.windowStarts(g, length);
      let next = 0;
      const tsPerSecond = opsPerSecond(() => {
        const s = starts[next++ % starts.length];
        return dsp.computeWindow(
          g,
          slice.map((c) => c.subarray(s, s + featureGraph.window)),
        );
      }, 1000);
      const host = dsp.buildHost([g], { sanitize: false, optimize: '-O2' });
      const frames = dsp.interleave(slice);
      const repeats = Math.max(1, Math.ceil(2e6 / (frames.length * 8)));
      const cSeconds = host.time(g.graph.name, frames, repeats);
      host.dispose();
      result[app] = {
        graph: g.graph.name,
        data: rec.id,
        rateHz: featureGraph.rateHz,
        window: featureGraph.window,
        hop: featureGraph.hop,
        features: g.features.length,
        tsMsPerWindow: 1000 / tsPerSecond,
        cMsPerWindow: 1000 * cSeconds,
        memory: {
          stateBytes: g.memory.stateBytes,
          scratchBytes: g.memory.scratchBytes,
          featureBytes: 4 * g.features.length,
          ramBytes: g.memory.ramBytes,
          flashTableBytes: g.memory.flashBytes,
        },
      };
    }
    return result;
  },
};
