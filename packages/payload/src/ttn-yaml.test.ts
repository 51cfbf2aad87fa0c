import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as prettier from 'prettier';
import { parse } from 'yaml';
import { toTtnYaml, yamlString, TTN_PRINT_WIDTH } from './ttn-yaml';

/** The device repository's own Prettier settings (vendored, testdata/lorawan-devices/.prettierrc). */
const repoPrettier = JSON.parse(
  readFileSync(new URL('./testdata/lorawan-devices/.prettierrc', import.meta.url), 'utf8'),
) as prettier.Options;

const prettierYaml = (text: string): Promise<string> =>
  prettier.format(text, { ...repoPrettier, parser: 'yaml' });

const awkward = [
  'plain',
  "it's",
  'say "hi"',
  'say "hi", it\'s',
  'back\\slash',
  "back\\slash it's",
  'line\nbreak',
  'tab\there',
  'u2028\u2028 u2029\u2029 bom\ufeff del\u007f nel\u0085',
  'emoji 😀 ±50 g µA',
  '# not a comment',
  ': colon',
  '- dash',
  '',
  ' lead and trail ',
  'true',
  '1.0',
  '{ braces }',
  '[brackets]',
  '&anchor *alias !tag %directive @at `tick`',
];

describe('device-repository YAML', () => {
  it('reads back as the same data, whatever the strings and keys hold', () => {
    const doc = {
      strings: awkward,
      keyed: Object.fromEntries(awkward.filter((s) => s !== '').map((s, i) => [s, i])),
      regions: { 'EU863-870': { id: 'x-profile' }, '1': { endDeviceID: 'd' }, true: false, null: null },
      numbers: [0, -1, 0.1, 1e21, 5e-324, 2 ** 53, -12.75],
      nested: [[1, 2], [[3]], [{ a: [] }, {}], []],
      empty: {},
    };
    expect(parse(toTtnYaml(doc, ['a comment', 'with\nnewline']))).toEqual(doc);
  });

  it('is what Prettier prints under the repository settings (singleQuote, printWidth 200)', async () => {
    expect(repoPrettier).toMatchObject({ singleQuote: true, printWidth: TTN_PRINT_WIDTH });
    const longBytes = Array.from({ length: 60 }, (_, i) => (i * 37) % 256);
    const doc = {
      uplinkDecoder: {
        fileName: 'codec.js',
        examples: [
          {
            description: 'a long one '.repeat(30),
            input: { fPort: 1, bytes: longBytes },
            output: { data: { values: longBytes.slice(0, 30), labels: awkward }, warnings: [], errors: [] },
          },
          { description: "it's", input: { fPort: 1, bytes: [1] }, output: { errors: ['say "no"'] } },
        ],
      },
      strings: awkward,
      keyed: Object.fromEntries(awkward.filter((s) => s !== '').map((s, i) => [s, i])),
      nested: [[1, 2], [[3]], [{ a: [] }, {}], []],
    };
    const text = toTtnYaml(doc, ['header']);
    expect(await prettierYaml(text)).toBe(text);
  });

  it('breaks an array of numbers into block style just where Prettier would', async () => {
    // `      bytes: [...]` is 13 + 5n columns for n three-digit bytes: lines of 190 to 215 columns.
    const seen = new Set<string>();
    for (let n = 35; n <= 40; n++) {
      for (const small of [0, 1, 2, 3, 4]) {
        const bytes = Array.from({ length: n }, (_, i) => (i < small ? 7 : 255));
        const text = toTtnYaml({ examples: [{ input: { bytes } }] });
        seen.add(text.includes('bytes: [') ? 'flow' : 'block');
        expect(await prettierYaml(text)).toBe(text);
      }
    }
    expect([...seen].sort()).toEqual(['block', 'flow']);
  });

  it('quotes random strings so that Prettier keeps them and YAML reads them back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.string({ maxLength: 12 }),
        async (s, k) => {
          const doc = { [k === '' ? 'k' : k]: s, list: [s] };
          const text = toTtnYaml(doc);
          expect(parse(text)).toEqual(doc);
          expect(await prettierYaml(text)).toBe(text);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('single-quotes what needs no escape, like the repository files', () => {
    expect(yamlString('EU863-870')).toBe("'EU863-870'");
    expect(yamlString("it's")).toBe('"it\'s"');
    expect(yamlString('a "b"')).toBe(`'a "b"'`);
    expect(yamlString('x\ny')).toBe('"x\\ny"');
  });
});
