import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlPlaneCacheDir, findControlPlaneBinaries } from './real-binaries.ts';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kopf-ts-binaries-test-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function fakeBinaries(dir: string, names: string[], mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  for (const name of names) writeFileSync(join(dir, name), '#!/bin/sh\n', { mode });
  return dir;
}

const allThree = ['kube-apiserver', 'kube-controller-manager', 'etcd'];

describe('findControlPlaneBinaries', () => {
  it('takes envtest binaries from KUBEBUILDER_ASSETS, without a controller manager', () => {
    const assets = fakeBinaries(join(root, 'assets'), ['kube-apiserver', 'etcd', 'kubectl']);
    expect(findControlPlaneBinaries({ KUBEBUILDER_ASSETS: assets, KOPF_TS_CACHE_DIR: join(root, 'cache') })).toEqual({
      kubeApiserver: join(assets, 'kube-apiserver'),
      etcd: join(assets, 'etcd'),
      source: `KUBEBUILDER_ASSETS=${assets}`,
    });
  });

  it('takes a controller manager from KUBEBUILDER_ASSETS when it is there', () => {
    const assets = fakeBinaries(join(root, 'assets'), allThree);
    expect(findControlPlaneBinaries({ KUBEBUILDER_ASSETS: assets })?.kubeControllerManager).toBe(
      join(assets, 'kube-controller-manager'),
    );
  });

  it('prefers KUBEBUILDER_ASSETS over the cache', () => {
    const cache = join(root, 'cache');
    fakeBinaries(join(cache, 'control-plane', 'k8s-v1.32.13-etcd-v3.5.16-go1.26.8'), allThree);
    const assets = fakeBinaries(join(root, 'assets'), ['kube-apiserver', 'etcd']);
    expect(findControlPlaneBinaries({ KUBEBUILDER_ASSETS: assets, KOPF_TS_CACHE_DIR: cache })?.source).toBe(
      `KUBEBUILDER_ASSETS=${assets}`,
    );
  });

  it('falls back to the cache when KUBEBUILDER_ASSETS lacks the binaries', () => {
    const cache = join(root, 'cache');
    const built = fakeBinaries(join(cache, 'control-plane', 'k8s-v1.32.13-etcd-v3.5.16-go1.26.8'), allThree);
    const assets = fakeBinaries(join(root, 'assets'), ['etcd']);
    expect(findControlPlaneBinaries({ KUBEBUILDER_ASSETS: assets, KOPF_TS_CACHE_DIR: cache })).toEqual({
      kubeApiserver: join(built, 'kube-apiserver'),
      kubeControllerManager: join(built, 'kube-controller-manager'),
      etcd: join(built, 'etcd'),
      source: built,
    });
  });

  it('picks the newest complete build of the pinned versions from the cache', () => {
    const cache = join(root, 'cache');
    const older = fakeBinaries(join(cache, 'control-plane', 'k8s-v1.32.13-etcd-v3.5.16-go1.25.1'), allThree);
    const newer = fakeBinaries(join(cache, 'control-plane', 'k8s-v1.32.13-etcd-v3.5.16-go1.26.8'), allThree);
    fakeBinaries(join(cache, 'control-plane', 'k8s-v1.32.13-etcd-v3.5.16-go1.27.0'), ['kube-apiserver', 'etcd']);
    fakeBinaries(join(cache, 'control-plane', 'k8s-v1.31.0-etcd-v3.5.15-go1.28.0'), allThree);
    utimesSync(older, new Date(1_000_000), new Date(1_000_000));
    expect(findControlPlaneBinaries({ KOPF_TS_CACHE_DIR: cache })?.source).toBe(newer);
  });

  it('ignores files that are not executable', () => {
    const assets = fakeBinaries(join(root, 'assets'), ['kube-apiserver', 'etcd'], 0o644);
    expect(findControlPlaneBinaries({ KUBEBUILDER_ASSETS: assets, KOPF_TS_CACHE_DIR: join(root, 'cache') })).toBe(
      undefined,
    );
  });

  it('answers undefined when nothing is found', () => {
    expect(findControlPlaneBinaries({ KOPF_TS_CACHE_DIR: join(root, 'nothing-here') })).toBe(undefined);
  });
});

describe('controlPlaneCacheDir', () => {
  it('lives under KOPF_TS_CACHE_DIR when it is set', () => {
    expect(controlPlaneCacheDir({ KOPF_TS_CACHE_DIR: '/somewhere' })).toBe('/somewhere/control-plane');
  });

  it('lives under ~/.cache/kopf-ts otherwise', () => {
    expect(controlPlaneCacheDir({})).toMatch(/\/\.cache\/kopf-ts\/control-plane$/);
  });
});
