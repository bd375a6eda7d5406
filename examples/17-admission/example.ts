/**
 * Admission webhooks: the API server asks the operator before it stores a KopfExample. The validator
 * refuses a forbidden value and warns about an empty list; the mutator labels every new object. The
 * operator serves them over HTTPS on loopback (a CA generated at start) and keeps the webhook
 * configurations named `auto.kopf.dev` pointing at itself.
 */
import * as kopf from 'kopf-ts';

kopf.on.startup(function configureAdmission({ settings }) {
  // The API server runs on this machine here (`kopf cluster` or a local control plane): loopback reaches us.
  settings.admission.server = kopf.WebhookServer({ addr: '127.0.0.1' });
  settings.admission.managed = 'auto.kopf.dev';
});

kopf.on.validate('kopfexamples', function checkField({ spec, warnings, dryrun, logger }) {
  const { field, items } = spec as { field?: string; items?: unknown[] };
  if (!items?.length) warnings.push('spec.items is empty: this example will do nothing');
  if (field === 'forbidden') {
    logger.info(`Refusing spec.field=${JSON.stringify(field)}${dryrun ? ' (dry run)' : ''}.`);
    throw new kopf.AdmissionError('spec.field must not be "forbidden"', { code: 422 });
  }
});

kopf.on.mutate('kopfexamples', { operations: ['CREATE'] }, function labelNewObjects({ patch }) {
  patch.labels['admitted-by'] = 'kopf-ts';
});
