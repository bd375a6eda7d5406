/**
 * Daemons: a long-running task per object, started when the operator first sees it and stopped when
 * the object is deleted (or stops matching, or the operator exits). JavaScript cannot cancel a running
 * function, so a daemon stops when it sees `stopped`: one checks the flag between its rounds and waits
 * with `stopped.wait()`; the other hands `stopped.signal` to what it awaits, which then aborts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as kopf from 'kopf-ts';

// Fails three times (retried 1 s later each time, whatever `backoff` says), then pings every 5 seconds for
// 30 seconds at most, or until stopped. Its status messages tell how far it got.
kopf.on.daemon('kopfexamples', { backoff: 3 }, async function backgroundLooping({ spec, stopped, logger, retry, patch }) {
  if (retry < 3) {
    patch.status.message = `Failed ${retry + 1} times.`;
    throw new kopf.TemporaryError('Simulated failure.', { delay: 1 });
  }

  const startedMs = Date.now();
  while (!stopped.isSet && Date.now() - startedMs <= 30_000) {
    logger.info(`=> Ping from a looping daemon: field=${JSON.stringify(spec.field)}, retry=${retry}`);
    await stopped.wait(5);
  }

  patch.status.message = 'Accompanying is finished.';
});

// Runs until stopped, only for objects with the annotation. Its sleep takes `stopped.signal`, so the stop
// ends it with an AbortError — caught here, or it would be logged as the daemon's failure. Should the
// daemon not exit, `cancellationBackoff` and `cancellationTimeout` bound how long it may keep its object's
// deletion waiting.
kopf.on.daemon(
  'kopfexamples',
  { backoff: 3, cancellationBackoff: 1, cancellationTimeout: 0.5, annotations: { someannotation: 'somevalue' } },
  async function backgroundSignalled({ spec, stopped, logger, retry }) {
    if (retry < 3) throw new kopf.TemporaryError('Simulated failure.', { delay: 1 });

    try {
      for (;;) {
        logger.info(`=> Ping from a signalled daemon: field=${JSON.stringify(spec.field)}`);
        await sleep(5000, undefined, { signal: stopped.signal });
      }
    } catch (error) {
      if (!stopped.isSet) throw error;
    }
  },
);
