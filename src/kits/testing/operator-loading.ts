/**
 * Loading operator code for a test runner, as `kopf run` loads it (`../operator-code.ts`), but into a
 * registry of the runner's own, and afresh for every runner.
 *
 * `kopf.on.*` registers into the default registry, so the loader makes the runner's registry the
 * default while the code is imported, and puts the previous one back afterwards. Loads are serialized:
 * two runners starting at once must not see each other's registry.
 *
 * ES modules are evaluated once per URL, so importing a file a second time would register nothing.
 * Each load therefore imports the files and modules under a URL of its own (a `?kopf-runner=N` query),
 * which evaluates them again. Only the named files and modules get this: what they import themselves is
 * shared and cached as usual, and CommonJS modules are cached by path whatever the URL, so their
 * `kopf.on.*` calls run for the first runner only.
 */
import { getDefaultRegistry, setDefaultRegistry } from '../../registry/default-registry.ts';
import type { Registry } from '../../registry/registry.ts';
import { loadOperatorCode as importOperatorCode } from '../operator-code.ts';

let loads = 0;
let previousLoad: Promise<unknown> = Promise.resolve();

/**
 * Imports the files (paths relative to `cwd`), then the modules (package names or paths resolved from
 * `cwd`), registering their handlers into `registry`; fails as `kopf run` does at the first file or
 * module that is missing or throws.
 */
export function loadOperatorCode(registry: Registry, files: readonly string[], modules: readonly string[], cwd = process.cwd()): Promise<void> {
  const loading = previousLoad.then(async () => {
    const previous = getDefaultRegistry();
    setDefaultRegistry(registry);
    try {
      await importOperatorCode(files, modules, { cwd, query: `?kopf-runner=${++loads}` });
    } finally {
      setDefaultRegistry(previous);
    }
  });
  previousLoad = loading.catch(() => undefined);
  return loading;
}
