/**
 * kopf-ts/testing: clusters for tests.
 *
 * `startCluster()` gives an embedded Kubernetes API server on a loopback
 * port (or, with `{ backend: 'real' }`, a real control plane), with a
 * kubeconfig and helpers to apply YAML, read objects and wait for conditions.
 */
export { startCluster, defaultBackend, type StartClusterOptions } from './kits/testing/start-cluster.ts';
export type { TestCluster, KubeObject, RawResponse, WaitOptions } from './kits/testing/test-cluster.ts';
export { EmbeddedCluster, type EmbeddedClusterOptions } from './cluster/cluster.ts';
export type { FaultSettings } from './cluster/faults.ts';
export { OperatorRunner, type OperatorRunnerOptions, type OperatorRunnerStopOptions, type OperatorRunnerOutcome } from './kits/testing/operator-runner.ts';
