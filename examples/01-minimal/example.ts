/**
 * The smallest operator: one handler for new KopfExample objects. What it returns becomes the
 * object's `status.createFn`.
 */
import * as kopf from 'kopf-ts';

kopf.on.create('kopfexamples', function createFn({ spec }) {
  console.log(`And here we are! Creating: ${JSON.stringify(spec)}`);
  return { message: 'hello world' };
});
