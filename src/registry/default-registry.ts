/**
 * The default registry behind `kopf.on.*` (and the engine's, when `kopf.operator()` gets none).
 * `kopf.on` looks the default up at each call, so replacing it (`setDefaultRegistry(new Registry())`,
 * e.g. between tests) redirects later registrations.
 */
import { createOn, type On } from './on.ts';
import { Registry } from './registry.ts';

let defaultRegistry = new Registry();

/** The registry `kopf.on.*` registers into. */
export function getDefaultRegistry(): Registry {
  return defaultRegistry;
}

/** Makes `registry` the one `kopf.on.*` registers into from now on. */
export function setDefaultRegistry(registry: Registry): void {
  defaultRegistry = registry;
}

/** `kopf.on.<kind>(...selector, [options], handler)`, registering into the default registry. */
export const on: On = createOn((handler) => defaultRegistry.add(handler));
