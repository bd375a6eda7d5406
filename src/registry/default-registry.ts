/**
 * The default registry behind `kopf.on.*` (and the engine's, when `kopf.operator()` gets none).
 * `kopf.on` looks the default up at each call, so replacing it (`setDefaultRegistry(new Registry())`,
 * e.g. between tests) redirects later registrations.
 *
 * It lives on `globalThis` under a registered symbol rather than in this module: an operator file may
 * import its own copy of kopf-ts (the user's `node_modules`) while the `kopf` command runs another,
 * and both copies must see the one registry the engine reads.
 */
import { createOn, type On } from './on.ts';
import { Registry } from './registry.ts';

const DEFAULT_REGISTRY = Symbol.for('kopf-ts.default-registry');

const shared = globalThis as { [DEFAULT_REGISTRY]?: Registry };

/** The registry `kopf.on.*` registers into. */
export function getDefaultRegistry(): Registry {
  return (shared[DEFAULT_REGISTRY] ??= new Registry());
}

/** Makes `registry` the one `kopf.on.*` registers into from now on. */
export function setDefaultRegistry(registry: Registry): void {
  shared[DEFAULT_REGISTRY] = registry;
}

/** `kopf.on.<kind>(...selector, [options], handler)`, registering into the default registry. */
export const on: On = createOn((handler) => getDefaultRegistry().add(handler));
