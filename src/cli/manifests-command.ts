import { readFileSync } from 'node:fs';
import { type Command, CommanderError } from 'commander';
import type { Api } from '../client/api.ts';
import type { Resource } from '../core/resource-selector.ts';
import { buildManifests, ManifestsError, type ManifestsOptions } from '../kits/manifests.ts';
import { loadOperatorCode, OperatorLoadError } from '../kits/operator-code.ts';
import { getDefaultRegistry } from '../registry/default-registry.ts';
import { enableTypeScriptFor } from './typescript-loader.ts';

/** The options of `kopf manifests` as commander parses them. */
export interface ManifestsFlags {
  module: string[];
  namespace: string[];
  allNamespaces?: boolean;
  standalone?: boolean;
  peering?: string;
  name: string;
  image?: string;
  namespaceOfDeployment: string;
  crd: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A command line that cannot be served; commander prints it and exits with 2, as `kopf run` does. */
class UsageError extends Error {
  override name = 'UsageError';
}

/** The builder's options from the flags; throws a `UsageError` for a command line that makes no sense. */
export function manifestsOptions(files: string[], flags: ManifestsFlags): ManifestsOptions {
  if (files.length === 0 && flags.module.length === 0) throw new UsageError('nothing to deploy: give operator files or -m modules');
  if (flags.allNamespaces && flags.namespace.length > 0) throw new UsageError('-A/--all-namespaces and -n/--namespace cannot be used together');
  if (flags.standalone && flags.peering !== undefined) throw new UsageError('--standalone and -P/--peering cannot be used together');
  return {
    name: flags.name,
    namespace: flags.namespaceOfDeployment,
    image: flags.image ?? `${flags.name}:latest`,
    files,
    modules: flags.module,
    namespaces: flags.namespace,
    standalone: Boolean(flags.standalone),
    ...(flags.peering === undefined ? {} : { peering: flags.peering }),
  };
}

/**
 * The resources selectors resolve against: those of the cluster `kopf run` would connect to (kubeconfig,
 * in-cluster …), or, with `--crd` files, those of an embedded cluster started here with those CRDs
 * (the built-in resources of Kubernetes 1.32 and the custom ones), so no cluster is needed.
 */
async function discoverResources(crdFiles: readonly string[], groups: Set<string> | undefined): Promise<Resource[]> {
  const { connect } = await import('../client/api.ts');
  const wanted = groups && new Set([...groups, 'kopf.dev']);
  if (crdFiles.length === 0) {
    const api = await connect();
    try {
      return await api.discovery.resources(wanted);
    } finally {
      await api.close();
    }
  }
  const [{ EmbeddedCluster }, { parseAllDocuments }] = await Promise.all([import('../cluster/cluster.ts'), import('yaml')]);
  const cluster = await EmbeddedCluster.start({ runPods: false });
  let api: Api | undefined;
  try {
    api = await connect({ kubeconfig: cluster.kubeconfigPath });
    for (const file of crdFiles) {
      for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
        if (document.errors.length) throw new ManifestsError(`${file} is not valid YAML: ${document.errors[0].message}`);
        const crd = document.toJSON() as { kind?: string } | null;
        if (crd === null) continue;
        if (crd.kind !== 'CustomResourceDefinition') throw new ManifestsError(`${file} holds a ${crd.kind ?? 'document without a kind'}, not a CustomResourceDefinition`);
        await api.create(crd as never);
      }
    }
    return await api.discovery.resources(wanted);
  } finally {
    await api?.close();
    await cluster.stop();
  }
}

/** Prints the objects as one multi-document YAML stream; resolves once it is written. */
// yaml loads only for this command: every `kopf` command (`kopf run` too) registers this one.
async function printManifests(objects: readonly object[]): Promise<void> {
  const { stringify } = await import('yaml');
  const text = objects.map((object) => stringify(object, { aliasDuplicateObjects: false })).join('---\n');
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

/**
 * `kopf manifests [files…]`: loads the operator code as `kopf run` does, resolves its handlers'
 * resources, and prints the ServiceAccount, RBAC and Deployment to run it in a cluster. Usage errors
 * exit with 2; code that does not load, selectors that would not be served and clusters that cannot
 * be reached exit with 1.
 */
export function registerManifestsCommand(program: Command): void {
  program
    .command('manifests')
    .description('print the ServiceAccount, RBAC rules and Deployment that run the operator in a cluster')
    .argument('[files...]', 'operator files (.ts or .js), loaded in order, as `kopf run` takes them')
    .option('-m, --module <module>', 'a module to load after the files (repeatable)', collect, [])
    .option('-n, --namespace <pattern>', 'serve namespaces matching the pattern (repeatable); plain names get a Role each', collect, [])
    .option('-A, --all-namespaces', 'serve the whole cluster (the default when no -n is given)')
    .option('--standalone', 'run without peering with other operators (no peering permissions)')
    .option('-P, --peering <name>', 'take part in this peering object')
    .option('--name <name>', 'the name of the ServiceAccount, roles, bindings and Deployment', 'kopf-operator')
    .option('--image <image>', 'the container image with the operator code and kopf-ts installed (default: <name>:latest)')
    .option('--namespace-of-deployment <namespace>', 'the namespace of the ServiceAccount and Deployment', 'default')
    .option('--crd <file>', 'resolve the selectors against these CRDs (YAML, repeatable) and the built-in resources, with no cluster', collect, [])
    .showHelpAfterError('(kopf manifests --help shows the usage)')
    .exitOverride((error) => {
      if (error.exitCode !== 0) throw new CommanderError(2, error.code, error.message);
    })
    .action(async (files: string[], flags: ManifestsFlags, command: Command) => {
      let options: ManifestsOptions;
      try {
        options = manifestsOptions(files, flags);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        command.error(`error: ${error.message}`, { exitCode: 2, code: 'kopf.usage' });
      }
      try {
        await enableTypeScriptFor(files, flags.module);
        await loadOperatorCode(files, flags.module);
        const registry = getDefaultRegistry();
        const discovered = await discoverResources(flags.crd, registry.groupsOfInterest());
        const manifests = buildManifests(registry, discovered, options);
        for (const warning of manifests.warnings) console.error(`kopf: warning: ${warning}`);
        await printManifests(manifests.objects);
      } catch (error) {
        if (!(error instanceof OperatorLoadError || error instanceof ManifestsError)) throw error;
        console.error(`kopf: ${error.message}`);
        process.exit(1);
      }
      // Timers or connections the operator code opened when loaded must not keep the command running.
      process.exit(0);
    });
}
