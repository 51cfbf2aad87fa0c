import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { getBoard, type Board } from '@murmur/boards';
import { loadApp } from '@murmur/app';
import { workspaceRoot } from '@murmur/core';
import { generateAppLibrary, generateGraphLibrary, type LibraryFile } from '@murmur/codegen';
import { prepareGraph } from '@murmur/kernels';
import { tinyGraph } from '@murmur/kernels/testing';
import { appLibraryOptions } from './app-parts';

// The generated library as the tools users already have take it: CMake (host build, install, find_package from
// a consumer project; cross builds through the toolchain file of the board's core family), the Arduino library
// layout (the library specification's rules that arduino-lint checks), PlatformIO's library.json and the
// Zephyr module (its CMakeLists.txt run under stand-ins of Zephyr's CMake functions).

const has = (tool: string): boolean => !spawnSync(tool, ['--version'], { stdio: 'ignore' }).error;
/** A title that says which tools are missing, for the skip list at the end of `npm test`. */
const needs = (title: string, tools: string[]): [string, boolean] => {
  const missing = tools.filter((t) => !has(t));
  return [
    missing.length ? `${title} [skipped: ${missing.join(', ')} not installed]` : title,
    missing.length > 0,
  ];
};

const APP = 'wearable-activity';
const LIB = 'murmur_wearable_activity';
const appOptions = appLibraryOptions(await loadApp(APP));
const appLibrary = (board?: Board) => generateAppLibrary({ ...appOptions, board });
const graphLibrary = (board?: Board) =>
  generateGraphLibrary(prepareGraph(tinyGraph()), { name: 'tiny', origin: 'tiny.tflite', board });

