/** What the HTTP routes (and any later transport) share: the running server's parts. */
import type { AppCatalog } from './catalog';
import type { ServerConfig } from './config';
import type { Downlinks } from './downlinks/service';
import type { UplinkHub } from './hub';
import type { Ingestor } from './ingest';
import type { ServerMetrics } from './metrics';
import type { DeviceRegistry } from './registry';
import type { Store } from './store';

export interface ServerContext {
  config: ServerConfig;
  store: Store;
  catalog: AppCatalog;
  registry: DeviceRegistry;
  ingestor: Ingestor;
  metrics: ServerMetrics;
  hub: UplinkHub;
  downlinks: Downlinks;
  /** Set when shutdown has begun: ingestion answers 503 and the live streams end. */
  stopping: boolean;
}
