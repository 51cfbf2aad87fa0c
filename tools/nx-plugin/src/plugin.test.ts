import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

const require = createRequire(import.meta.url);
const plugin = require('./index.cjs');
const appGenerator = require('./generators/app/generator.cjs');
const { dataFingerprint } = require('./data-fingerprint.cjs');
const { stageBoard } = require('./stage-board.cjs');

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');

type Input = string | Record<string, unknown>;
interface Target {
  inputs?: Input[];
  outputs?: string[];
  dependsOn?: (string | Record<string, unknown>)[];
  options: Record<string, string>;
  configurations?: Record<string, Record<string, string>>;
  defaultConfiguration?: string;
  cache?: boolean;
}

function fakeWorkspace(boards: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-plugin-'));
  mkdirSync(join(root, 'boards'));
  for (const b of boards) writeFileSync(join(root, 'boards', `${b}.json`), '{}');
  writeFileSync(join(root, 'boards', 'board.schema.json'), '{}');
  return root;
}

/** A workspace with boards and one app `gait` reading the dataset `walks` (also in the catalog: `runs`). */
function workspaceWithApp(boards: string[]): string {
  const root = fakeWorkspace(boards);
  mkdirSync(join(root, 'apps', 'gait', 'src'), { recursive: true });
  writeFileSync(join(root, 'apps', 'gait', 'app.config.ts'), "export const app = { id: 'gait' };\n");
  writeFileSync(join(root, 'apps', 'gait', 'src', 'features.ts'), "export const f = { dataset: 'walks' };\n");
  writeFileSync(join(root, 'apps', 'gait', 'src', 'features.test.ts'), "testData('runs');\n");
  mkdirSync(join(root, 'datasets', 'catalog'), { recursive: true });
  for (const d of ['walks', 'runs']) writeFileSync(join(root, 'datasets', 'catalog', `${d}.json`), '{}');
  return root;
}

async function projectOf(
  root: string,
  app = 'gait',
): Promise<{ name: string; targets: Record<string, Target> }> {
  const [, fn] = plugin.createNodesV2;
  const [[, result]] = await fn([`apps/${app}/app.config.ts`], undefined, {
    workspaceRoot: root,
    nxJsonConfiguration: {},
  });
  return result.projects[`apps/${app}`];
}

const isBoardFile = (input: Input): boolean =>
  typeof input === 'string' && /boards\//.test(input) && !input.includes('boards/support/');
/** The runtime input of the data fingerprint (the script's path is relative in the workspace, absolute here). */
const FINGERPRINT = /^node \S*tools\/nx-plugin\/src\/data-fingerprint\.cjs\b/;
const runtimes = (t: Target): string[] =>
  (t.inputs ?? []).flatMap((i) =>
    typeof i === 'object' && typeof i['runtime'] === 'string' ? [i['runtime']] : [],
  );

