import { Command } from 'commander';
import { registerClusterCommand } from './cluster-command.ts';

const program = new Command();
program.name('kopf').description('kopf-ts: Kubernetes operators in TypeScript').version('0.1.0');
registerClusterCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`kopf: ${(error as Error).message}`);
  process.exit(1);
}
