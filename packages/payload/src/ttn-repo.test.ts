import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as prettier from 'prettier';
import { parse } from 'yaml';
import { generateTtnRepoFiles, ttnCodecName, type PayloadExample } from './ttn-repo';
import type { PayloadSchema } from './schema';
import { loadCodec } from './testing';
import { toYaml } from './yaml';
import {
  predictiveMaintenance as pdm,
  predictiveMaintenanceDownlinkExamples as pdmDownlinkExamples,
  predictiveMaintenanceExamples as pdmExamples,
  ppgTriage as ppg,
  ppgTriageExamples as ppgExamples,
  wearableActivity as wear,
  wearableActivityExamples as wearExamples,
} from './fixtures';

const apps: [PayloadSchema, PayloadExample[], PayloadExample[]][] = [
  [pdm, pdmExamples, pdmDownlinkExamples],
  [wear, wearExamples, []],
  [ppg, ppgExamples, []],
];

interface Example {
  description: string;
  input: Record<string, unknown>;
  output: unknown;
}

/** The device repository's Prettier settings (vendored with its schemas). */
const repoPrettier = JSON.parse(
  readFileSync(new URL('./testdata/lorawan-devices/.prettierrc', import.meta.url), 'utf8'),
) as prettier.Options;

describe('TTN device-repository files', () => {
  it('writes YAML that a YAML parser reads back as the same data', () => {
    const doc = {
      a: [1, 2],
      b: { 'x-y': 'q"uote', c: [] },
      d: [{ e: true, f: null }, { g: {} }],
      h: 'line\nbreak',
    };
    expect(parse(toYaml(doc))).toEqual(doc);
  });

  for (const [schema, uplinks, downlinks] of apps) {
    it(`replays the '${schema.name}' examples against the generated codec with deep equality`, () => {
      const files = generateTtnRepoFiles(schema, uplinks, downlinks);
      const name = ttnCodecName(schema);
      const yaml = parse(files[`${name}.yaml`]!) as Record<string, { fileName: string; examples: Example[] }>;
      const call = loadCodec(files[yaml.uplinkDecoder!.fileName]!);
      expect(yaml.uplinkDecoder!.examples.length).toBe(uplinks.length + 1);
      expect(yaml.uplinkDecoder!.examples.at(-1)!.output).toMatchObject({
        errors: [expect.stringMatching(/truncated/)],
      });
      const sections = [
        ['uplinkDecoder', 'decodeUplink'],
        ['downlinkEncoder', 'encodeDownlink'],
        ['downlinkDecoder', 'decodeDownlink'],
      ] as const;
      for (const [section, fn] of sections) {
        const examples = yaml[section]?.examples ?? [];
        expect(examples.length > 0).toBe(section === 'uplinkDecoder' || downlinks.length > 0);
        for (const ex of examples) expect(call(fn, ex.input), ex.description).toEqual(ex.output);
      }
    });

    it(`writes the '${schema.name}' codec YAML as the repository's Prettier settings print it`, async () => {
      const text = generateTtnRepoFiles(schema, uplinks, downlinks)[`${ttnCodecName(schema)}.yaml`]!;
      expect(await prettier.check(text, { ...repoPrettier, parser: 'yaml' })).toBe(true);
      expect(text).toMatch(/^ {4}- description: '/m);
    });
  }
});