describe('createNodes', () => {
  it('makes every app a project with train/build/verify/eval/board and one configuration per board', async () => {
    const workspaceRoot = fakeWorkspace(['native', 'rak4631', 'qemu-mps2-an386']);
    const [pattern, fn] = plugin.createNodes;
    expect(plugin.createNodesV2).toBe(plugin.createNodes);
    expect(pattern).toBe('apps/*/app.config.ts');
    const results = await fn(['apps/wearable-activity/app.config.ts'], undefined, {
      workspaceRoot,
      nxJsonConfiguration: {},
    });
    const [file, result] = results[0];
    expect(file).toBe('apps/wearable-activity/app.config.ts');
    const project = result.projects['apps/wearable-activity'];
    expect(project.name).toBe('wearable-activity');
    expect(Object.keys(project.targets).sort()).toEqual(['board', 'build', 'eval', 'train', 'verify']);
    const build = project.targets.build;
    expect(build.defaultConfiguration).toBe('native');
    expect(Object.keys(build.configurations)).toEqual(['native', 'qemu-mps2-an386', 'rak4631']);
    expect(build.configurations.rak4631).toEqual({ board: 'rak4631' });
    expect(build.options.command).toBe('murmur build --app wearable-activity');
    expect(build.outputs).toEqual(['{workspaceRoot}/dist/apps/wearable-activity/{options.board}']);
    expect(build.dependsOn).toEqual(['train', { target: 'board', params: 'forward' }]);
    expect(project.targets.train.configurations).toBeUndefined();
  });

  it('gives every app a configuration for a board file added later', async () => {
    const workspaceRoot = fakeWorkspace(['native']);
    writeFileSync(join(workspaceRoot, 'boards', 'foo.json'), '{}');
    const [, fn] = plugin.createNodes;
    const [[, result]] = await fn(['apps/x/app.config.ts'], undefined, {
      workspaceRoot,
      nxJsonConfiguration: {},
    });
    expect(Object.keys(result.projects['apps/x'].targets.verify.configurations)).toContain('foo');
    expect(Object.keys(result.projects['apps/x'].targets.board.configurations)).toContain('foo');
  });

  it('keys build/verify/eval of board X on boards/X.json alone, through the board task, and train on no board file', async () => {
    const { targets } = await projectOf(workspaceWithApp(['native', 'rak4631', 'wio-e5']));
    for (const name of ['train', 'build', 'verify', 'eval']) {
      expect(targets[name].inputs!.filter(isBoardFile), name).toEqual([]);
    }
    // Nx has inputs per target, not per configuration: build:rak4631 runs board:rak4631 (same configuration)…
    const board = targets.board;
    expect(board.configurations!['rak4631']).toEqual({ board: 'rak4631' });
    expect(board.defaultConfiguration).toBe(targets.build.defaultConfiguration);
    expect(board.options.command).toMatch(
      /^node \S*tools\/nx-plugin\/src\/stage-board\.cjs \{args\.board\} dist\/boards\/gait$/,
    );
    expect(board.outputs).toEqual(['{workspaceRoot}/dist/boards/gait/{options.board}.json']);
    expect(board.cache).toBe(false);
    // …and hashes what that task wrote, the copy of boards/rak4631.json.
    const staged = { dependentTasksOutputFiles: 'dist/boards/gait/*.json', transitive: true };
    for (const name of ['build', 'verify', 'eval']) expect(targets[name].inputs, name).toContainEqual(staged);
    expect(targets.verify.dependsOn).toEqual(['build']);
    expect(targets.eval.dependsOn).toEqual(['build']);
    expect(targets.train.inputs).not.toContainEqual(staged);
    expect(targets.train.dependsOn).toBeUndefined();
    expect(targets.build.inputs).toContain('{workspaceRoot}/boards/support/**/*');
    expect(targets.train.inputs).not.toContain('{workspaceRoot}/boards/support/**/*');
  });

  it('stages exactly the board file of the configuration (from MURMUR_BOARDS_DIR when set)', () => {
    const root = fakeWorkspace([]);
    const boards = join(root, 'boards');
    writeFileSync(join(boards, 'a.json'), '{"id":"a"}');
    writeFileSync(join(boards, 'b.json'), '{"id":"b"}');
    const out = join(root, 'dist', 'boards', 'gait');
    expect(stageBoard('a', out, { boardsDir: boards })).toBe(join(out, 'a.json'));
    expect(readFileSync(join(out, 'a.json'), 'utf8')).toBe('{"id":"a"}');
    expect(existsSync(join(out, 'b.json'))).toBe(false);
    // A board that is not there leaves no stale copy (the CLI then names the boards there are).
    writeFileSync(join(out, 'gone.json'), '{}');
    expect(stageBoard('gone', out, { boardsDir: boards })).toBeUndefined();
    expect(existsSync(join(out, 'gone.json'))).toBe(false);
    expect(() => stageBoard('../a', out, { boardsDir: boards })).toThrow(/not a board id/);
    const other = join(root, 'other-boards');
    mkdirSync(other);
    writeFileSync(join(other, 'a.json'), '{"id":"a","other":true}');
    const before = process.env['MURMUR_BOARDS_DIR'];
    process.env['MURMUR_BOARDS_DIR'] = other;
    try {
      stageBoard('a', out);
    } finally {
      if (before === undefined) delete process.env['MURMUR_BOARDS_DIR'];
      else process.env['MURMUR_BOARDS_DIR'] = before;
    }
    expect(readFileSync(join(out, 'a.json'), 'utf8')).toBe('{"id":"a","other":true}');
  });

  it('makes every target depend on the murmur CLI project and the packages the app imports', async () => {
    const { targets } = await projectOf(workspaceWithApp(['native']));
    expect(plugin.CLI_PROJECT).toBe('@murmur/cli');
    for (const name of ['train', 'build', 'verify', 'eval']) {
      expect(targets[name].inputs, name).toContainEqual({ input: 'production', projects: ['@murmur/cli'] });
      expect(targets[name].inputs, name).toContain('^production');
      expect(targets[name].inputs, name).toContain('production');
      expect(targets[name].options.command).toMatch(new RegExp(`^murmur ${name} --app gait$`));
    }
  });

  it("keys data on a fingerprint of the app's dataset files, not on the value of MURMUR_DATA_DIR", async () => {
    const root = workspaceWithApp(['native']);
    expect(plugin.datasetNames(root)).toEqual(['runs', 'walks']);
    // `runs` is quoted only in a test: the targets do not read it.
    expect(plugin.appDatasets(root, 'apps/gait', ['runs', 'walks'])).toEqual(['walks']);
    const { targets } = await projectOf(root);
    for (const name of ['train', 'build', 'verify', 'eval']) {
      expect(
        runtimes(targets[name]).filter((r) => FINGERPRINT.test(r)),
        name,
      ).toEqual([expect.stringMatching(/data-fingerprint\.cjs walks$/)]);
      expect(targets[name].inputs, name).not.toContainEqual({ env: 'MURMUR_DATA_DIR' });
      expect(targets[name].inputs, name).not.toContain('data');
    }
  });

  it('gives the firmware targets the toolchain and emulator versions as runtime inputs, and train none', async () => {
    const { targets } = await projectOf(workspaceWithApp(['native']));
    const tools = ['gcc', 'arm-none-eabi-gcc', 'avr-gcc', 'qemu-system-arm'];
    for (const name of ['build', 'verify', 'eval']) {
      for (const tool of tools) {
        expect(runtimes(targets[name]), `${name} ${tool}`).toContain(
          `${tool} --version 2>/dev/null || echo '${tool}: not installed'`,
        );
      }
      expect(
        runtimes(targets[name]).some((r) => r.includes('simavr')),
        name,
      ).toBe(true);
    }
    expect(runtimes(targets.train)).toEqual([expect.stringMatching(FINGERPRINT)]);
  });

  it('runs the scripts by their path from the workspace root in this workspace', async () => {
    const { targets } = await projectOf(workspaceRoot, 'wearable-activity');
    expect(runtimes(targets.train)).toEqual([
      'node tools/nx-plugin/src/data-fingerprint.cjs wearable-activity',
    ]);
    expect(targets.board.options.command).toBe(
      'node tools/nx-plugin/src/stage-board.cjs {args.board} dist/boards/wearable-activity',
    );
  });

  it('runs every toolchain input without failing where no tool is installed', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-tools-'));
    for (const { runtime } of plugin.toolchainInputs as { runtime: string }[]) {
      const out = execFileSync('/bin/sh', ['-c', runtime], { env: { PATH: empty }, encoding: 'utf8' });
      if (runtime.includes('--version')) expect(out).toMatch(/: not installed\n$/);
    }
  });
});

