import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

const require = createRequire(import.meta.url);
const plugin = require('./index.cjs');
const appGenerator = require('./generators/app/generator.cjs');

function fakeWorkspace(boards: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-plugin-'));
  mkdirSync(join(root, 'boards'));
  for (const b of boards) writeFileSync(join(root, 'boards', `${b}.json`), '{}');
  writeFileSync(join(root, 'boards', 'board.schema.json'), '{}');
  return root;
}

describe('createNodes', () => {
  it('makes every app a project with train/build/verify/eval and one configuration per board', async () => {
    const workspaceRoot = fakeWorkspace(['native', 'rak4631', 'qemu-mps2-an386']);
    const [pattern, fn] = plugin.createNodes;
    expect(pattern).toBe('apps/*/app.config.ts');
    const results = await fn(['apps/wearable-activity/app.config.ts'], undefined, {
      workspaceRoot,
      nxJsonConfiguration: {},
    });
    const [file, result] = results[0];
    expect(file).toBe('apps/wearable-activity/app.config.ts');
    const project = result.projects['apps/wearable-activity'];
    expect(project.name).toBe('wearable-activity');
    expect(Object.keys(project.targets).sort()).toEqual(['build', 'eval', 'train', 'verify']);
    const build = project.targets.build;
    expect(build.defaultConfiguration).toBe('native');
    expect(Object.keys(build.configurations)).toEqual(['native', 'qemu-mps2-an386', 'rak4631']);
    expect(build.configurations.rak4631).toEqual({ board: 'rak4631' });
    expect(build.options.command).toBe('murmur build --app wearable-activity');
    expect(build.outputs).toEqual(['{workspaceRoot}/dist/apps/wearable-activity/{options.board}']);
    expect(build.dependsOn).toEqual(['train']);
    expect(project.targets.train.configurations).toBeUndefined();
  });

  it('gives every app a configuration for a board file added later', async () => {
    const workspaceRoot = fakeWorkspace(['native']);
    writeFileSync(join(workspaceRoot, 'boards', 'foo.json'), '{}');
    const [, fn] = plugin.createNodes;
    const [[, result]] = await fn(['apps/x/app.config.ts'], undefined, { workspaceRoot, nxJsonConfiguration: {} });
    expect(Object.keys(result.projects['apps/x'].targets.verify.configurations)).toContain('foo');
  });
});

describe('app generator', () => {
  function treeWithTemplate() {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/wearable-activity/app.config.ts', "export const app = { id: 'wearable-activity', c: 'murmur_wearable_activity' };\n");
    tree.write('apps/wearable-activity/package.json', '{ "name": "@murmur/wearable-activity", "nx": { "name": "wearable-activity" } }\n');
    tree.write('apps/wearable-activity/src/wearable-activity.test.ts', "it('x', () => {});\n");
    tree.write(
      'apps/wearable-activity/src/features.ts',
      "export const f = { dataset: 'wearable-activity', name: 'wearable_activity' };\nawait loadDataset('wearable-activity', {});\n",
    );
    tree.write('apps/wearable-activity/dist/old.bin', 'x');
    return tree;
  }

  it('copies the template with its ids renamed', async () => {
    const tree = treeWithTemplate();
    await appGenerator(tree, { name: 'gait-monitor', template: 'wearable-activity' });
    expect(tree.read('apps/gait-monitor/app.config.ts', 'utf-8')).toContain("id: 'gait-monitor', c: 'murmur_gait_monitor'");
    const pkg = JSON.parse(tree.read('apps/gait-monitor/package.json', 'utf-8')!);
    expect(pkg.name).toBe('@murmur/gait-monitor');
    expect(pkg.nx.name).toBe('gait-monitor');
    expect(tree.exists('apps/gait-monitor/src/gait-monitor.test.ts')).toBe(true);
    expect(tree.exists('apps/gait-monitor/dist/old.bin')).toBe(false);
    expect(tree.read('apps/gait-monitor/src/features.ts', 'utf-8')).toBe(
      "export const f = { dataset: 'wearable-activity', name: 'gait_monitor' };\nawait loadDataset('wearable-activity', {});\n",
    );
  });

  it('refuses bad names, unknown templates and existing apps', async () => {
    const tree = treeWithTemplate();
    await expect(appGenerator(tree, { name: 'Bad Name' })).rejects.toThrow(/lower-case/);
    await expect(appGenerator(tree, { name: 'x', template: 'nope' })).rejects.toThrow(/unknown template 'nope'/);
    await expect(appGenerator(tree, { name: 'wearable-activity' })).rejects.toThrow(/already exists/);
  });
});
