#!/usr/bin/env node
// Two ways to run, decided by how `kopf-ts` resolves here (package.json's exports):
// - as installed: dist/, the JavaScript `npm run build` compiled (run by `npm install`);
// - this repository's tests, which set the `kopf-ts-source` condition: src/ through tsx, no build step.
//
// tsx's loader hooks run on a separate thread and every module import crosses it, which makes
// large plain-JS dependencies slow to load through them (@kubernetes/client-node alone: ~1 s plain,
// ~4 s hooked). So what a command needs is loaded first, before any hooks exist; later imports of it
// hit the module cache. Compiled, `kopf run` registers the hooks itself, and only for TypeScript
// operator files (src/cli/typescript-loader.ts); it loads the one-file bundle of client-node's parts
// that the build makes (src/client/client-node.ts), never the whole package.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = import.meta.resolve('kopf-ts');
const compiled = entry.endsWith('.js') && existsSync(fileURLToPath(entry));
const running = process.argv[2] === 'run';

if (compiled) {
  if (running) await Promise.all([entry, '../dist/client/client-node.js'].map((name) => import(name)));
  await import('../dist/cli/main.js');
} else {
  const connecting = running || process.argv[2] === 'freeze' || process.argv[2] === 'resume';
  const preloaded = ['undici', 'pino', 'yaml', 'commander', ...(connecting ? ['@kubernetes/client-node'] : [])];
  await Promise.all(preloaded.map((name) => import(name)));
  const { register } = await import('tsx/esm/api');
  register();
  globalThis[Symbol.for('kopf-ts.tsx-registered')] = true;
  await import('../src/cli/main.ts');
}