const root = mkdtempSync(join(tmpdir(), 'murmur-packaging-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** A new folder under the test's temporary folder. */
const scratch = (name: string): string => {
  const dir = join(root, `${++dirs}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};
function writeTree(files: LibraryFile[], dir: string): string {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
  return dir;
}
const run = (cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe', ...options });
/** Warnings are errors in the library's own code, through the CFLAGS that CMake starts its flags from. */
const strictEnv = { ...process.env, CFLAGS: '-Wall -Wextra -Werror' };

function cmakeBuild(source: string, build: string, args: string[] = []): void {
  run('cmake', ['-S', source, '-B', build, ...args], { env: strictEnv });
  run('cmake', ['--build', build, '--parallel', '4']);
}

/** A CMake project that finds the installed (or exported) library and links an executable against it. */
function consumerProject(lib: string, main: string): string {
  const dir = scratch('consumer');
  writeFileSync(
    join(dir, 'CMakeLists.txt'),
    [
      'cmake_minimum_required(VERSION 3.13)',
      'project(consumer C)',
      `find_package(${lib} CONFIG REQUIRED)`,
      'add_executable(consumer main.c)',
      `target_link_libraries(consumer PRIVATE murmur::${lib})`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'main.c'), main);
  return dir;
}

/** Feeds frames until `windows` windows are classified, then prints the uplink in hex. */
const appConsumerMain = (prefix: string, windows: number): string => {
  const P = prefix.toUpperCase();
  return `#include <stdio.h>
#include <string.h>
#include "${prefix}.h"

int main(void) {
  float frame[${P}_CHANNELS];
  uint8_t out[${P}_UPLINK_SIZE];
  unsigned windows = 0;
  ${prefix}_init();
  for (unsigned long n = 0; windows < ${windows}u; n++) {
    for (int c = 0; c < ${P}_CHANNELS; c++) frame[c] = (float)((n * 7u + (unsigned)c * 13u) % 50u) - 25.0f;
    ${prefix}_push_samples(frame, 1);
    if (${prefix}_ready()) {
      ${prefix}_result result;
      if (${prefix}_infer(&result) != 0) return 1;
      windows++;
    }
  }
  ${prefix}_inputs inputs;
  memset(&inputs, 0, sizeof inputs);
  inputs.battery_pct = 100;
  size_t n = ${prefix}_encode_uplink(&inputs, out, sizeof out);
  printf("uplink ");
  for (size_t i = 0; i < n; i++) printf("%02X", out[i]);
  printf("\\n");
  return n == ${P}_UPLINK_SIZE ? 0 : 2;
}
`;
};

const [cmakeTitle, noCmake] = needs('CMake', ['cmake', 'gcc']);
describe.skipIf(noCmake)(cmakeTitle, () => {
  it(
    'builds on the host, installs, and a consumer finds it with find_package and links murmur::<lib>',
    { timeout: 300_000 },
    () => {
      const lib = appLibrary();
      const source = writeTree(lib.files, scratch('lib'));
      const build = join(root, 'host-build');
      const prefix = join(root, 'host-prefix');
      cmakeBuild(source, build);
      run('cmake', ['--install', build, '--prefix', prefix]);
      for (const f of [
        `lib/lib${LIB}.a`,
        `include/${LIB}/${LIB}.h`,
        `include/${LIB}/murmur_nn.h`,
        `lib/cmake/${LIB}/${LIB}Config.cmake`,
        `lib/cmake/${LIB}/${LIB}ConfigVersion.cmake`,
        `lib/cmake/${LIB}/${LIB}Targets.cmake`,
      ])
        expect(existsSync(join(prefix, f)), f).toBe(true);

      const main = appConsumerMain(LIB, 3);
      const installed = join(root, 'consumer-installed');
      cmakeBuild(consumerProject(LIB, main), installed, [`-DCMAKE_PREFIX_PATH=${prefix}`]);
      const uplink = run(join(installed, 'consumer'), []).trim();
      expect(uplink).toMatch(new RegExp(`^uplink [0-9A-F]{${2 * lib.uplinkBytes}}$`));

      // The build folder is a package too (export()): the same program through <lib>_DIR.
      const exported = join(root, 'consumer-exported');
      cmakeBuild(consumerProject(LIB, main), exported, [`-D${LIB}_DIR=${build}`]);
      expect(run(join(exported, 'consumer'), []).trim()).toBe(uplink);
    },
  );

  it('installs the graph library, and a consumer links it', { timeout: 300_000 }, () => {
    const lib = graphLibrary();
    const name = lib.model.headerName.replace(/\.h$/, '');
    const P = name.toUpperCase();
    const build = join(root, 'graph-build');
    const prefix = join(root, 'graph-prefix');
    cmakeBuild(writeTree(lib.files, scratch('graph')), build);
    run('cmake', ['--install', build, '--prefix', prefix]);
    const main = `#include <stdio.h>
#include "${name}.h"
int main(void) {
  static int8_t input[${P}_INPUT_SIZE], output[${P}_OUTPUT_SIZE];
  int status = ${name}_invoke(input, output);
  printf("status %d\\n", status);
  return status;
}
`;
    const consumer = join(root, 'graph-consumer');
    cmakeBuild(consumerProject(name, main), consumer, [`-DCMAKE_PREFIX_PATH=${prefix}`]);
    expect(run(join(consumer, 'consumer'), []).trim()).toBe('status 0');
  });

  const cross: [board: string, tools: string[], check: (archive: string) => void][] = [
    [
      'nucleo-wl55jc',
      ['arm-none-eabi-gcc'],
      (archive) => {
        const attributes = run('arm-none-eabi-readelf', ['-A', archive]);
        expect(attributes).toContain('Tag_CPU_name: "7E-M"');
        expect(attributes).not.toContain('Tag_ABI_VFP_args: VFP registers');
      },
    ],
    [
      'qemu-mps2-an386',
      ['arm-none-eabi-gcc'],
      (archive) =>
        expect(run('arm-none-eabi-readelf', ['-A', archive])).toContain('Tag_ABI_VFP_args: VFP registers'),
    ],
    [
      'simavr-atmega328p',
      ['avr-gcc'],
      (archive) => expect(run('avr-objdump', ['-f', archive])).toContain('architecture: avr:5'),
    ],
  ];
  for (const [boardId, tools, check] of cross) {
    const [title, skip] = needs(`cross-compiles for ${boardId} with the toolchain file of its core`, tools);
    it.skipIf(skip)(title, { timeout: 300_000 }, () => {
      const board = getBoard(boardId);
      const lib = appLibrary(board);
      const family = board.toolchain.compiler === 'avr-gcc' ? 'avr' : 'arm-none-eabi';
      const source = writeTree(lib.files, scratch(boardId));
      const build = join(root, `${boardId}-build`);
      cmakeBuild(source, build, [`-DCMAKE_TOOLCHAIN_FILE=${join(source, 'cmake', `${family}.cmake`)}`]);
      const archive = join(build, `lib${LIB}.a`);
      const nm = family === 'avr' ? 'avr-nm' : 'arm-none-eabi-nm';
      expect(run(nm, [archive])).toMatch(new RegExp(`T ${LIB}_encode_uplink$`, 'm'));
      check(archive);
      const prefix = join(root, `${boardId}-prefix`);
      run('cmake', ['--install', build, '--prefix', prefix]);
      expect(existsSync(join(prefix, 'lib', `lib${LIB}.a`))).toBe(true);
    });
  }
});

// The rules of the Arduino library specification (1.5 format, rev. 2.2) that arduino-lint checks, by rule id.
const LIBRARY_PROPERTIES_FIELDS = [
  'name',
  'version',
  'author',
  'maintainer',
  'email',
  'sentence',
  'paragraph',
  'category',
  'url',
  'architectures',
  'depends',
  'dot_a_linkage',
  'includes',
  'precompiled',
  'ldflags',
];
const CATEGORIES = [
  'Display',
  'Communication',
  'Signal Input/Output',
  'Sensors',
  'Device Control',
  'Timing',
  'Data Storage',
  'Data Processing',
  'Other',
];
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-((0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$/;
const NAME_CHARACTERS = /^(([a-zA-Z][a-zA-Z0-9 _.-]*)|([0-9][a-zA-Z0-9 _.-]*[a-zA-Z][a-zA-Z0-9 _.-]*))*$/;
const PATH_BASE_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;

/** Whether the workspace's package.json names the project's page or repository (library.properties `url`). */
function projectHasUrl(): boolean {
  const pkg = JSON.parse(readFileSync(join(workspaceRoot(), 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return pkg.homepage !== undefined || pkg.repository !== undefined;
}

/** Every broken rule, as `<rule id>: <what>`; warnings of arduino-lint's default mode count too. */
function arduinoProblems(files: LibraryFile[]): string[] {
  const paths = files.map((f) => f.path);
  const problems: string[] = [];
  const fail = (rule: string, what: string): void => void problems.push(`${rule}: ${what}`);
  const text = files.find((f) => f.path === 'library.properties')?.text;
  if (text === undefined) return ['LP001: no library.properties'];
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at < 1) fail('LP005', `not a key=value line: '${line}'`);
    const key = line.slice(0, at);
    if (props.has(key)) fail('LP005', `${key} twice`);
    if (!LIBRARY_PROPERTIES_FIELDS.includes(key)) fail('LP006', `unknown field ${key}`);
    props.set(key, line.slice(at + 1));
  }
  const required: [string, string][] = [
    ['name', 'LP007'],
    ['version', 'LP019'],
    ['author', 'LP023'],
    ['maintainer', 'LP025'],
    ['sentence', 'LP031'],
    ['paragraph', 'LP034'],
    ['category', 'LP037'],
    ['architectures', 'LP043'],
  ];
  for (const [field, rule] of required) if (!props.has(field)) fail(rule, `no ${field}`);
  const name = props.get('name') ?? '';
  if (name.length < 1) fail('LP008', 'empty name');
  if (name.length > 63) fail('LP009', 'name longer than 63');
  if (name.length > 32) fail('LP010', 'name longer than the recommended 32');
  if (!NAME_CHARACTERS.test(name)) fail('LP011', `prohibited character in name '${name}'`);
  if (/^arduino/i.test(name)) fail('LP012', 'name starts with Arduino');
  if (/arduino/i.test(name)) fail('LP014', 'name contains Arduino');
  if (name.includes(' ')) fail('LP015', 'name contains spaces');
  if (/library/i.test(name)) fail('LP016', 'name contains library');
  if (!SEMVER.test(props.get('version') ?? '')) fail('LP021', 'version is not semver');
  if (!props.get('author')) fail('LP024', 'empty author');
  const maintainer = props.get('maintainer') ?? '';
  if (!maintainer) fail('LP026', 'empty maintainer');
  if (/arduino/i.test(maintainer)) fail('LP057', 'maintainer contains Arduino');
  const sentence = props.get('sentence') ?? '';
  if (!sentence) fail('LP032', 'empty sentence');
  if ((props.get('paragraph') ?? '').startsWith(sentence)) fail('LP036', 'paragraph repeats the sentence');
  if (!CATEGORIES.includes(props.get('category') ?? '')) fail('LP038', 'invalid category');
  const url = props.get('url');
  if (url !== undefined) {
    if (url.length < 1) fail('LP056', 'empty url');
    if (!/^https?:\/\/[^\s/]+/.test(url)) fail('LP041', `url '${url}' is not a URL`);
  } else if (projectHasUrl()) fail('LP040', "no url though the project's package.json has one");
  if (!props.get('architectures')) fail('LP044', 'architectures blank');
  for (const header of (props.get('includes') ?? '').split(',').map((h) => h.trim()))
    if (header && !paths.includes(`src/${header}`)) fail('LP052', `includes ${header}, not in src/`);
  // Structure: the recursive (1.5) layout with a header named after the library.
  if (!paths.some((p) => /^src\/[^/]+\.h$/.test(p))) fail('LS001', 'no header in src/');
  if (!paths.includes(`src/${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}.h`)) fail('LS008', `no src/${name}.h`);
  if (paths.some((p) => /\.exe$/i.test(p))) fail('LS007', '.exe file');
  if (paths.some((p) => p.split('/').includes('.development'))) fail('LS006', '.development file');
  // Documentation and examples.
  if (!paths.some((p) => /^readme\.(md|txt|adoc|rst)$/i.test(p))) fail('LD001', 'no readme');
  if (!paths.some((p) => /^(((un)?licen[sc]e)|(copy(ing|right)))(\.(md|markdown|txt|html))?$/i.test(p)))
    fail('LD002', 'no license file');
  const sketches = paths.filter((p) => /\.(ino|pde)$/.test(p));
  for (const s of sketches) {
    const m = /^examples\/([^/]+)\/([^/]+)\.(ino|pde)$/.exec(s);
    if (!m) fail('LD003', `stray sketch ${s}`);
    else if (m[1] !== m[2] || !PATH_BASE_NAME.test(m[1]!) || m[1]!.length > 63)
      fail('LD003', `sketch ${s} is not <Name>/<Name>.ino`);
  }
  if (sketches.length === 0) fail('LD004', 'no examples');
  for (const f of files)
    if (
      /\.(c|h|cpp|ino)$/.test(f.path) &&
      /^\s*#\s*include\s*["<](a[rR][dD][uU][iI][nN][oO]|ARDUINO)\.[hH][">]/m.test(f.text)
    )
      fail('LC001', `${f.path}: Arduino.h include in the wrong case`);
  return problems;
}

describe('Arduino library layout', () => {
  const cases: [string, LibraryFile[], string][] = [
    [`${APP} for arduino-uno-rn2483`, appLibrary(getBoard('arduino-uno-rn2483')).files, LIB],
    [`${APP} without a board`, appLibrary().files, LIB],
    ['the tiny graph library', graphLibrary().files, 'murmur_tiny'],
  ];

  it.each(cases)('%s follows the library specification', (_, files, lib) => {
    expect(arduinoProblems(files)).toEqual([]);
    const properties = files.find((f) => f.path === 'library.properties')!.text;
    expect(properties).toMatch(new RegExp(`^name=${lib}$`, 'm'));
    expect(properties).toMatch(new RegExp(`^includes=${lib}\\.h$`, 'm'));
    expect(files.find((f) => f.path === 'LICENSE')!.text).toContain(
      'Apache License\n                           Version 2.0',
    );
    expect(files.find((f) => f.path === 'README.md')!.text).toContain(`find_package(${lib} CONFIG REQUIRED)`);
  });

  it('catches what arduino-lint would report', () => {
    const files = appLibrary().files.filter((f) => f.path !== 'LICENSE' && !f.path.startsWith('examples/'));
    const broken = files.map((f) =>
      f.path === 'library.properties'
        ? {
            ...f,
            text: f.text
              .replace(/^name=.*$/m, 'name=Arduino murmur library')
              .replace(/^categori?y=.*$/m, 'category=Misc'),
          }
        : f,
    );
    expect(arduinoProblems([...broken, { path: 'sketch.ino', text: '' }]).map((p) => p.slice(0, 5))).toEqual(
      expect.arrayContaining(['LP012', 'LP015', 'LP016', 'LP038', 'LS008', 'LD002', 'LD003']),
    );
  });

  // A stand-in of the Arduino core: Serial prints to stdout, micros() is the loop's clock.
  const arduinoStub = `#ifndef ARDUINO_STUB_H
#define ARDUINO_STUB_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define HEX 16
#define DEC 10
#define F(text) (text)
unsigned long micros(void);
unsigned long millis(void);
void delay(unsigned long ms);
class StubSerial {
 public:
  void begin(unsigned long) {}
  explicit operator bool() const { return true; }
  size_t print(const char *s) { return (size_t)printf("%s", s); }
  size_t print(char c) { return (size_t)printf("%c", c); }
  size_t print(unsigned long v, int base = DEC) { return (size_t)printf(base == HEX ? "%lX" : "%lu", v); }
  size_t print(long v, int base = DEC) { return base == HEX ? print((unsigned long)v, base) : (size_t)printf("%ld", v); }
  size_t print(unsigned char v, int base = DEC) { return print((unsigned long)v, base); }
  size_t print(unsigned int v, int base = DEC) { return print((unsigned long)v, base); }
  size_t print(int v, int base = DEC) { return print((long)v, base); }
  size_t println() { return (size_t)printf("\\n"); }
  template <typename T> size_t println(T v) { size_t n = print(v); return n + println(); }
};
extern StubSerial Serial;
#endif
`;
  const harness = `#include "Arduino.h"
#include <stdlib.h>
StubSerial Serial;
static unsigned long now_us;
unsigned long micros(void) { return now_us; }
unsigned long millis(void) { return now_us / 1000ul; }
void delay(unsigned long ms) { now_us += ms * 1000ul; }
void setup(void);
void loop(void);
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  unsigned long loops = strtoul(argv[1], 0, 10), step = strtoul(argv[2], 0, 10);
  setup();
  for (unsigned long i = 0; i < loops; i++) {
    loop();
    now_us += step;
  }
  return 0;
}
`;

  /** Builds the example sketch against the stand-in core and the library's C; the program's path. */
  function buildSketch(files: LibraryFile[], lib: string): string {
    const dir = writeTree(files, scratch(`sketch-${lib}`));
    writeFileSync(join(dir, 'Arduino.h'), arduinoStub);
    writeFileSync(join(dir, 'harness.cpp'), harness);
    const sketch = files.find((f) => /^examples\/.*\.ino$/.test(f.path))!.path;
    const objects: string[] = [];
    for (const source of files.filter((f) => /^src\/.*\.c$/.test(f.path))) {
      const object = join(dir, `${source.path.slice(4, -2)}.o`);
      run(
        'gcc',
        [
          '-std=c99',
          '-Os',
          '-ffp-contract=off',
          '-Wall',
          '-Wextra',
          '-Werror',
          '-Isrc',
          '-c',
          source.path,
          '-o',
          object,
        ],
        {
          cwd: dir,
        },
      );
      objects.push(object);
    }
    const cxx = ['-std=gnu++11', '-Wall', '-Wextra', '-Werror', '-I.', '-Isrc'];
    run('g++', [...cxx, '-x', 'c++', '-include', 'Arduino.h', '-c', sketch, '-o', 'sketch.o'], { cwd: dir });
    run('g++', [...cxx, '-c', 'harness.cpp', '-o', 'harness.o'], { cwd: dir });
    run('g++', ['sketch.o', 'harness.o', ...objects, '-lm', '-o', 'sketch'], { cwd: dir });
    return join(dir, 'sketch');
  }

  const [sketchTitle, noGxx] = needs(
    'the PrintUplink sketch feeds the placeholder signal and prints uplinks in hex',
    ['g++'],
  );
  it.skipIf(noGxx)(sketchTitle, { timeout: 120_000 }, () => {
    const lib = appLibrary();
    const g = appOptions.featureGraph;
    const perUplink = Math.max(1, Math.round((appOptions.policy.periodS * g.rateHz) / g.hop));
    const samples = lib.window + (2 * perUplink - 1) * lib.hop;
    const step = Math.floor(500_000 / lib.rateHz); // two loop() calls per sample period
    const out = run(buildSketch(lib.files, LIB), [String(2 * samples + 4), String(step)]);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(`${LIB}: ${lib.channels} channels at ${lib.rateHz} Hz`);
    const uplinks = lines.filter((l) => l.startsWith('uplink '));
    expect(uplinks.length).toBeGreaterThanOrEqual(2);
    for (const u of uplinks) expect(u).toMatch(new RegExp(`^uplink [0-9A-F]{${2 * lib.uplinkBytes}}$`));
  });

  it.skipIf(noGxx)(
    'the PrintOutput sketch of the graph library prints the output in hex',
    { timeout: 120_000 },
    () => {
      const lib = graphLibrary();
      const out = run(buildSketch(lib.files, 'murmur_tiny'), ['3', '0']);
      const size = lib.files
        .find((f) => f.path === 'src/murmur_tiny.h')!
        .text.match(/OUTPUT_SIZE (\d+)u/)![1];
      expect(out.trim().split('\n')).toEqual(
        Array(3).fill(expect.stringMatching(new RegExp(`^output [0-9A-F]{${2 * Number(size)}}$`))),
      );
    },
  );

  const [avrTitle, noAvr] = needs('the sketch compiles for the ATmega328P with avr-g++', ['avr-g++']);
  it.skipIf(noAvr)(avrTitle, { timeout: 60_000 }, () => {
    const lib = appLibrary(getBoard('simavr-atmega328p'));
    const dir = writeTree(lib.files, scratch('sketch-avr'));
    writeFileSync(join(dir, 'Arduino.h'), arduinoStub);
    const sketch = lib.files.find((f) => /^examples\/.*\.ino$/.test(f.path))!.path;
    run(
      'avr-g++',
      [
        '-mmcu=atmega328p',
        '-Os',
        '-std=gnu++11',
        '-Wall',
        '-Wextra',
        '-Werror',
        '-I.',
        '-Isrc',
        '-x',
        'c++',
        '-include',
        'Arduino.h',
        '-c',
        sketch,
        '-o',
        'sketch.o',
      ],
      { cwd: dir },
    );
    expect(existsSync(join(dir, 'sketch.o'))).toBe(true);
  });
});

describe('PlatformIO library.json', () => {
  it.each([
    [APP, appLibrary(getBoard('nucleo-wl55jc')).files, LIB],
    ['the tiny graph library', graphLibrary().files, 'murmur_tiny'],
  ])('%s: builds src/ with -ffp-contract=off and names files that exist', (_, files, lib) => {
    const manifest = JSON.parse(files.find((f) => f.path === 'library.json')!.text) as {
      name: string;
      headers: string;
      build: { srcDir: string; includeDir: string; flags: string[] };
      examples: { base: string; files: string[] }[];
    };
    const paths = files.map((f) => f.path);
    expect(manifest.name).toBe(lib.replace(/_/g, '-'));
    expect(manifest.build.flags).toContain('-ffp-contract=off');
    expect(paths).toContain(`${manifest.build.includeDir}/${manifest.headers}`);
    expect(
      paths.filter((p) => p.startsWith(`${manifest.build.srcDir}/`) && p.endsWith('.c')).length,
    ).toBeGreaterThan(0);
    for (const e of manifest.examples) for (const f of e.files) expect(paths).toContain(`${e.base}/${f}`);
  });
});

describe('Zephyr module', () => {
  it('module.yml points at the CMake folder and the Kconfig file, which define the library symbol', () => {
    const files = appLibrary().files;
    const text = (path: string) => files.find((f) => f.path === path)!.text;
    const module = parseYaml(text('zephyr/module.yml')) as {
      name: string;
      build: { cmake: string; kconfig: string };
    };
    expect(module).toEqual({ name: LIB, build: { cmake: 'zephyr', kconfig: 'zephyr/Kconfig' } });
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining([`${module.build.cmake}/CMakeLists.txt`, module.build.kconfig]),
    );
    const kconfig = text(module.build.kconfig).split('\n');
    const at = kconfig.indexOf(`config ${LIB.toUpperCase()}`);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(kconfig[at + 1]).toMatch(/^\tbool ".+"$/);
    expect(text('zephyr/CMakeLists.txt')).toContain(`if(CONFIG_${LIB.toUpperCase()})`);
  });

  // Zephyr's CMake functions, reduced to what they do to the module's targets.
  const zephyrStandIn = (moduleDir: string, config: boolean): string =>
    [
      'cmake_minimum_required(VERSION 3.13)',
      'project(zephyr_app C)',
      'add_library(zephyr_interface INTERFACE)',
      'macro(zephyr_library)',
      '  set(ZEPHYR_CURRENT_LIBRARY module_library)',
      '  add_library(module_library STATIC)',
      '  target_link_libraries(module_library PRIVATE zephyr_interface)',
      'endmacro()',
      'function(zephyr_library_sources)',
      '  target_sources(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})',
      'endfunction()',
      'function(zephyr_include_directories)',
      '  target_include_directories(zephyr_interface INTERFACE ${ARGN})',
      'endfunction()',
      'function(zephyr_library_compile_options)',
      '  target_compile_options(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})',
      'endfunction()',
      ...(config ? [`set(CONFIG_${LIB.toUpperCase()} y)`] : []),
      `add_subdirectory(${moduleDir}/zephyr module)`,
      ...(config
        ? [
            'add_executable(app main.c)',
            'target_link_libraries(app PRIVATE module_library zephyr_interface m)',
            'get_target_property(options module_library COMPILE_OPTIONS)',
            'if(NOT "-ffp-contract=off" IN_LIST options)',
            '  message(FATAL_ERROR "module_library is built without -ffp-contract=off")',
            'endif()',
          ]
        : [
            'if(TARGET module_library)',
            '  message(FATAL_ERROR "built without its Kconfig symbol")',
            'endif()',
          ]),
      '',
    ].join('\n');

  it.skipIf(noCmake)(
    `zephyr/CMakeLists.txt builds the library into an application under its Kconfig symbol${noCmake ? ' [skipped: cmake, gcc not installed]' : ''}`,
    { timeout: 300_000 },
    () => {
      const lib = appLibrary();
      const moduleDir = writeTree(lib.files, scratch('zephyr-module'));
      const app = scratch('zephyr-app');
      writeFileSync(join(app, 'CMakeLists.txt'), zephyrStandIn(moduleDir, true));
      writeFileSync(join(app, 'main.c'), appConsumerMain(LIB, 2));
      cmakeBuild(app, join(app, 'build'));
      expect(run(join(app, 'build', 'app'), []).trim()).toMatch(/^uplink [0-9A-F]+$/);

      const off = scratch('zephyr-app-off');
      writeFileSync(join(off, 'CMakeLists.txt'), zephyrStandIn(moduleDir, false));
      run('cmake', ['-S', off, '-B', join(off, 'build')]);
    },
  );
});