describe('data fingerprint', () => {
  function dataWorkspace() {
    const root = mkdtempSync(join(tmpdir(), 'data-fp-'));
    mkdirSync(join(root, 'datasets', 'samples', 'walks'), { recursive: true });
    writeFileSync(join(root, 'datasets', 'samples', 'walks', 'a.csv'), 'x,y\n');
    return root;
  }

  it('follows the data order: MURMUR_DATA_DIR, else datasets/cache, else the shipped sample', () => {
    const root = dataWorkspace();
    expect(dataFingerprint(['walks'], { root, env: '' })).toMatch(
      /^walks sample datasets\/samples\/walks files=1 bytes=4 /,
    );
    mkdirSync(join(root, 'datasets', 'cache', 'walks'), { recursive: true });
    writeFileSync(join(root, 'datasets', 'cache', 'walks', 'full.csv'), 'x,y\n1,2\n');
    expect(dataFingerprint(['walks'], { root, env: '' })).toMatch(
      /^walks cache datasets\/cache\/walks files=1 bytes=8 /,
    );
    const external = mkdtempSync(join(tmpdir(), 'data-env-'));
    expect(dataFingerprint(['walks'], { root, env: external })).toBe(
      `walks env ${join(external, 'walks')} missing\n`,
    );
    expect(dataFingerprint(['runs'], { root, env: '' })).toBe('runs none\n');
    // Without datasets named (the tests' input): every dataset, and the shipped sample whatever the order picks.
    const all = dataFingerprint([], { root, env: external });
    expect(all).toMatch(
      new RegExp(`^walks env ${join(external, 'walks')} missing\nsamples datasets/samples files=1 `),
    );
  });

  it('changes with the names, sizes and times of fetched data, and with the contents of the sample', () => {
    const root = dataWorkspace();
    const sample = (): string => dataFingerprint(['walks'], { root, env: '' });
    const first = sample();
    utimesSync(
      join(root, 'datasets', 'samples', 'walks', 'a.csv'),
      new Date(2001, 1, 1),
      new Date(2001, 1, 1),
    );
    expect(sample()).toBe(first); // a checkout's new time, same bytes
    writeFileSync(join(root, 'datasets', 'samples', 'walks', 'a.csv'), 'x,z\n');
    expect(sample()).not.toBe(first); // same size, other bytes

    const external = mkdtempSync(join(tmpdir(), 'data-env-'));
    mkdirSync(join(external, 'walks', 'sub'), { recursive: true });
    const file = join(external, 'walks', 'sub', 'big.bin');
    writeFileSync(file, 'abc');
    const env = (): string => dataFingerprint(['walks'], { root, env: external });
    const a = env();
    expect(a).toMatch(new RegExp(`^walks env ${join(external, 'walks')} files=1 bytes=3 `));
    expect(env()).toBe(a);
    utimesSync(file, new Date(2002, 1, 1), new Date(2002, 1, 1));
    const b = env();
    expect(b).not.toBe(a);
    writeFileSync(join(external, 'walks', 'more.bin'), '');
    expect(env()).not.toBe(b);
  });
});

