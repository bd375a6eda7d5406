/**
 * A spy on pods' container statuses: a raw-event handler that prints every watch event of every pod
 * that has container statuses — the event type, the pod's name, and the statuses as the kubelet wrote
 * them. Event handlers store nothing on the objects and add no finalizer: they only watch.
 */
import * as kopf from 'kopf-ts';

// The field filter skips the events of pods that have no container statuses yet (not yet on a node).
kopf.on.event('v1', 'pods', { field: 'status.containerStatuses' }, function podStatuses({ type, body, logger }) {
  // The type is null for the pods found by the initial listing.
  logger.info(`${type ?? 'LISTED'} ${body.metadata.name}: ${JSON.stringify(body.status?.containerStatuses)}`);
});
