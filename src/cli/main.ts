import { Command, CommanderError } from 'commander';
import { version } from '../core/version.ts';
import { registerClusterCommand } from './cluster-command.ts';
import { registerFreezeCommands } from './freeze-command.ts';
import { registerManifestsCommand } from './manifests-command.ts';
import { registerRunCommand } from './run-command.ts';

const program = new Command();
program.name('kopf').description('kopf-ts: Kubernetes operators in TypeScript').version(version);
registerClusterCommand(program);
registerRunCommand(program);
registerFreezeCommands(program);
registerManifestsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has printed its own errors (usage errors of `kopf run`); only the exit code is left.
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`kopf: ${(error as Error).message}`);
  process.exit(1);
}
