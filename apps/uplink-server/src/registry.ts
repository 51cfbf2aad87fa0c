/**
 * The device registry: which app a device belongs to (DevEUI → app), so its uplinks are decoded with that
 * app's schema (fPort → schema and version). An entry of the config file wins; a device seen for the first
 * time gets the app that alone uses the uplink's fPort, or none when no app or several do (its uplinks are
 * stored undecoded until an uplink on an unambiguous fPort, or a config entry, names its app).
 *
 * The registry holds every device's app in memory, read from the store at start; the rows themselves are
 * written by the commit that stores a device's first uplink.
 */
import type { AppCatalog } from './catalog';
import type { DeviceApp, RegisteredBy, Store } from './store';

export interface Resolved {
  app: string | null;
  registeredBy: RegisteredBy;
}

export class DeviceRegistry {
  private readonly known = new Map<string, Resolved>();

  constructor(private readonly catalog: AppCatalog) {}

  /** Loads every stored device's app. */
  async load(store: Store): Promise<void> {
    for (const d of await store.deviceApps()) this.set(d);
  }

  set(d: DeviceApp): void {
    this.known.set(d.devEui, { app: d.app, registeredBy: d.registeredBy });
  }

  /** The app of the device `devEui` for an uplink on `fPort` (registering the device when it is new). */
  resolve(devEui: string, fPort: number): Resolved {
    const known = this.known.get(devEui);
    if (known && known.app !== null) return known;
    const candidates = this.catalog.appsOnPort(fPort);
    const resolved: Resolved =
      candidates.length === 1
        ? { app: candidates[0]!, registeredBy: 'fport' }
        : { app: null, registeredBy: 'none' };
    this.known.set(devEui, resolved);
    return resolved;
  }

  /** The message of an uplink whose device has no app: why, and what to do. */
  noAppReason(fPort: number): string {
    const candidates = this.catalog.appsOnPort(fPort);
    return candidates.length === 0
      ? `no app sends uplinks on fPort ${fPort} (apps: ${this.catalog.ids().join(', ')}); name the device's app in the config file`
      : `apps ${candidates.join(', ')} all send uplinks on fPort ${fPort}; name the device's app in the config file`;
  }
}
