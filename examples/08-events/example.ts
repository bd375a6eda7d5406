/**
 * Spies on raw watch events: `on.event` handlers see every event of every object (the initial
 * listing included), store nothing on the objects, and are never retried — their errors are logged
 * with the stack and ignored.
 */
import * as kopf from 'kopf-ts';

kopf.on.event('kopfexamples', function eventFnWithError() {
  throw new Error('Oops!');
});

kopf.on.event('kopfexamples', function normalEventFn({ event }) {
  // The type is null for objects found by the initial listing.
  console.log(`Event received: ${event.type ?? 'LISTED'} ${event.object.metadata.namespace}/${event.object.metadata.name}`);
});
