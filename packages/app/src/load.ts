import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelSettings, type AppModelSpec } from '@murmur/compress';
import { MurmurError, UsageError, workspaceRoot } from '@murmur/core';
import { checkSensorLimits, type SensorLimits } from '@murmur/dsp';
import { windowsPerUplink } from '@murmur/policy';
import type { MurmurApp } from './app';

/** The apps of the workspace: the folders of apps/ that hold an app.config.ts, sorted. */
export function listApps(root: string = workspaceRoot()): string[] {
  const dir = join(root, 'apps');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((d) => existsSync(join(dir, d, 'app.config.ts')))
        .sort()
    : [];
}

/**
 * The one way to get an app: imports `@murmur/<id>` (the package of apps/<id>) and returns the `app` its
 * app.config.ts exports. UsageError (exit 2) for a missing or unknown id, naming the apps there are.
 */
export async function loadApp(id: string | undefined): Promise<MurmurApp> {
  const known = listApps();
  if (!id) throw new UsageError(`missing --app (apps: ${known.join(', ')})`);
  if (!known.includes(id)) throw new UsageError(`unknown app '${id}' (apps: ${known.join(', ')})`);
  const mod = (await import(/* @vite-ignore */ `@murmur/${id}`)) as { app?: MurmurApp };
  if (!mod.app || mod.app.id !== id) {
    throw new MurmurError(
      `apps/${id}/app.config.ts must export \`const app: MurmurApp = { id: '${id}', ... }\``,
      {
        file: `apps/${id}/app.config.ts`,
        field: 'app',
      },
    );
  }
  return mod.app;
}

/**
 * The app's model as @murmur/compress trains it: its settings over the defaults, classes in output order.
 * UsageError for an app that ships no model (`model: null`).
 */
export function appModelSpec(app: MurmurApp): AppModelSpec {
  if (!app.model)
    throw new UsageError(
      `${app.id} ships no model (model: null in apps/${app.id}/app.config.ts): its classes come from the uplink policy's class rule`,
    );
  return { name: app.id, settings: { ...defaultModelSettings, classes: [...app.classes], ...app.model } };
}

/** The sensor check's limits of the app: its sensor range, and its stuck time in samples of the feature graph. */
export function appSensorLimits(app: MurmurApp): SensorLimits {
  const [min, max] = app.sensor.range;
  const stuckSamples = Math.round(app.sensor.stuckSeconds * app.featureGraph.rateHz);
  return checkSensorLimits({ min, max, stuckSamples }, `apps/${app.id}/app.config.ts: sensor`);
}

/** Windows in one uplink period of the app (its policy's period over the feature graph's hop). */
export function appWindowsPerUplink(app: MurmurApp): number {
  return windowsPerUplink(app.uplink.periodS, app.featureGraph.rateHz, app.featureGraph.hop);
}
