/**
 * Timers: a function called again and again per object — here every few seconds, but only once the
 * object has been left alone (`idle`) for a while. A change of the object puts the timers off until it
 * has been quiet again for that long.
 */
import * as kopf from 'kopf-ts';

// Every second, once the object has not changed for 2 seconds. A plain function will do for quick work.
kopf.on.timer('kopfexamples', { idle: 2, interval: 1 }, function everyFewSecondsSync({ spec, logger }) {
  logger.info(`Ping from a sync timer: field=${JSON.stringify(spec.field)}`);
});

// Every 2 seconds, once the object has not changed for 4 seconds.
kopf.on.timer('kopfexamples', { idle: 4, interval: 2 }, async function everyFewSecondsAsync({ spec, logger }) {
  logger.info(`Ping from an async timer: field=${JSON.stringify(spec.field)}`);
});
