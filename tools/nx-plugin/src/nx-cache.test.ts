/**
 * The plugin and nx.json under Nx itself, in a small temporary workspace: an app whose targets run a
 * stand-in `murmur` that logs its calls, board files, a CLI project, a shipped sample. Each step edits one
 * thing and checks which tasks Nx runs again and which it takes from the cache. Offline, a few seconds per
 * Nx run.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const workspaceRoot = join(import.meta.dirname, '..', '..', '..');
const pluginRoot = join(import.meta.dirname, '..');
const nxBin = join(dirname(require.resolve('nx/package.json')), 'dist', 'bin', 'nx.js');

const APP = 'wearable-activity';

let root = '';
let scratch = '';
let log = '';

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const board = (id: string, notes: string): string => JSON.stringify({ id, notes }, null, 2) + '\n';

/** A stand-in for the murmur CLI: logs `<verb> <board>` and writes the target's outputs. */
const FAKE_MURMUR = `#!/bin/sh
verb=$1; app=$3; shift 3
board=-
for a in "$@"; do case $a in --board=*) board=\${a#--board=};; esac; done
echo "$verb $board" >> "$FAKE_MURMUR_LOG"
if [ "$verb" = train ]; then mkdir -p "dist/apps/$app/model" && echo model > "dist/apps/$app/model/model.json"
else mkdir -p "dist/apps/$app/$board" && echo "$verb" > "dist/apps/$app/$board/$verb.json"; fi
`;

function makeWorkspace(): void {
  root = mkdtempSync(join(tmpdir(), 'nx-cache-'));
  scratch = mkdtempSync(join(tmpdir(), 'nx-cache-scratch-'));
  log = join(scratch, 'murmur.log');
  mkdirSync(join(root, 'node_modules', '@nx'), { recursive: true });
  mkdirSync(join(root, 'node_modules', '@murmur'), { recursive: true });
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(dirname(require.resolve('nx/package.json')), join(root, 'node_modules', 'nx'));
  symlinkSync(
    dirname(require.resolve('@nx/devkit/package.json')),
    join(root, 'node_modules', '@nx', 'devkit'),
  );
  // The plugin as it is here, and nx.json as it is here.
  for (const f of ['package.json', 'generators.json'])
    write(`tools/nx-plugin/${f}`, readFileSync(join(pluginRoot, f), 'utf8'));
  cpSync(join(pluginRoot, 'src'), join(root, 'tools', 'nx-plugin', 'src'), {
    recursive: true,
    filter: (src) => !src.endsWith('.test.ts'),
  });
  symlinkSync(join(root, 'tools', 'nx-plugin'), join(root, 'node_modules', '@murmur', 'nx-plugin'));
  copyFileSync(join(workspaceRoot, 'nx.json'), join(root, 'nx.json'));
  write('.gitignore', 'node_modules/\ndist/\n.nx/\n');
  write(
    'package.json',
    JSON.stringify({ name: 'fake', private: true, workspaces: ['apps/*', 'tools/*'] }) + '\n',
  );
  write(
    'package-lock.json',
    JSON.stringify(
      {
        name: 'fake',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'fake', workspaces: ['apps/*', 'tools/*'] },
          [`apps/${APP}`]: { name: `@murmur/${APP}`, version: '0.1.0' },
          [`node_modules/@murmur/${APP}`]: { resolved: `apps/${APP}`, link: true },
        },
      },
      null,
      2,
    ) + '\n',
  );
  write('tools/cli/package.json', '{ "name": "@murmur/cli", "version": "0.1.0", "private": true }\n');
  write('tools/cli/src/commands/build.ts', 'export const build = 1;\n');
  write(
    `apps/${APP}/package.json`,
    JSON.stringify({ name: `@murmur/${APP}`, version: '0.1.0', nx: { name: APP } }) + '\n',
  );
  write(`apps/${APP}/app.config.ts`, `export const app = { id: '${APP}' };\n`);
  write(`apps/${APP}/src/features.ts`, `export const features = { dataset: '${APP}' };\n`);
  write(`apps/${APP}/src/payload.ts`, `/** 6 bytes on fPort 12. */\nexport const schema = { fPort: 12 };\n`);
  write(
    `apps/${APP}/README.md`,
    `# ${APP}\n\nTraining reads \`<data-dir>/${APP}/\`. fPort 12: \`npx murmur decode --app ${APP} --fport 12 00\`\n`,
  );
  write(
    'apps/other/package.json',
    '{ "name": "@murmur/other", "version": "0.1.0", "nx": { "name": "other" } }\n',
  );
  write('apps/other/src/payload.ts', 'export const schema = [{ fPort: 1 }, { fPort: 2 }];\n');
  write(`datasets/catalog/${APP}.json`, '{}\n');
  write(`datasets/samples/${APP}/subjects.csv`, 'subject,file\n1600,a.csv.gz\n');
  for (const id of ['native', 'uno', 'pico']) write(`boards/${id}.json`, board(id, 'first'));
  write('boards/support/cortex-m/startup.c', 'int x;\n');
  write('node_modules/.bin/murmur', FAKE_MURMUR);
  chmodSync(join(root, 'node_modules', '.bin', 'murmur'), 0o755);
  // An npm that only says it was called: the generator must not install anything.
  mkdirSync(join(scratch, 'bin'));
  writeFileSync(join(scratch, 'bin', 'npm'), `#!/bin/sh\necho "npm $*" >> "${join(scratch, 'npm.log')}"\n`);
  chmodSync(join(scratch, 'bin', 'npm'), 0o755);
}

