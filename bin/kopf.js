#!/usr/bin/env node
// The CLI is written in TypeScript and run through tsx, so operator files
// given to `kopf run` load the same way: no build step anywhere.
//
// tsx's loader hooks run on a separate thread and every module import crosses
// it, which makes large plain-JS dependencies slow to load through them
// (@kubernetes/client-node alone: ~1 s plain, ~4 s hooked). So the heavy
// third-party modules are loaded first, before the hooks exist; later imports
// of them hit the module cache. The client is only needed by `kopf run`.
import { register } from 'tsx/esm/api';

const preloaded = ['undici', 'pino', 'yaml', 'commander'];
if (process.argv[2] === 'run') preloaded.push('@kubernetes/client-node');
await Promise.all(preloaded.map((name) => import(name)));

register();
await import('../src/cli/main.ts');
