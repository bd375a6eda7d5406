/**
 * The namespaces an operator started with `-n` patterns serves: every existing namespace that matches,
 * kept current as namespaces are created and deleted. A terminating namespace is still served while
 * its content or finalizers remain (a condition says so), since objects there may wait for our
 * finalizer to be removed; once nothing remains, it counts as gone. Without
 * permission to list namespaces, the patterns' literal names are served.
 */
import { ForbiddenError } from '../client/errors.ts';
import { isNamespaceServed, literalNamespaces, type NamespacePattern } from '../core/namespace-patterns.ts';
import type { OperatorRuntime } from './runtime.ts';

const namespaces = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };

interface NamespaceObject {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: { conditions?: Array<{ status?: string }> };
}

function isPresent(type: string, namespace: NamespaceObject): boolean {
  if (type === 'DELETED') return false;
  if (!namespace.metadata?.deletionTimestamp) return true;
  return (namespace.status?.conditions ?? []).some((condition) => condition.status === 'True');
}

/**
 * Watches namespaces until the operator stops, calling `onChange` with the sorted served names after the
 * initial listing and after every change of the set.
 */
export async function observeNamespaces(
  runtime: OperatorRuntime,
  patterns: readonly NamespacePattern[],
  onChange: (served: string[]) => Promise<void>,
): Promise<void> {
  const scope = { clusterwide: false as const, patterns: [...patterns] };
  const served = new Set<string>();
  let synced = false;
  const subscription = runtime.hub.subscribe(namespaces);
  const onStop = () => subscription.close();
  runtime.signal.addEventListener('abort', onStop, { once: true });
  try {
    for await (const event of subscription) {
      if (event.type === 'SYNCED') {
        synced = true;
        await onChange([...served].sort());
        continue;
      }
      const namespace = event.object as NamespaceObject;
      const name = namespace.metadata?.name;
      if (!name || !isNamespaceServed(name, scope)) continue;
      const present = isPresent(event.type, namespace);
      if (present === served.has(name)) continue;
      if (present) served.add(name);
      else served.delete(name);
      if (synced) await onChange([...served].sort());
    }
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    const literal = literalNamespaces(patterns);
    runtime.logger.warn(`Not enough permissions to list namespaces. Falling back to a list of namespaces which are assumed to exist: ${JSON.stringify(literal)}`);
    await onChange(literal);
  } finally {
    runtime.signal.removeEventListener('abort', onStop);
    subscription.close();
  }
}
