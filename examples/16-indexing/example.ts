/**
 * Indexes: in-memory lookup tables that the operator keeps up to date from the objects it watches, read by
 * any handler without asking the API server. Two indexes of pods — whether each is running, and which pods
 * carry each label — are read by two probes (served at the liveness endpoint) and by a timer that writes
 * the running pods into every KopfExample's status.
 */
import * as kopf from 'kopf-ts';

/** `isRunning`: under `<namespace>/<name>`, whether that pod runs. */
type IsRunning = kopf.Index<string, boolean>;
/** `byLabel`: under `<label>=<value>`, the names of the pods with that label. */
type ByLabel = kopf.Index<string, string>;

kopf.on.index('pods', function isRunning({ namespace, name, status }) {
  return { [`${namespace}/${name}`]: status.phase === 'Running' };
});

kopf.on.index('pods', function byLabel({ labels, name }) {
  return Object.fromEntries(Object.entries(labels).map(([label, value]) => [`${label}=${value}`, name]));
});

kopf.on.probe(function podCount({ indexes }) {
  return (indexes.isRunning as IsRunning).size;
});

kopf.on.probe(function podNames({ indexes }) {
  return [...(indexes.isRunning as IsRunning).keys()].map((key) => key.split('/')[1]);
});

kopf.on.timer('kex', { interval: 1 }, function intervalled({ indexes, patch, logger }) {
  const byLabel = indexes.byLabel as ByLabel;
  logger.info(`Pods by label: ${JSON.stringify(Object.fromEntries([...byLabel].map(([key, names]) => [key, [...names]])))}`);
  patch.status['running-pods'] = [...(indexes.isRunning as IsRunning)]
    .filter(([key, running]) => ['kube-system', 'default'].includes(key.split('/')[0]) && running.has(true))
    .map(([key]) => key.replace('/', '::'));
});