/** The environment of one Nx run: none of the calling Nx's variables, no daemon, no cloud. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && !k.startsWith('MURMUR_')),
  );
  return {
    ...base,
    PATH: [join(scratch, 'bin'), dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter),
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    FAKE_MURMUR_LOG: log,
    ...extra,
  };
}

function nx(args: string[], extra: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [nxBin, ...args], {
    cwd: root,
    env: env(extra),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `nx run <task>` and returns what the stand-in murmur ran (`train -`, `build uno`, …). */
function run(task: string, extra: Record<string, string> = {}): string[] {
  writeFileSync(log, '');
  nx(['run', task, '--outputStyle=static'], extra);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('Nx caching of the inferred targets', () => {
  beforeAll(makeWorkspace);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('re-runs a build for its own board file, the CLI, the data and the toolchain only', () => {
    const build = `${APP}:build:uno`;
    expect(run(build)).toEqual(['train -', 'build uno']);

    // Another board's notes: nothing to do here; that board's build runs, train does not.
    write('boards/pico.json', board('pico', 'second'));
    expect(run(build)).toEqual([]);
    expect(run(`${APP}:build:pico`)).toEqual(['build pico']);
    // The board's own file: its build only.
    write('boards/uno.json', board('uno', 'second'));
    expect(run(build)).toEqual(['build uno']);
    // Board-support C: builds, not train.
    write('boards/support/cortex-m/startup.c', 'int y;\n');
    expect(run(build)).toEqual(['build uno']);

    // The CLI the targets run.
    write('tools/cli/src/commands/build.ts', 'export const build = 2;\n');
    expect(run(build)).toEqual(['train -', 'build uno']);

    // The shipped sample: its contents, not its times.
    write(`datasets/samples/${APP}/subjects.csv`, 'subject,file\n1600,a.csv.gz\n1604,b.csv.gz\n');
    expect(run(build)).toEqual(['train -', 'build uno']);
    write(`datasets/samples/${APP}/subjects.csv`, 'subject,file\n1600,a.csv.gz\n1604,b.csv.gz\n');
    expect(run(build)).toEqual([]);

    // MURMUR_DATA_DIR: what is in it, not its name.
    const data = join(scratch, 'data');
    mkdirSync(join(data, APP), { recursive: true });
    writeFileSync(join(data, APP, 'subjects.csv'), 'subject\n');
    expect(run(build, { MURMUR_DATA_DIR: data })).toEqual(['train -', 'build uno']);
    expect(run(build, { MURMUR_DATA_DIR: data })).toEqual([]);
    writeFileSync(join(data, APP, 'subjects.csv'), 'subject\n1600\n');
    expect(run(build, { MURMUR_DATA_DIR: data })).toEqual(['train -', 'build uno']);
  }, 240_000);

  it('re-runs the firmware targets, not train, when a toolchain version changes', () => {
    const tools = join(scratch, 'tools');
    mkdirSync(tools, { recursive: true });
    const gcc = join(tools, 'arm-none-eabi-gcc');
    const withTools = { PATH: [tools, env()['PATH']].join(delimiter) };
    writeFileSync(gcc, '#!/bin/sh\necho "arm-none-eabi-gcc 12.2.1"\n');
    chmodSync(gcc, 0o755);
    const verify = `${APP}:verify:uno`;
    expect(run(verify, withTools)).toEqual(['build uno', 'verify uno']);
    writeFileSync(gcc, '#!/bin/sh\necho "arm-none-eabi-gcc 13.3.1"\n');
    expect(run(`${APP}:train`, withTools)).toEqual([]);
    expect(run(verify, withTools)).toEqual(['build uno', 'verify uno']);
    // verify hashes its board through the build's board task, too.
    write('boards/pico.json', board('pico', 'third'));
    expect(run(verify, withTools)).toEqual([]);
  }, 240_000);

  it('keeps the cache when package-lock.json gains a workspace package, not when an npm package changes', () => {
    const build = `${APP}:build:uno`;
    run(build);
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    lock.packages['apps/gait'] = { name: '@murmur/gait', version: '0.1.0' };
    lock.packages['node_modules/@murmur/gait'] = { resolved: 'apps/gait', link: true };
    write('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
    expect(run(build)).toEqual([]);
    lock.packages['node_modules/left-pad'] = {
      version: '1.3.0',
      resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
      integrity:
        'sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEKzEB/CVCMXsBQj6ZaNWwvjmtfP/AAgVNjbkcvZmK3pYRA==',
    };
    lock.packages['']['dependencies'] = { 'left-pad': '1.3.0' };
    write('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
    expect(run(build)).toEqual(['train -', 'build uno']);
  }, 240_000);

  it('generates an app without installing or touching package-lock.json; Nx sees it at once', () => {
    const lock = readFileSync(join(root, 'package-lock.json'), 'utf8');
    const rootPackage = readFileSync(join(root, 'package.json'), 'utf8');
    nx(['g', '@murmur/nx-plugin:app', 'gait', '--template', APP, '--no-interactive']);
    expect(readFileSync(join(root, 'package-lock.json'), 'utf8')).toBe(lock);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(rootPackage);
    expect(existsSync(join(scratch, 'npm.log'))).toBe(false);
    // fPorts 1 and 2 (the other app) and 12 (the template) are taken.
    expect(readFileSync(join(root, 'apps', 'gait', 'src', 'payload.ts'), 'utf8')).toBe(
      '/** 6 bytes on fPort 3. */\nexport const schema = { fPort: 3 };\n',
    );
    expect(readFileSync(join(root, 'apps', 'gait', 'README.md'), 'utf8')).toBe(
      `# gait\n\nTraining reads \`<data-dir>/${APP}/\`. fPort 3: \`npx murmur decode --app gait --fport 3 00\`\n`,
    );
    const project = JSON.parse(nx(['show', 'project', 'gait', '--json']));
    expect(Object.keys(project.targets)).toEqual(
      expect.arrayContaining(['train', 'build', 'verify', 'eval', 'board']),
    );
    expect(project.targets.train.options.command).toBe('murmur train --app gait');
    expect(JSON.stringify(project.targets.train.inputs)).toContain(`data-fingerprint.cjs ${APP}`);
  }, 120_000);
});
