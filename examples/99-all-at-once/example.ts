/**
 * All at once: startup and cleanup activities, several creation handlers (one failing once and retried),
 * update and field handlers, a delete handler, a child pod adopted and labelled, an event handler for
 * pods with that label, and Kubernetes Events — the features of the other examples in one operator.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import * as kopf from 'kopf-ts';

kopf.on.startup(function startupFnSimple({ logger }) {
  logger.info('Initialising...');
});

kopf.on.startup(function startupFnRetried({ retry, logger }) {
  if (retry < 1) throw new kopf.TemporaryError('Going to succeed in 1s', { delay: 1 });
  logger.info('Starting retried...');
});

kopf.on.cleanup(async function cleanupFn({ logger }) {
  logger.info('Cleaning up in 1s...');
  await sleep(1000);
  logger.info('Cleanup is done.');
});

kopf.on.create('kopfexamples', function create1({ body }) {
  const children = createChildren();

  kopf.info(body, { reason: 'AnyReason', message: 'Creating the children.' });
  kopf.event(body, { type: 'Warning', reason: 'SomeReason', message: 'Cannot do something' });
  kopf.event(children, { type: 'Normal', reason: 'SomeReason', message: 'Created as part of the job1step' });

  return { 'job1-status': 100 };
});

// Fails on its first attempt, and is retried a second later: the retry state is kept on the object,
// so it would be retried by the next operator process too.
kopf.on.create('kopfexamples', { backoff: 1 }, async function create2({ retry }) {
  await waitForSomething();
  if (retry === 0) throw new Error('Whoops!');
  return { 'job2-status': 100 };
});

kopf.on.update('kopfexamples', function update({ diff }) {
  console.log('Handling the diff');
  console.log(JSON.stringify(diff));
});

kopf.on.field('kopfexamples', { field: 'spec.lst' }, function updateLst({ old, new: value }) {
  console.log(`Handling the FIELD = ${JSON.stringify(old)} -> ${JSON.stringify(value)}`);
});

// Mandatory (not `optional`): KopfExamples get the operator's finalizer, and their deletion waits for it.
kopf.on.delete('kopfexamples', function deleteFn({ logger }) {
  logger.info('Deleting: the child pod goes with its owner.');
});

kopf.on.create('kopfexamples', async function createPod({ api }) {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    spec: { containers: [{ name: 'the-only-one', image: 'busybox', command: ['sh', '-c', 'sleep 1'] }] },
  };

  // Our child: owned by, named after, in the namespace of, and labelled as the KopfExample — plus a label
  // that the event handler below watches for.
  kopf.adopt(pod);
  kopf.label(pod, { application: 'kopf-example-10' });

  await api.create(pod);
});

kopf.on.event('v1', 'pods', { labels: { application: 'kopf-example-10' } }, function examplePodChange({ logger }) {
  logger.info('This pod is special for us.');
});

/** Objects a real operator would make for the KopfExample; none here. */
function createChildren(): kopf.KubeObject[] {
  return [];
}

/** Stands for something slow, e.g. polling an external API. */
function waitForSomething(): Promise<void> {
  return sleep(1000);
}
