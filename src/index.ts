/**
 * kopf-ts: a Kubernetes operator framework for TypeScript.
 *
 * The operator API (`kopf.on.*`, `kopf.operator()` …) lands with the engine;
 * until then the package exposes the embedded cluster through `kopf-ts/testing`
 * and the `kopf cluster` command.
 */
export const version = '0.1.0';
