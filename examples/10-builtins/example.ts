/**
 * Handlers for a built-in resource: pods. Every pod the operator finds or sees created gets a killer — a
 * task that deletes the pod 30 seconds later — and the pod's deletion cancels its killer. (Pods in
 * `kube-*` namespaces are spared.) The mandatory delete handler puts the operator's finalizer on pods.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as kopf from 'kopf-ts';

/** How long a pod lives once the operator has seen it. */
const killingDelaySeconds = 30;

/** The running killers by `namespace/name`, to cancel them. */
const killers = new Map<string, AbortController>();

kopf.on.resume('v1', 'pods', podInSight);
kopf.on.create('v1', 'pods', podInSight);

function podInSight({ namespace, name, logger, api, resource }: kopf.ChangingContext) {
  if (namespace?.startsWith('kube-')) return;
  const key = `${namespace}/${name}`;
  if (killers.has(key)) return;
  const killer = new AbortController();
  killers.set(key, killer);
  // Not awaited: the killer outlives the handler, which succeeds at once.
  void killPod(() => api.delete(resource, name, { namespace }), logger, killer.signal).finally(() => killers.delete(key));
}

kopf.on.delete('v1', 'pods', function podDeleted({ namespace, name }) {
  killers.get(`${namespace}/${name}`)?.abort();
});

async function killPod(deletePod: () => Promise<unknown>, logger: kopf.ChangingContext['logger'], cancelled: AbortSignal): Promise<void> {
  try {
    logger.info(`=== Pod killing happens in ${killingDelaySeconds}s.`);
    await sleep(killingDelaySeconds * 1000, undefined, { signal: cancelled });
    logger.info('=== Pod killing happens NOW!');
    await deletePod();
  } catch (error) {
    if (cancelled.aborted) logger.info('=== Pod killing is cancelled!');
    else logger.error(`=== Pod killing has failed: ${String(error)}`);
  }
}
