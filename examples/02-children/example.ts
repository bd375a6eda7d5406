/**
 * Children: for each KopfExample, the create handler makes a Pod and adopts it first — owned by the
 * KopfExample, named after it, in its namespace, with its labels — so that Kubernetes deletes the Pod
 * together with its parent, with no delete handler to write. The Pod's uid goes to the parent's status.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import * as kopf from 'kopf-ts';

/** The part of a KopfExample this operator reads. */
interface KopfExample {
  apiVersion: 'kopf.dev/v1';
  kind: 'KopfExample';
  spec?: { duration?: string; field?: string };
}

kopf.on.create<KopfExample>('kopfexamples', async function createFn({ spec, api, logger }) {
  // The Pod prints the spec's field, then works for the spec's duration.
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    spec: {
      containers: [
        {
          name: 'the-only-one',
          image: 'busybox',
          command: ['sh', '-c'],
          args: [`echo "FIELD=$FIELD"\nsleep ${spec.duration ?? 0}`],
          env: [{ name: 'FIELD', value: spec.field ?? 'default-value' }],
        },
      ],
    },
  };

  // Our child: an owner reference to the KopfExample being handled, `generateName: <its name>-`, its
  // namespace and its labels.
  kopf.adopt(pod);

  const created = await api.create(pod);
  logger.info(`Pod ${created.metadata?.name} is created.`);
  return { children: [created.metadata?.uid] };
});
