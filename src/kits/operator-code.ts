/**
 * Loading the user's operator code, for `kopf run` and the test runner: importing a file runs its
 * `kopf.on.*` calls, which register the handlers into the default registry the engine then serves.
 * `bin/kopf.js` has registered tsx, so `.ts` files load as they are, with no build step.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Operator code that could not be loaded; the message is worded for the user, the cause kept for `-v`. */
export class OperatorLoadError extends Error {
  override name = 'OperatorLoadError';
}

/**
 * Imports the operator files in the order given, then the modules. Files are paths relative to `cwd`;
 * modules are package names or paths, resolved from `cwd` as `require.resolve` does there (so a
 * package must be installed where the command runs). Stops at the first failure with an
 * `OperatorLoadError`: `no such operator file: <path>` or `cannot load <path>: <message>`.
 */
export async function loadOperatorCode(
  files: readonly string[],
  modules: readonly string[],
  { cwd = process.cwd(), query = '' }: { cwd?: string; query?: string } = {},
): Promise<void> {
  for (const file of files) {
    const path = resolve(cwd, file);
    if (!existsSync(path)) throw new OperatorLoadError(`no such operator file: ${file}`);
    await importOperatorCode(file, path, query);
  }
  // Any file name inside `cwd` makes a resolver that starts there; the file need not exist.
  const resolver = createRequire(join(cwd, 'kopf-run.js'));
  for (const module of modules) {
    let path: string;
    try {
      path = resolver.resolve(module);
    } catch (error) {
      throw loadError(module, error);
    }
    await importOperatorCode(module, path, query);
  }
}

/** `query` (e.g. `?kopf-runner=2`) makes a URL of its own, so a file already imported is evaluated again. */
async function importOperatorCode(label: string, path: string, query: string): Promise<void> {
  try {
    await import(pathToFileURL(path).href + query);
  } catch (error) {
    throw loadError(label, error);
  }
}

function loadError(label: string, error: unknown): OperatorLoadError {
  return new OperatorLoadError(`cannot load ${label}: ${errorText(error)}${moduleHint(error)}`, { cause: error });
}

/**
 * What Node says when a file written as an ES module is loaded as CommonJS (a `.ts` file without
 * `"type": "module"` in its package.json) names neither the cause nor the remedy.
 */
function moduleHint(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const asCommonJs = /Cannot require\(\) ES Module .* in a cycle|Cannot use import statement outside a module|Unexpected token 'export'/.test(message);
  return asCommonJs ? ' — the file was loaded as CommonJS: name it .mts, or set "type": "module" in the package.json beside it' : '';
}

/**
 * The error's message, with the place of a syntax error when only the stack has it: esbuild's
 * messages (ES modules) name `file:line:col` themselves, V8's (CommonJS) put `file:line` first in
 * the stack instead.
 */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const place = error instanceof SyntaxError ? /^(.+:\d+)\n/.exec(error.stack ?? '')?.[1] : undefined;
  return place ? `${error.message} (${place})` : error.message;
}
