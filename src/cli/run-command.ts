import { type Command, CommanderError, Option } from 'commander';
import type { EmbeddedCluster } from '../cluster/cluster.ts';
import type { LogFormat, LoggingOptions } from '../engine/logging.ts';
import type { OperatorOptions } from '../engine/operator.ts';
import { loadOperatorCode, OperatorLoadError } from '../kits/operator-code.ts';
import { enableTypeScriptFor } from './typescript-loader.ts';

const logFormats: readonly LogFormat[] = ['plain', 'full', 'json'];

/** The options of `kopf run` as commander parses them. */
export interface RunFlags {
  module: string[];
  namespace: string[];
  allNamespaces?: boolean;
  standalone?: boolean;
  verbose?: boolean;
  debug?: boolean;
  quiet?: boolean;
  logFormat: LogFormat;
  /** Undefined unless `--log-prefix` or `--no-log-prefix` is given: the format's own default then applies. */
  logPrefix?: boolean;
  logRefkey?: string;
  embedded?: boolean;
  liveness?: string;
  peering?: string;
  priority?: string;
  dev?: boolean;
}

/** What `kopf run` does, decided from its arguments before anything is loaded or started. */
export interface RunPlan {
  files: string[];
  modules: string[];
  /** For `configure()` of the engine's logging: `-v`/`-d` → debug, `-q` → warn, else info. */
  logging: Pick<LoggingOptions, 'level' | 'format' | 'prefix' | 'refkey'>;
  /** The operator's scope: `-A` → cluster-wide, `-n` → those namespace patterns, neither → the engine's fallback. */
  operator: Pick<OperatorOptions, 'clusterwide' | 'namespaces' | 'standalone' | 'liveness' | 'peering' | 'priority'>;
  /** Start the embedded cluster in this process and run against it. */
  embedded: boolean;
  /** Print stacks of load and fatal errors (`-v`/`-d`). */
  showStacks: boolean;
}

