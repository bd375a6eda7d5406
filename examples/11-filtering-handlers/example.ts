/**
 * Filters: which objects and changes a handler applies to, beyond its resource. Each handler logs a line
 * when it runs; for `examples/obj.yaml` (label `somelabel=somevalue`, annotation
 * `someannotation=somevalue`, `spec.field: value`) those whose lines say "not satisfied" or "mismatch"
 * never run.
 */
import * as kopf from 'kopf-ts';

type Context = kopf.FilterContext<kopf.ChangingContext>;

// Callbacks for label and annotation values get the value (undefined when absent) and the context.
const sayYes = (value: string | undefined, { spec }: Context) => value === 'somevalue' && spec.field !== undefined;
const sayNo = (value: string | undefined, { spec }: Context) => value === 'somevalue' && spec.field === 'not-this-value-for-sure';

// Predicates for `when`, to combine with kopf.all/any/none/not.
const isLabelled = ({ labels }: Context) => labels.somelabel === 'somevalue';
const hasField = ({ spec }: Context) => spec.field !== undefined;

kopf.on.create('kopfexamples', { labels: { somelabel: 'somevalue' } }, function createWithLabelsMatching({ logger }) {
  logger.info('Label is matching.');
});

kopf.on.create('kopfexamples', { labels: { somelabel: kopf.PRESENT } }, function createWithLabelsPresent({ logger }) {
  logger.info('Label is present.');
});

kopf.on.create('kopfexamples', { labels: { nonexistent: kopf.ABSENT } }, function createWithLabelsAbsent({ logger }) {
  logger.info('Label is absent.');
});

kopf.on.create('kopfexamples', { labels: { somelabel: sayYes } }, function createWithLabelsCallbackMatching({ logger }) {
  logger.info('Label callback matching.');
});

kopf.on.create('kopfexamples', { annotations: { someannotation: 'somevalue' } }, function createWithAnnotationsMatching({ logger }) {
  logger.info('Annotation is matching.');
});

kopf.on.create('kopfexamples', { annotations: { someannotation: kopf.PRESENT } }, function createWithAnnotationsPresent({ logger }) {
  logger.info('Annotation is present.');
});

kopf.on.create('kopfexamples', { annotations: { nonexistent: kopf.ABSENT } }, function createWithAnnotationsAbsent({ logger }) {
  logger.info('Annotation is absent.');
});

kopf.on.create('kopfexamples', { annotations: { someannotation: sayNo } }, function createWithAnnotationsCallbackMismatching({ logger }) {
  logger.info('Annotation callback mismatch.');
});

kopf.on.create('kopfexamples', { when: () => true }, function createWithFilterSatisfied({ logger }) {
  logger.info('Filter satisfied.');
});

kopf.on.create('kopfexamples', { when: () => false }, function createWithFilterNotSatisfied({ logger }) {
  logger.info('Filter not satisfied.');
});

kopf.on.create('kopfexamples', { when: kopf.all([isLabelled, hasField]) }, function createWithAllSatisfied({ logger }) {
  logger.info('Combined filter all() is satisfied.');
});

kopf.on.create('kopfexamples', { when: kopf.any([kopf.not(isLabelled), hasField]) }, function createWithAnySatisfied({ logger }) {
  logger.info('Combined filter any() is satisfied.');
});

kopf.on.create('kopfexamples', { when: kopf.none([isLabelled, hasField]) }, function createWithNoneNotSatisfied({ logger }) {
  logger.info('Combined filter none() is not satisfied.');
});

kopf.on.create('kopfexamples', { when: kopf.not(hasField) }, function createWithNotNotSatisfied({ logger }) {
  logger.info('Combined filter not() is not satisfied.');
});

kopf.on.create('kopfexamples', { field: 'spec.field', value: 'value' }, function createWithFieldValueSatisfied({ logger }) {
  logger.info('Field value is satisfied.');
});

kopf.on.create('kopfexamples', { field: 'spec.field', value: 'something-else' }, function createWithFieldValueNotSatisfied({ logger }) {
  logger.info('Field value is not satisfied.');
});

kopf.on.create('kopfexamples', { field: 'spec.field', value: kopf.PRESENT }, function createWithFieldPresenceSatisfied({ logger }) {
  logger.info('Field presence is satisfied.');
});

kopf.on.create('kopfexamples', { field: 'spec.inexistent', value: kopf.PRESENT }, function createWithFieldPresenceNotSatisfied({ logger }) {
  logger.info('Field presence is not satisfied.');
});

kopf.on.update('kopfexamples', { field: 'spec.field', old: 'value', new: 'changed' }, function updateWithFieldChangeSatisfied({ logger }) {
  logger.info('Field change is satisfied.');
});

// Runs while `spec.field` is `value`: a change of the field stops it.
kopf.on.daemon('kopfexamples', { field: 'spec.field', value: 'value' }, async function daemonWithField({ stopped, logger }) {
  while (!stopped.isSet) {
    logger.info('Field daemon is satisfied.');
    await stopped.wait(1);
  }
});
