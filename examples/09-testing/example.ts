/**
 * An operator with a test of its own: `example.test.ts` runs it in the background with `OperatorRunner`
 * against a cluster started for the test, creates and deletes a KopfExample, and checks what the
 * operator logged and stored — the way to test your operators.
 */
import * as kopf from 'kopf-ts';

kopf.on.create('kopfexamples', function createFn({ name, logger }) {
  // Log with the handler's logger, not console.log: the test reads the operator's log.
  logger.info('Something was logged here.');
  return { message: `${name} is handled` };
});
