/**
 * Kubernetes Events from handlers: about the object being handled (named, or left out to mean it) and
 * about any other object — here a ConfigMap the handler creates. At startup, the operator also turns
 * on posting its own log lines about objects as Events, so `kubectl describe` tells the whole story.
 */
import * as kopf from 'kopf-ts';

kopf.on.startup(function postLogsAsEvents({ settings }) {
  settings.posting.loggers = true;
});

kopf.on.create('kopfexamples', async function createFn({ body, name, namespace, uid, api }) {
  // Any type of Event.
  kopf.event(body, { type: 'SomeType', reason: 'SomeReason', message: 'Some message' });

  // The usual types; without an object, the Event is about the object being handled.
  kopf.info({ reason: 'SomeReason', message: 'Some message' });
  kopf.warn({ reason: 'SomeReason', message: 'Some message' });

  // An error, with its message after the given one: "Some exception: Exception text."
  try {
    throw new Error('Exception text.');
  } catch (error) {
    kopf.exception(body, { reason: 'SomeReason', message: 'Some exception:', exc: error });
  }

  // Another object: a ConfigMap owned by the KopfExample (so it goes when the KopfExample goes).
  const configMap = await api.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${name}-data`,
      namespace,
      ownerReferences: [{ apiVersion: body.apiVersion!, kind: body.kind!, name, uid, controller: true, blockOwnerDeletion: true }],
    },
    data: { duration: String(body.spec.duration) },
  });
  kopf.info(configMap, { reason: 'SomeReason', message: `Made for ${name}.` });
});
