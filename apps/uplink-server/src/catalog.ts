/**
 * The apps the server decodes for: each app's uplink payload schemas by fPort, from `listApps` and `loadApp`
 * of @murmur/app, the same schemas the firmware encodes with. An fPort that exactly one app uses names that
 * app, which is how a device seen for the first time gets its app.
 */
import { listApps, loadApp } from '@murmur/app';
import type { PayloadSchema } from '@murmur/payload';

export interface CatalogApp {
  id: string;
  title: string;
  /** The app's uplink schemas (today one per app), by fPort. */
  uplinks: Map<number, PayloadSchema>;
}

export class AppCatalog {
  readonly apps: ReadonlyMap<string, CatalogApp>;
  private readonly byPort = new Map<number, string[]>();

  constructor(apps: CatalogApp[]) {
    this.apps = new Map(apps.map((a) => [a.id, a]));
    for (const app of apps)
      for (const port of app.uplinks.keys())
        this.byPort.set(port, [...(this.byPort.get(port) ?? []), app.id]);
  }

  /** The app ids in order. */
  ids(): string[] {
    return [...this.apps.keys()].sort();
  }

  /** The apps with an uplink schema on `fPort`. */
  appsOnPort(fPort: number): string[] {
    return this.byPort.get(fPort) ?? [];
  }

  /** The schema of `app` for an uplink on `fPort`, if it has one. */
  schema(app: string, fPort: number): PayloadSchema | undefined {
    return this.apps.get(app)?.uplinks.get(fPort);
  }
}

/** The catalog of an app list (schemas given directly: tests, tools). */
export function catalogOf(apps: { id: string; title?: string; payload: PayloadSchema }[]): AppCatalog {
  return new AppCatalog(
    apps.map((a) => ({ id: a.id, title: a.title ?? a.id, uplinks: new Map([[a.payload.fPort, a.payload]]) })),
  );
}

/** The catalog of the workspace's apps (apps/<app>/app.config.ts). */
export async function loadCatalog(): Promise<AppCatalog> {
  const apps = await Promise.all(listApps().map((id) => loadApp(id)));
  return catalogOf(apps);
}
