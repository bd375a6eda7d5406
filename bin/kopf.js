#!/usr/bin/env node
// The CLI is written in TypeScript and run through tsx, so operator files
// given to `kopf run` load the same way: no build step anywhere.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
