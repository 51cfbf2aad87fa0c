/**
 * The SQL connection of a store, for the server's parts that keep their own tables beside the uplinks
 * (downlinks, the fleet page's queries): the same database, the same migrations.
 */
import type { SqlQueries } from './driver';
import type { Store } from './store';

export function sqlOf(store: Store): SqlQueries {
  const db = (store as Store & { db?: SqlQueries }).db;
  if (db === undefined || typeof db.query !== 'function')
    throw new Error(`the ${store.kind} store has no SQL connection to share`);
  return db;
}
