/**
 * How handler errors are treated: a permanent error ends a handler at once; a temporary one retries it
 * after its delay; any other error is retried by default — within `retries` — or ends it at once with
 * `errors: 'permanent'`.
 */
import * as kopf from 'kopf-ts';

/** An error of the operator's own, neither temporary nor permanent. */
class MyError extends Error {
  override name = 'MyError';
}

kopf.on.create('kopfexamples', function instantFailureWithOnlyAMessage() {
  throw new kopf.PermanentError('Fail once and for all.');
});

kopf.on.create('kopfexamples', function eventualSuccessWithAFewMessages({ retry }) {
  // Attempts 0, 1 and 2 fail; attempt 3 succeeds.
  if (retry < 3) throw new kopf.TemporaryError('Expected recoverable error.', { delay: 1 });
});

kopf.on.create('kopfexamples', { retries: 3, backoff: 1 }, function eventualFailureWithTracebacks() {
  throw new MyError('An error that is supposed to be recoverable.');
});

kopf.on.create('kopfexamples', { errors: 'permanent', backoff: 1 }, function instantFailureWithTraceback() {
  throw new MyError('An error that is supposed to be recoverable.');
});
