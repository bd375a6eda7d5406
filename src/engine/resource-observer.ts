/**
 * Resources that appear or vanish while the operator runs: CRDs are watched, and each change of one
 * (after the initial listing) rescans its API group in discovery, so a CRD created after the operator
 * started is served at once and a deleted one is dropped. Without permission to watch CRDs, the served
 * resources stay as found at start.
 */
import { ForbiddenError } from '../client/errors.ts';
import type { OperatorRuntime } from './runtime.ts';

const crds = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };

/** Watches CRDs until the operator stops, refreshing discovery on every change. */
export async function observeResources(runtime: OperatorRuntime): Promise<void> {
  const subscription = runtime.hub.subscribe(crds);
  const onStop = () => subscription.close();
  runtime.signal.addEventListener('abort', onStop, { once: true });
  try {
    for await (const event of subscription) {
      if (event.type === 'SYNCED' || event.initial) continue;
      const group = (event.object as { spec?: { group?: string } }).spec?.group;
      if (group !== undefined) await runtime.api.discovery.refresh(group);
    }
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    runtime.logger.warn(`Not enough permissions to watch for resources: changes (CRDs) are not noticed, only the resources found at start are served. ${error.message}`);
  } finally {
    runtime.signal.removeEventListener('abort', onStop);
    subscription.close();
  }
}
