/**
 * Several handlers for one resource: two for resuming, two for creation, one for updates, two for
 * deletion, and one for changes of `spec.field`. Handlers of one cause run in the order registered.
 */
import * as kopf from 'kopf-ts';

kopf.on.resume('kopfexamples', function resumeFn1() {
  console.log('RESUMED 1st');
});

kopf.on.create('kopfexamples', function createFn1() {
  console.log('CREATED 1st');
});

kopf.on.resume('kopfexamples', function resumeFn2() {
  console.log('RESUMED 2nd');
});

kopf.on.create('kopfexamples', function createFn2() {
  console.log('CREATED 2nd');
});

kopf.on.update('kopfexamples', function updateFn({ diff }) {
  console.log(`UPDATED: ${diff.map(([operation, field]) => `${operation} ${field.join('.')}`).join(', ')}`);
});

// Delete handlers are mandatory unless `optional: true`: the object gets a finalizer, and its
// deletion waits until both have succeeded.
kopf.on.delete('kopfexamples', function deleteFn1() {
  console.log('DELETED 1st');
});

kopf.on.delete('kopfexamples', function deleteFn2() {
  console.log('DELETED 2nd');
});

// Runs on every cause that changes `spec.field` — creation included, when the field is set.
kopf.on.field('kopfexamples', { field: 'spec.field' }, function fieldFn({ old, new: value }) {
  console.log(`FIELD CHANGED: ${JSON.stringify(old)} -> ${JSON.stringify(value)}`);
});
