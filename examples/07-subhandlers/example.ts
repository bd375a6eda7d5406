/**
 * Sub-handlers decided at run time: one per item of `spec.items`. Each is tracked, retried and
 * reported like any handler, with the id `createFn/<item>`; `createFn` succeeds once they all have.
 */
import * as kopf from 'kopf-ts';

/** The part of a KopfExample this operator reads. */
interface KopfExample {
  apiVersion: 'kopf.dev/v1';
  kind: 'KopfExample';
  spec?: { items?: string[] };
}

kopf.on.create<KopfExample>('kopfexamples', function createFn({ spec }) {
  for (const item of spec.items ?? []) {
    kopf.subhandler({ id: item }, function createItemFn() {
      console.log(`=== Handling creation for ${item}. ===`);
    });
  }
});
