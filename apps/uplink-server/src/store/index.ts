export type {
  CommitResult,
  ConfiguredDevice,
  DeviceApp,
  DeviceRecord,
  GatewayReception,
  Network,
  NewUplink,
  Position,
  RegisteredBy,
  Store,
  UplinkQuery,
  UplinkRecord,
} from './store';
export type { SqlDriver, SqlQueries } from './driver';
export { SqlStore } from './sql-store';
export { migrate, migrationFiles, MIGRATIONS_DIR } from './migrate';
export { openPglite } from './pglite';
export { openPostgres, redactedUrl } from './postgres';

import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import { SqlStore } from './sql-store';

/** Where to keep the data: a PGlite directory, or a PostgreSQL URL. */
export type StoreLocation = { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string };

/** Opens the store at `location` and brings its schema up to date. */
export async function openStore(location: StoreLocation): Promise<SqlStore> {
  const db = location.kind === 'pglite' ? await openPglite(location.dir) : await openPostgres(location.url);
  const store = new SqlStore(db);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
