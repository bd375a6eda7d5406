/**
 * Activities — what an operator does around the handling of objects: startup handlers (one of them
 * retried), a cleanup handler, a login handler that provides the credentials, and probes whose results
 * the liveness endpoint (`kopf run --liveness …`) serves. An event handler on pods starts a background
 * task for every pod it sees; the cleanup stops them all.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as kopf from 'kopf-ts';

/** The background tasks of pods by namespace and name: aborting one stops the task. */
type Stoppers = Map<string, Map<string, AbortController>>;

kopf.on.startup(function startupFnSimple({ memo, logger }) {
  logger.info('Initialising the pod-task registry...');
  // The operator-wide memo: activities get it as it is, each object's handlers a shallow copy of it.
  const stoppers: Stoppers = new Map();
  memo.stoppers = stoppers;
});

kopf.on.startup(function startupFnRetried({ retry, logger }) {
  if (retry < 3) throw new kopf.TemporaryError(`Going to succeed in ${3 - retry}s`, { delay: 1 });
  logger.info('Starting retried...');
});

kopf.on.cleanup(function cleanupFn({ memo, logger }) {
  logger.info('Cleaning up...');
  for (const tasks of (memo.stoppers as Stoppers).values()) {
    for (const stopper of tasks.values()) stopper.abort();
  }
  logger.info('All pod-tasks are requested to stop...');
});

// With a login handler, kopf-ts reads no kubeconfig itself: the operator connects with what the handler
// returns, and runs it again when the credentials expire or are refused.
kopf.on.login({ errors: 'permanent' }, async function loginFn({ logger }) {
  logger.info('Logging in in 1s...');
  await sleep(1000);
  // `return kopf.loginWithKubeconfig()` would do; this shows plain credentials, which may expire.
  const kubeconfig = await kopf.loginWithKubeconfig();
  const { headers, clientCertificate } = await kubeconfig.credentials();
  const [scheme, token] = headers.Authorization?.split(' ') ?? [];
  return {
    server: kubeconfig.server,
    caPem: kubeconfig.caPem,
    insecure: kubeconfig.insecure,
    scheme,
    token,
    clientCertificate,
    namespace: kubeconfig.namespace,
    expiration: new Date(Date.now() + 30_000),
  };
});

kopf.on.probe(function tasksCount({ memo }) {
  return [...(memo.stoppers as Stoppers).values()].reduce((count, tasks) => count + tasks.size, 0);
});

kopf.on.probe(function monitoredObjects({ memo }) {
  const stoppers = memo.stoppers as Stoppers;
  return Object.fromEntries([...stoppers].map(([namespace, tasks]) => [namespace, [...tasks.keys()].sort()]));
});

kopf.on.event('pods', function podTask({ namespace, name, memo, logger }) {
  const stoppers = memo.stoppers as Stoppers;
  const tasks = stoppers.get(namespace ?? '') ?? new Map<string, AbortController>();
  stoppers.set(namespace ?? '', tasks);
  if (tasks.has(name)) return;
  const stopper = new AbortController();
  tasks.set(name, stopper);
  // Not awaited: the task outlives the handler.
  void serve(logger, stopper.signal);
});

/** A pod's background task: serves every few seconds until stopped. */
async function serve(logger: kopf.EventContext['logger'], stopped: AbortSignal): Promise<void> {
  while (!stopped.aborted) {
    await sleep(1000 + Math.random() * 2000, undefined, { signal: stopped }).then(
      () => logger.info('Served by the background task.'),
      () => undefined,
    );
  }
  logger.info('Serving is finished by request.');
}
