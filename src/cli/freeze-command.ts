/**
 * `kopf freeze` and `kopf resume`: pausing the operators of a peering object by hand, and letting them go
 * on. `freeze` writes a peer record of its own (priority 100 unless told) into the peering object, the
 * same record a running operator keeps there, so every operator of lower priority sees a live peer above
 * it and pauses until the record expires after `--lifetime` seconds. `resume` removes the record at once.
 */
import { type Command, CommanderError, Option } from 'commander';
import { namespaceScope, type NamespaceScope } from '../core/namespace-patterns.ts';
import { UsageError } from './run-command.ts';

/** The options of `kopf freeze` as commander parses them. */
export interface FreezeFlags {
  namespace: string[];
  allNamespaces?: boolean;
  id?: string;
  peering: string;
  priority?: string;
  dev?: boolean;
  lifetime: string;
  /** Accepted as Kopf accepts it; neither Kopf nor kopf-ts writes it anywhere. */
  message?: string;
}

/** The options of `kopf resume` as commander parses them. */
export interface ResumeFlags {
  namespace: string[];
  allNamespaces?: boolean;
  id?: string;
  peering: string;
}

/** What `kopf freeze` or `kopf resume` writes, and where. */
export interface PeeringPlan {
  /** The peering object's name. */
  peering: string;
  /** The record's key; undefined: `POD_ID`, else `user@host` (`manualPeeringIdentity()`). */
  identity?: string;
  /** Cluster-wide: the `ClusterKopfPeering`; else the `KopfPeering` in each namespace the patterns match. */
  scope: NamespaceScope;
  /** Neither `-n` nor `-A` was given: cluster-wide, with Kopf's warning. */
  scopeDefaulted: boolean;
  /** The record's priority (none is written when the lifetime is 0). */
  priority: number;
  /** Seconds the record stays valid; 0 removes it. */
  lifetime: number;
}

/** Kopf's priority of `kopf freeze` without `-p` or `--dev`: above operators' default 0, below `--dev`'s 666. */
const defaultFreezePriority = 100;

function parseInteger(option: string, value: string, minimum = -Infinity): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < minimum) {
    throw new UsageError(`${option} must be ${minimum === 0 ? 'a whole number of 0 or more' : 'an integer'}, not ${value}`);
  }
  return number;
}

function planScope(flags: { namespace: string[]; allNamespaces?: boolean }): Pick<PeeringPlan, 'scope' | 'scopeDefaulted'> {
  if (flags.allNamespaces && flags.namespace.length > 0) {
    throw new UsageError('-A/--all-namespaces and -n/--namespace cannot be used together');
  }
  try {
    return { scope: namespaceScope({ clusterwide: flags.allNamespaces, namespaces: flags.namespace }), scopeDefaulted: !flags.allNamespaces && flags.namespace.length === 0 };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Decides what `kopf freeze` writes; throws a `UsageError` for a command line that makes no sense. */
export function planFreeze(flags: FreezeFlags): PeeringPlan {
  const priority = flags.priority === undefined ? (flags.dev ? 666 : defaultFreezePriority) : parseInteger('--priority', flags.priority);
  return {
    peering: flags.peering,
    ...(flags.id === undefined ? {} : { identity: flags.id }),
    ...planScope(flags),
    priority,
    lifetime: parseInteger('--lifetime', flags.lifetime, 0),
  };
}

/** Decides what `kopf resume` removes; throws a `UsageError` for a command line that makes no sense. */
export function planResume(flags: ResumeFlags): PeeringPlan {
  return {
    peering: flags.peering,
    ...(flags.id === undefined ? {} : { identity: flags.id }),
    ...planScope(flags),
    priority: 0,
    lifetime: 0,
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** What a plan is run with: by default, connecting to the cluster as `kopf run` does and writing there. */
export type PeeringPlanExecutor = (plan: PeeringPlan) => Promise<void>;

async function runInCluster(plan: PeeringPlan): Promise<void> {
  // The client loads only for these commands, so `kopf --help` and the other commands stay quick.
  const { runPeeringPlan } = await import('./manual-peering.ts');
  await runPeeringPlan(plan);
}

/** Adds the options both commands share, and their handling of usage errors (exit code 2, as Click's). */
function peeringCommand(program: Command, name: string, description: string): Command {
  const env = `KOPF_${name.toUpperCase()}_PEERING`;
  return program
    .command(name)
    .description(description)
    .option('-n, --namespace <pattern>', 'the KopfPeering objects in the namespaces matching the pattern (repeatable)', collect, [])
    .option('-A, --all-namespaces', 'the ClusterKopfPeering object (of cluster-wide operators)')
    .option('-i, --id <identity>', 'the key of the record (default: $POD_ID, else user@host)')
    .addOption(new Option('-P, --peering <name>', 'the peering object').env(env).makeOptionMandatory())
    .showHelpAfterError(`(kopf ${name} --help shows the usage)`)
    .exitOverride((error) => {
      if (error.exitCode !== 0) throw new CommanderError(2, error.code, error.message);
    });
}

/** Runs a planning function on the parsed flags; a `UsageError` ends the command with exit code 2. */
function planned<F>(plan: (flags: F) => PeeringPlan, execute: PeeringPlanExecutor) {
  return async (flags: F, command: Command) => {
    let decided: PeeringPlan;
    try {
      decided = plan(flags);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      command.error(`error: ${error.message}`, { exitCode: 2, code: 'kopf.usage' });
    }
    await execute(decided);
  };
}

/**
 * `kopf freeze -P NAME -t SECONDS` and `kopf resume -P NAME`: writes, or removes, a record of priority 100
 * (`-p`, `--dev`: 666) that pauses the operators of lower priority in that peering object. `execute` is what
 * runs a plan (tests pass their own).
 */
export function registerFreezeCommands(program: Command, execute: PeeringPlanExecutor = runInCluster): void {
  peeringCommand(program, 'freeze', 'pause the operators of lower priority in a peering object for a while')
    .addOption(new Option('-t, --lifetime <seconds>', 'how long the pause lasts unless resumed earlier').makeOptionMandatory())
    .option('-p, --priority <number>', `the priority of the pause (default ${defaultFreezePriority})`)
    .option('--dev', 'priority 666, the priority of `kopf run --dev`')
    .option('-m, --message <text>', 'accepted for compatibility with Kopf, and not written anywhere')
    .action(planned(planFreeze, execute));
  peeringCommand(program, 'resume', 'remove the pause that `kopf freeze` set').action(planned(planResume, execute));
}
