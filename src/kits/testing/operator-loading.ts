/**
 * Loading operator code for a test runner, as `kopf run` loads it — files relative to the working
 * directory, then modules resolved from there — but into a registry of the runner's own, and afresh for
 * every runner.
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
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getDefaultRegistry, setDefaultRegistry } from '../../registry/default-registry.ts';
import type { Registry } from '../../registry/registry.ts';

let loads = 0;
let previousLoad: Promise<unknown> = Promise.resolve();

/**
 * Imports the files (paths relative to `cwd`), then the modules (package names or paths resolved from
 * `cwd`), registering their handlers into `registry`. Fails at the first file or module that is missing
 * or throws, with an error that names it (`no such operator file: …`, `cannot load …: …`) and keeps the
 * original error as its cause.
 */
export function loadOperatorCode(registry: Registry, files: readonly string[], modules: readonly string[], cwd = process.cwd()): Promise<void> {
  const loading = previousLoad.then(() => loadInto(registry, files, modules, cwd));
  previousLoad = loading.catch(() => undefined);
  return loading;
}

async function loadInto(registry: Registry, files: readonly string[], modules: readonly string[], cwd: string): Promise<void> {
  const query = `?kopf-runner=${++loads}`;
  const previous = getDefaultRegistry();
  setDefaultRegistry(registry);
  try {
    for (const file of files) {
      const path = resolve(cwd, file);
      if (!existsSync(path)) throw new Error(`no such operator file: ${file}`);
      await importFresh(file, path, query);
    }
    // Any file name inside `cwd` makes a resolver that starts there; the file need not exist.
    const resolver = createRequire(join(cwd, 'kopf-runner.js'));
    for (const module of modules) {
      let path: string;
      try {
        path = resolver.resolve(module);
      } catch (error) {
        throw loadError(module, error);
      }
      await importFresh(module, path, query);
    }
  } finally {
    setDefaultRegistry(previous);
  }
}

async function importFresh(label: string, path: string, query: string): Promise<void> {
  try {
    await import(pathToFileURL(path).href + query);
  } catch (error) {
    throw loadError(label, error);
  }
}

function loadError(label: string, error: unknown): Error {
  return new Error(`cannot load ${label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
