import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Paths of the executables a real control plane runs, and where they were found. */
export interface ControlPlaneBinaries {
  kubeApiserver: string;
  /** Absent where only kube-apiserver and etcd exist, as in envtest's asset directories. */
  kubeControllerManager?: string;
  etcd: string;
  /** Where the binaries came from, for messages: `KUBEBUILDER_ASSETS=<dir>` or the cache directory. */
  source: string;
}

/**
 * The start of the cache entry names that `scripts/control-plane/build` makes; the Go version that built them
 * follows. Keep the versions in step with that script.
 */
const cacheEntryPrefix = 'k8s-v1.32.13-etcd-v3.5.16-';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function binariesIn(dir: string, source: string): ControlPlaneBinaries | undefined {
  const kubeApiserver = join(dir, 'kube-apiserver');
  const etcd = join(dir, 'etcd');
  if (!isExecutable(kubeApiserver) || !isExecutable(etcd)) return undefined;
  const kubeControllerManager = join(dir, 'kube-controller-manager');
  return isExecutable(kubeControllerManager)
    ? { kubeApiserver, kubeControllerManager, etcd, source }
    : { kubeApiserver, etcd, source };
}

/** The directory under which `scripts/control-plane/build` keeps its builds (`$KOPF_TS_CACHE_DIR/control-plane`). */
export function controlPlaneCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.KOPF_TS_CACHE_DIR || join(homedir(), '.cache', 'kopf-ts'), 'control-plane');
}

function newestCachedBuild(cacheDir: string): ControlPlaneBinaries | undefined {
  let entries: string[];
  try {
    entries = readdirSync(cacheDir).filter((name) => name.startsWith(cacheEntryPrefix));
  } catch {
    return undefined;
  }
  // Builds by several Go versions can sit side by side after a Go upgrade; any of them serves, the newest is
  // the likeliest to match what the build script would make now.
  const newestFirst = entries
    .map((name) => join(cacheDir, name))
    .filter(isDirectory)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const dir of newestFirst) {
    const binaries = binariesIn(dir, dir);
    if (binaries?.kubeControllerManager) return binaries;
  }
  return undefined;
}

/**
 * Finds the binaries of a real control plane: first in `KUBEBUILDER_ASSETS` (the layout of controller-runtime's
 * envtest: kube-apiserver and etcd in one directory, kube-controller-manager optionally beside them), then in the
 * cache that `scripts/control-plane/build` fills. Answers undefined when neither has them.
 */
export function findControlPlaneBinaries(env: NodeJS.ProcessEnv = process.env): ControlPlaneBinaries | undefined {
  const assets = env.KUBEBUILDER_ASSETS;
  if (assets) {
    const binaries = binariesIn(assets, `KUBEBUILDER_ASSETS=${assets}`);
    if (binaries) return binaries;
  }
  return newestCachedBuild(controlPlaneCacheDir(env));
}
