// Directory objects (users, groups) as the provisioning compensations need them: deleted, and purged
// from deleted items when the tenant must end up as it was. Both steps are idempotent (404 = done).
import { GraphError, type ConnectionGraph } from '../lib/graph';

export const isStatus = (err: unknown, ...statuses: number[]) => err instanceof GraphError && statuses.includes(err.status);

/** Deletes `/{collection}/{id}` and, when `permanently`, purges it from deleted items; true when anything changed. */
export async function deleteDirectoryObject(graph: ConnectionGraph, collection: 'users' | 'groups', id: string, permanently: boolean): Promise<boolean> {
  const steps = [`/${collection}/${id}`, ...(permanently ? [`/directory/deletedItems/${id}`] : [])];
  let changed = false;
  for (const path of steps) {
    try {
      await graph.delete(path);
      changed = true;
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }
  return changed;
}
