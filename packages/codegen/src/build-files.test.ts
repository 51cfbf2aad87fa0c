import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getBoard, loadBoards } from '@murmur/boards';
import { prepareGraph } from '@murmur/kernels';
import { tinyGraph } from '@murmur/kernels/testing';
import { libraryBuildFiles, type LibraryFile, type LibrarySpec } from './build-files';
import { generateGraphLibrary } from './graph-library';
import { projectLinks } from './project-links';

const spec = (over: Partial<LibrarySpec> = {}): LibrarySpec => ({
  lib: 'murmur_demo',
  sources: ['src/murmur_demo.c', 'src/murmur_nn.c'],
  headers: ['src/murmur_demo.h', 'src/murmur_nn.h'],
  title: 'Murmur demo',
  sentence: 'A demo library.',
  paragraph: 'It demonstrates the build files.',
  keywords: ['murmur', 'TinyML', 'int8'],
  example: { name: 'Demo', sketch: 'void setup() {}\nvoid loop() {}\n' },
  usage: ['Call it.'],
  links: {},
  ...over,
});

const file = (files: LibraryFile[], path: string): string => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${files.map((x) => x.path).join(', ')}`);
  return f.text;
};

describe('CMake toolchain files', () => {
  it("go with each board's core family and carry its CPU flags", () => {
    for (const board of loadBoards()) {
      const paths = libraryBuildFiles(spec({ board })).map((f) => f.path);
      const toolchains = paths.filter((p) => /^cmake\/(arm-none-eabi|avr)\.cmake$/.test(p));
      if (board.toolchain.compiler === 'gcc') {
        expect(toolchains, board.id).toEqual([]);
        continue;
      }
      const family = board.toolchain.compiler === 'avr-gcc' ? 'avr' : 'arm-none-eabi';
      expect(toolchains, board.id).toEqual([`cmake/${family}.cmake`]);
      const text = file(libraryBuildFiles(spec({ board })), `cmake/${family}.cmake`);
      expect(text).toContain('set(CMAKE_SYSTEM_NAME Generic)');
      expect(text).toContain('set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)');
      expect(text).toContain(`set(CMAKE_C_COMPILER ${family}-gcc)`);
      expect(text).toContain(`set(CMAKE_C_FLAGS_INIT "${board.toolchain.cflags.join(' ')}")`);
    }
    expect(
      libraryBuildFiles(spec()).some((f) => f.path.startsWith('cmake/') && !f.path.endsWith('Config.cmake')),
    ).toBe(false);
  });

  it('exports the namespaced target and installs a package config', () => {
    const files = libraryBuildFiles(spec({ version: '1.2.3-rc.1' }));
    const cmake = file(files, 'CMakeLists.txt');
    expect(cmake).toContain('project(murmur_demo VERSION 1.2.3 LANGUAGES C)');
    expect(cmake).toContain('add_library(murmur::murmur_demo ALIAS murmur_demo)');
    expect(cmake).toContain('install(EXPORT murmur_demoTargets NAMESPACE murmur::');
    expect(cmake).toContain('export(EXPORT murmur_demoTargets NAMESPACE murmur::');
    expect(cmake).toContain('target_compile_options(murmur_demo PRIVATE -ffp-contract=off');
    for (const f of [...spec().sources, ...spec().headers]) expect(cmake).toContain(`  ${f}\n`);
    expect(file(files, 'cmake/murmur_demoConfig.cmake')).toContain(
      'include("${CMAKE_CURRENT_LIST_DIR}/murmur_demoTargets.cmake")',
    );
  });
});

describe('Zephyr module', () => {
  it('builds the sources under its Kconfig symbol', () => {
    const files = libraryBuildFiles(spec());
    expect(file(files, 'zephyr/module.yml')).toMatch(
      /^name: murmur_demo\nbuild:\n {2}cmake: zephyr\n {2}kconfig: zephyr\/Kconfig\n/m,
    );
    const cmake = file(files, 'zephyr/CMakeLists.txt');
    expect(cmake).toMatch(/^if\(CONFIG_MURMUR_DEMO\)$/m);
    for (const call of [
      'zephyr_library()',
      'zephyr_library_sources(',
      'zephyr_include_directories(${MURMUR_DEMO_DIR}/src)',
      'zephyr_library_compile_options(-ffp-contract=off)',
    ])
      expect(cmake).toContain(call);
    for (const s of spec().sources) expect(cmake).toContain(`\${MURMUR_DEMO_DIR}/${s}`);
    expect(file(files, 'zephyr/Kconfig')).toMatch(
      /^config MURMUR_DEMO\n\tbool "Murmur demo \(murmur_demo\)"\n\thelp\n/m,
    );
  });
});

describe('project links', () => {
  const withPackage = (pkg: object): ReturnType<typeof projectLinks> => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-links-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
      return projectLinks(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("come from package.json's repository and homepage, and are left out without them", () => {
    expect(
      withPackage({ repository: { type: 'git', url: 'git+https://github.com/acme/murmur.git' } }),
    ).toEqual({
      url: 'https://github.com/acme/murmur',
      repository: { type: 'git', url: 'https://github.com/acme/murmur.git' },
    });
    expect(
      withPackage({ repository: 'github:acme/murmur', homepage: 'https://murmur.example.org/' }),
    ).toEqual({
      url: 'https://murmur.example.org',
      repository: { type: 'git', url: 'https://github.com/acme/murmur.git' },
    });
    expect(withPackage({ name: 'x' })).toEqual({});
    expect(withPackage({ homepage: 'not a url' })).toEqual({});
  });

  it('give library.properties its url and library.json its homepage and repository', () => {
    const links = {
      url: 'https://github.com/acme/murmur',
      repository: { type: 'git' as const, url: 'https://github.com/acme/murmur.git' },
    };
    const files = libraryBuildFiles(spec({ links }));
    expect(file(files, 'library.properties')).toContain('\nurl=https://github.com/acme/murmur\n');
    const manifest = JSON.parse(file(files, 'library.json')) as Record<string, unknown>;
    expect(manifest.homepage).toBe(links.url);
    expect(manifest.repository).toEqual(links.repository);
    const without = libraryBuildFiles(spec({ links: {} }));
    expect(file(without, 'library.properties')).not.toMatch(/^url=/m);
    expect(JSON.parse(file(without, 'library.json'))).not.toHaveProperty('homepage');
  });
});

// PlatformIO's own JSON schema of library.json (platformio/platformio-core, platformio/assets/schema/library.json,
// Apache-2.0), kept beside this test: it is written in the draft-03 style (`"required": true` on a property),
// which JSON-schema validators of later drafts refuse, so a small validator of the keywords it uses reads it.
type JsonSchema = {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  maxLength?: number;
  required?: boolean | string;
};
const platformioSchema = JSON.parse(
  readFileSync(new URL('./platformio-library.schema.json', import.meta.url), 'utf8'),
) as JsonSchema;

const KNOWN = new Set([
  '$id',
  '$schema',
  'title',
  'description',
  'type',
  'enum',
  'anyOf',
  'properties',
  'items',
  'maxLength',
  'required',
]);

/** Problems of `value` against `schema`; every key of an object must be one the schema declares. */
function schemaProblems(value: unknown, schema: JsonSchema, path = '$'): string[] {
  for (const k of Object.keys(schema))
    if (!KNOWN.has(k)) throw new Error(`schema keyword '${k}' at ${path} not supported`);
  if (schema.anyOf) {
    const each = schema.anyOf.map((s) => schemaProblems(value, s, path));
    return each.some((p) => p.length === 0)
      ? []
      : [`${path}: matches none of anyOf (${each.flat().join('; ')})`];
  }
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value))
    problems.push(`${path}: not one of ${schema.enum.join(', ')}`);
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type && schema.type !== type) return [...problems, `${path}: ${type}, not ${schema.type}`];
  if (typeof value === 'string' && schema.maxLength !== undefined && value.length > schema.maxLength)
    problems.push(`${path}: longer than ${schema.maxLength}`);
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => problems.push(...schemaProblems(v, schema.items!, `${path}[${i}]`)));
  if (type === 'object' && schema.properties) {
    const object = value as Record<string, unknown>;
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (key in object) problems.push(...schemaProblems(object[key], sub, `${path}.${key}`));
      else if (sub.required === true || sub.required === 'true') problems.push(`${path}.${key}: required`);
    }
    for (const key of Object.keys(object))
      if (!(key in schema.properties)) problems.push(`${path}.${key}: not a field of library.json`);
  }
  return problems;
}

// The rules PlatformIO's manifest parser adds (platformio/package/manifest/schema.py): name characters, a
// version with a dot, lower-case keywords, platform and framework names, an SPDX licence.
const listOrOne = (item: z.ZodString) => z.union([item, z.array(item)]);
const platformioRules = z.object({
  name: z
    .string()
    .min(1)
    .max(50)
    .regex(/^[^:;/,@<>]+$/)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'slug style'),
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/),
  description: z.string().min(1).max(255),
  keywords: listOrOne(
    z
      .string()
      .min(1)
      .max(50)
      .regex(/^[a-z\d\-_+. ]+$/),
  ),
  license: z.literal('Apache-2.0'),
  platforms: listOrOne(z.string().regex(/^([a-z\d\-_]+|\*)$/)),
  frameworks: listOrOne(z.string().regex(/^([a-z\d\-_]+|\*)$/)),
  examples: z.array(
    z.object({
      name: z.string().regex(/^[a-zA-Z\d\-_/]+$/),
      base: z.string(),
      files: z.array(z.string()).min(1),
    }),
  ),
  build: z.object({ srcDir: z.literal('src'), includeDir: z.literal('src'), flags: z.array(z.string()) }),
});

describe('library.json', () => {
  const tiny = generateGraphLibrary(prepareGraph(tinyGraph()), {
    name: 'tiny',
    origin: 'tiny.tflite',
    board: getBoard('nucleo-wl55jc'),
  });
  /** The build files of a spec with its (empty) sources and headers. */
  const library = (s: LibrarySpec): LibraryFile[] => [
    ...[...s.sources, ...s.headers].map((path) => ({ path, text: '' })),
    ...libraryBuildFiles(s),
  ];
  const links = {
    url: 'https://github.com/acme/murmur',
    repository: { type: 'git' as const, url: 'https://github.com/acme/murmur.git' },
  };
  const cases: [string, LibraryFile[]][] = [
    ['the tiny graph library', tiny.files],
    ['a library with project links', library(spec({ links }))],
    ['a library for the ATmega328P', library(spec({ board: getBoard('simavr-atmega328p') }))],
  ];

  it.each(cases)("%s passes PlatformIO's schema and manifest rules", (_, files) => {
    const manifest = JSON.parse(file(files, 'library.json')) as Record<string, unknown>;
    expect(schemaProblems(manifest, platformioSchema)).toEqual([]);
    expect(platformioRules.safeParse(manifest).error?.issues ?? []).toEqual([]);
    const build = manifest.build as { flags: string[]; srcDir: string };
    expect(build.flags).toContain('-ffp-contract=off');
    const paths = files.map((f) => f.path);
    expect(paths).toContain(`src/${manifest.headers as string}`);
    for (const example of manifest.examples as { base: string; files: string[] }[])
      for (const f of example.files) expect(paths).toContain(`${example.base}/${f}`);
  });

  it('the schema check catches what PlatformIO would refuse', () => {
    expect(schemaProblems({ version: '1.0.0' }, platformioSchema)).toEqual(
      expect.arrayContaining(['$.name: required', '$.description: required', '$.keywords: required']),
    );
    expect(
      schemaProblems(
        { name: 'x', version: '1', description: 'd', keywords: 'k', build: { srcdir: 'src' } },
        platformioSchema,
      ),
    ).toEqual(['$.build.srcdir: not a field of library.json']);
    expect(
      schemaProblems(
        { name: 'x', version: '1', description: 'd', keywords: 'k', repository: { type: 'cvs' } },
        platformioSchema,
      ),
    ).toEqual(['$.repository.type: not one of git, hg, svn']);
  });
});