describe('nx.json', () => {
  const nxJson = JSON.parse(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8'));

  it('keys the tests on the data fingerprint, not on the value of MURMUR_DATA_DIR', () => {
    expect(nxJson.namedInputs.data).toEqual([{ runtime: 'node tools/nx-plugin/src/data-fingerprint.cjs' }]);
    expect(nxJson.targetDefaults.test.inputs).toContain('data');
  });

  it("leaves the shipped sample out of the packages' production files: the data input covers it", () => {
    expect(nxJson.namedInputs.production).toContain('!{projectRoot}/samples/**/*');
  });

  it('does not key every task on package-lock.json: npm packages are hashed as external dependencies', () => {
    expect(JSON.stringify(nxJson.namedInputs)).not.toContain('package-lock.json');
    expect(nxJson.pluginsConfig['@nx/js'].projectsAffectedByDependencyUpdates).toBe('auto');
  });
});

describe('app generator', () => {
  function treeWithTemplate() {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('package-lock.json', '{ "lockfileVersion": 3 }\n');
    tree.write(
      'apps/wearable-activity/app.config.ts',
      "export const app = { id: 'wearable-activity', c: 'murmur_wearable_activity' };\n",
    );
    tree.write(
      'apps/wearable-activity/package.json',
      '{ "name": "@murmur/wearable-activity", "nx": { "name": "wearable-activity" } }\n',
    );
    tree.write(
      'apps/wearable-activity/src/wearable-activity.test.ts',
      "const data = testData('wearable-activity');\ndescribe('wearable-activity features', () => {});\n",
    );
    tree.write(
      'apps/wearable-activity/src/features.ts',
      "export const f = { dataset: 'wearable-activity', name: 'wearable_activity' };\nawait loadDataset('wearable-activity', {});\n",
    );
    tree.write(
      'apps/wearable-activity/src/payload.ts',
      "/** 6 bytes on fPort 12. */\nexport const payloadSchema = definePayload({ name: 'wearable_activity', fPort: 12, version: 2 });\n",
    );
    tree.write(
      'apps/wearable-activity/README.md',
      [
        '# wearable-activity',
        '',
        'Training reads `<data-dir>/wearable-activity/` (`--data-dir`, or `$MURMUR_DATA_DIR`); the shipped',
        'sample is `datasets/samples/wearable-activity/`, `npx murmur data fetch wearable-activity` gets the rest.',
        '',
        'fPort 12, 6 bytes: `npx murmur decode --app wearable-activity --fport 12 5204080392c0`',
        '',
      ].join('\n'),
    );
    tree.write('apps/wearable-activity/dist/old.bin', 'x');
    tree.write('apps/wearable-activity/.murmur/vitest.json', '{}');
    // fPorts in use: 1 (uplink) and 2 (downlink) of another app, 12 of the template, 14 in a tool.
    tree.write(
      'apps/other/src/payload.ts',
      'definePayload({ fPort: 1, version: 1 }, { fPort: 2, version: 1 });\n',
    );
    tree.write('apps/other/src/payload.test.ts', 'expect(decode(bytes, { fPort: 3 }));\n');
    tree.write('apps/third/src/schema/payload.ts', 'definePayload({ fPort: 4 });\n');
    return tree;
  }

  it('copies the template with its ids renamed', async () => {
    const tree = treeWithTemplate();
    await appGenerator(tree, { name: 'gait-monitor', template: 'wearable-activity' });
    expect(tree.read('apps/gait-monitor/app.config.ts', 'utf-8')).toContain(
      "id: 'gait-monitor', c: 'murmur_gait_monitor'",
    );
    const pkg = JSON.parse(tree.read('apps/gait-monitor/package.json', 'utf-8')!);
    expect(pkg.name).toBe('@murmur/gait-monitor');
    expect(pkg.nx.name).toBe('gait-monitor');
    expect(tree.exists('apps/gait-monitor/src/gait-monitor.test.ts')).toBe(true);
    expect(tree.exists('apps/gait-monitor/dist/old.bin')).toBe(false);
    expect(tree.exists('apps/gait-monitor/.murmur')).toBe(false);
    expect(tree.read('apps/gait-monitor/src/features.ts', 'utf-8')).toBe(
      "export const f = { dataset: 'wearable-activity', name: 'gait_monitor' };\nawait loadDataset('wearable-activity', {});\n",
    );
    // The tests read the template's dataset too.
    expect(tree.read('apps/gait-monitor/src/gait-monitor.test.ts', 'utf-8')).toBe(
      "const data = testData('wearable-activity');\ndescribe('gait-monitor features', () => {});\n",
    );
  });

  it("writes a README that names the dataset's data directory, not one named after the new app", async () => {
    const tree = treeWithTemplate();
    await appGenerator(tree, { name: 'gait-monitor', template: 'wearable-activity' });
    const readme = tree.read('apps/gait-monitor/README.md', 'utf-8')!;
    expect(readme).toContain('# gait-monitor');
    expect(readme).toContain('reads `<data-dir>/wearable-activity/`');
    expect(readme).toContain(
      '`datasets/samples/wearable-activity/`, `npx murmur data fetch wearable-activity`',
    );
    expect(readme).not.toContain('<data-dir>/gait-monitor');
    expect(readme).toContain('--app gait-monitor');
  });

  it('moves the payload to the lowest fPort no app uses, uplink or downlink', async () => {
    const tree = treeWithTemplate();
    await appGenerator(tree, { name: 'gait-monitor', template: 'wearable-activity' });
    // 1, 2 (the other app's uplink and downlink), 4 and 12 are taken; 3 appears only in a test.
    expect(tree.read('apps/gait-monitor/src/payload.ts', 'utf-8')).toBe(
      "/** 6 bytes on fPort 3. */\nexport const payloadSchema = definePayload({ name: 'gait_monitor', fPort: 3, version: 2 });\n",
    );
    expect(tree.read('apps/gait-monitor/README.md', 'utf-8')).toContain(
      'fPort 3, 6 bytes: `npx murmur decode --app gait-monitor --fport 3 5204080392c0`',
    );
    // A second app from the same template takes the next one.
    await appGenerator(tree, { name: 'stride', template: 'wearable-activity' });
    expect(tree.read('apps/stride/src/payload.ts', 'utf-8')).toContain('fPort: 5,');
  });

  it('gives uplink and downlink of a template each a free fPort', async () => {
    const tree = treeWithTemplate();
    tree.write(
      'apps/predictive-maintenance/app.config.ts',
      "export const app = { id: 'predictive-maintenance' };\n",
    );
    tree.write(
      'apps/predictive-maintenance/src/payload.ts',
      '/** on fPort 10. The downlink (fPort 11) */\ndefinePayload({ fPort: 10 }, { fPort: 11 });\n',
    );
    await appGenerator(tree, { name: 'pump', template: 'predictive-maintenance' });
    expect(tree.read('apps/pump/src/payload.ts', 'utf-8')).toBe(
      '/** on fPort 3. The downlink (fPort 5) */\ndefinePayload({ fPort: 3 }, { fPort: 5 });\n',
    );
  });

  it('refuses when no fPort is free', async () => {
    const tree = treeWithTemplate();
    const all = Array.from({ length: 223 }, (_, i) => `{ fPort: ${i + 1} }`).join(', ');
    tree.write('apps/other/src/payload.ts', `definePayload(${all});\n`);
    await expect(appGenerator(tree, { name: 'gait-monitor' })).rejects.toThrow(/no free fPort/);
  });

  it('writes apps/<name>/ only: no install, package.json and package-lock.json untouched', async () => {
    const tree = treeWithTemplate();
    const lock = tree.read('package-lock.json', 'utf-8');
    const rootPackage = tree.read('package.json', 'utf-8');
    const before = new Map(tree.listChanges().map((c) => [c.path, c.content?.toString()]));
    const callback = await appGenerator(tree, { name: 'gait-monitor', template: 'wearable-activity' });
    const changed = tree
      .listChanges()
      .filter((c) => before.get(c.path) !== c.content?.toString())
      .map((c) => c.path);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.filter((p) => !p.startsWith('apps/gait-monitor/'))).toEqual([]);
    callback();
    expect(tree.read('package-lock.json', 'utf-8')).toBe(lock);
    expect(tree.read('package.json', 'utf-8')).toBe(rootPackage);
    expect(readFileSync(join(import.meta.dirname, 'generators', 'app', 'generator.cjs'), 'utf8')).not.toMatch(
      /installPackagesTask|execSync|spawn/,
    );
  });

  it('refuses bad names, unknown templates and existing apps', async () => {
    const tree = treeWithTemplate();
    await expect(appGenerator(tree, { name: 'Bad Name' })).rejects.toThrow(/lower-case/);
    await expect(appGenerator(tree, { name: 'x', template: 'nope' })).rejects.toThrow(
      /unknown template 'nope'/,
    );
    await expect(appGenerator(tree, { name: 'wearable-activity' })).rejects.toThrow(/already exists/);
  });
});