/** A command line that cannot be run as given; exits with 2, as Click's usage errors do. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Decides what to run from the parsed arguments; throws a `UsageError` for a command line that makes no sense. */
export function planRun(files: string[], flags: RunFlags): RunPlan {
  if (files.length === 0 && flags.module.length === 0) {
    throw new UsageError('nothing to run: give operator files or -m modules');
  }
  if (flags.allNamespaces && flags.namespace.length > 0) {
    throw new UsageError('-A/--all-namespaces and -n/--namespace cannot be used together');
  }
  const debug = Boolean(flags.verbose || flags.debug);
  const priority = flags.priority === undefined ? (flags.dev ? 666 : undefined) : Number(flags.priority);
  if (priority !== undefined && !Number.isInteger(priority)) throw new UsageError(`--priority must be an integer, not ${flags.priority}`);
  return {
    files,
    modules: flags.module,
    logging: {
      level: debug ? 'debug' : flags.quiet ? 'warn' : 'info',
      format: flags.logFormat,
      ...(flags.logPrefix === undefined ? {} : { prefix: flags.logPrefix }),
      ...(flags.logRefkey === undefined ? {} : { refkey: flags.logRefkey }),
    },
    operator: {
      ...(flags.allNamespaces ? { clusterwide: true } : {}),
      ...(flags.namespace.length > 0 ? { namespaces: flags.namespace } : {}),
      standalone: Boolean(flags.standalone),
      ...(flags.liveness === undefined ? {} : { liveness: flags.liveness }),
      ...(flags.peering === undefined ? {} : { peering: flags.peering }),
      ...(priority === undefined ? {} : { priority }),
    },
    embedded: Boolean(flags.embedded),
    showStacks: debug,
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `kopf run [files…]`: loads the operator code and runs the operator until SIGINT/SIGTERM. `execute`
 * is what runs a plan (tests pass their own). Usage errors, commander's included, end the command
 * with a `CommanderError` of exit code 2 after commander has printed the message.
 */
export function registerRunCommand(program: Command, execute: (plan: RunPlan) => Promise<void> = runOperator): void {
  program
    .command('run')
    .description('load operator files and modules and run the operator until interrupted')
    .argument('[files...]', 'operator files (.ts or .js), loaded in order')
    .option('-m, --module <module>', 'a module to load after the files (repeatable)', collect, [])
    .option('-n, --namespace <pattern>', 'serve namespaces matching the pattern, e.g. "prod-*" or "!kube-*" (repeatable)', collect, [])
    .option('-A, --all-namespaces', 'serve the whole cluster')
    .option('--standalone', 'run without peering with other operators')
    .option('-v, --verbose', 'log debug lines')
    .option('-d, --debug', 'log debug lines')
    .option('-q, --quiet', 'log warnings and errors only')
    .addOption(new Option('--log-format <format>', 'log line format').choices(logFormats).default('full'))
    .option('--log-prefix', 'prefix log messages with the object ([namespace/name])')
    .option('--no-log-prefix', 'no object prefix in log messages')
    .option('--log-refkey <key>', 'the JSON key of the object in --log-format=json')
    .option('--embedded', 'start the embedded Kubernetes API server in this process and run against it')
    .option('-P, --peering <name>', 'take part in this peering object (and wait for its CRD to exist)')
    .option('-p, --priority <number>', 'the priority among peers: higher pauses lower, equal pause each other')
    .option('--dev', 'priority 666: pause the operators deployed to the cluster while developing locally')
    .option('-L, --liveness <url>', 'serve the on.probe results for liveness probes, e.g. http://0.0.0.0:8080/healthz')
    .showHelpAfterError('(kopf run --help shows the usage)')
    .exitOverride((error) => {
      if (error.exitCode !== 0) throw new CommanderError(2, error.code, error.message);
    })
    .action(async (files: string[], flags: RunFlags, command: Command) => {
      let plan: RunPlan;
      try {
        plan = planRun(files, flags);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        command.error(`error: ${error.message}`, { exitCode: 2, code: 'kopf.usage' });
      }
      await execute(plan);
    });
}

/** Prints a failure as `kopf: <message>`, followed by the stack where it arose when asked. */
function reportFailure(error: unknown, showStacks: boolean): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  console.error(`kopf: ${failure.message}`);
  if (!showStacks) return;
  // A load error's own stack is the loader's; its cause's tells where the operator code failed.
  const origin = failure instanceof OperatorLoadError && failure.cause instanceof Error ? failure.cause : failure;
  if (origin.stack) console.error(origin.stack);
}

/**
 * Runs a plan in this process: logging, the operator code, the embedded cluster if asked, then the
 * operator until a graceful stop. Exits the process when done (0 after a graceful stop, 1 after a
 * load or fatal error): connections and timers left open must not keep a stopped operator alive.
 */
export async function runOperator(plan: RunPlan): Promise<void> {
  // The engine loads only for `kopf run`, so `kopf cluster` and `--help` stay quick.
  const { configure } = await import('../engine/logging.ts');
  configure(plan.logging);
  // Loaded before tsx's hooks (if any) exist, so that its modules do not cross the hooks' thread one by one.
  const embedded = plan.embedded ? (await import('../cluster/cluster.ts')).EmbeddedCluster : undefined;
  try {
    await enableTypeScriptFor(plan.files, plan.modules);
    await loadOperatorCode(plan.files, plan.modules);
  } catch (error) {
    reportFailure(error, plan.showStacks);
    process.exit(1);
  }

  const { run } = await import('../engine/operator.ts');
  const cluster = embedded ? await startEmbeddedCluster(embedded) : undefined;
  // Login handlers (`kopf.loginWithKubeconfig()`) and tools started by handlers find the embedded cluster too.
  if (cluster) process.env.KUBECONFIG = cluster.kubeconfigPath;
  try {
    await run({ ...plan.operator, ...(cluster ? { connection: { kubeconfig: cluster.kubeconfigPath } } : {}) });
  } catch (error) {
    reportFailure(error, plan.showStacks);
    process.exitCode = 1;
  } finally {
    await cluster?.stop();
  }
  process.exit();
}

/** Starts the cluster of `kopf run --embedded` (its class is loaded only then: an operator of a real cluster needs none of it). */
async function startEmbeddedCluster(Cluster: typeof EmbeddedCluster): Promise<EmbeddedCluster> {
  const started = Date.now();
  // Pods run in simulation, as with `kopf cluster`: operators of pods see them scheduled, running, crashing.
  const cluster = await Cluster.start({ runPods: true });
  console.log(`Embedded Kubernetes API server (v1.32) at ${cluster.url}, ready in ${Date.now() - started} ms.`);
  console.log(`Kubeconfig: ${cluster.kubeconfigPath}`);
  console.log(`Try: kubectl --kubeconfig ${cluster.kubeconfigPath} get kopfexamples`);
  return cluster;
}
