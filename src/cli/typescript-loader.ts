/**
 * tsx's loader hooks for `kopf run`, registered only when the operator code may be TypeScript. The
 * hooks run on a thread of their own, which holds some 45 MiB for the life of the process and makes
 * every later import cross it: an operator written (or built) as JavaScript does not pay for them.
 */

/** Set once the hooks are registered in this process (`bin/kopf.js` registers them to run kopf-ts's own sources). */
const registered = Symbol.for('kopf-ts.tsx-registered');
const javascriptFile = /\.[cm]?js$/;

/** Registers tsx unless every operator file is JavaScript (modules may resolve to anything, so they count as TypeScript). */
export async function enableTypeScriptFor(files: readonly string[], modules: readonly string[]): Promise<void> {
  const holder = globalThis as { [registered]?: boolean };
  if (holder[registered] || (modules.length === 0 && files.every((file) => javascriptFile.test(file)))) return;
  const { register } = await import('tsx/esm/api');
  register();
  holder[registered] = true;
}
