/**
 * Writing the record of `kopf freeze` or `kopf resume` into the cluster: the same record, written the
 * same way, as a running operator's (see `engine/peering.ts`), under an identity of its own.
 */
import { connect, type Api } from '../client/api.ts';
import { ForbiddenError, NotFoundError } from '../client/errors.ts';
import { isNamespaceServed, literalNamespaces, type NamespacePattern } from '../core/namespace-patterns.ts';
import { manualPeeringIdentity, patchPeerRecords, peerRecord } from '../engine/peering.ts';
import type { PeeringPlan } from './freeze-command.ts';

/** Why the records could not be written (printed as `kopf: <message>`, exit code 1). */
export class PeeringCommandError extends Error {
  override name = 'PeeringCommandError';
}

/** The peering objects written to, of which kind, and those that do not exist (namespaces; `undefined`: the cluster-wide one). */
export interface PeeringWrites {
  kind: string;
  written: Array<string | undefined>;
  missing: Array<string | undefined>;
}

/**
 * Writes the record of `identity` — removes it, when the plan's lifetime is 0 — in every peering object
 * the plan names: the `ClusterKopfPeering`, or the `KopfPeering` of each existing namespace that the
 * patterns match (without permission to list namespaces: of the patterns that are plain names). Peering
 * objects that do not exist are reported, not created. Throws `PeeringCommandError` when the peering
 * CRD is not served or no namespace matches.
 */
export async function writeManualRecords(api: Api, plan: PeeringPlan, identity: string, nowMs = Date.now()): Promise<PeeringWrites> {
  const plural = plan.scope.clusterwide ? 'clusterkopfpeerings' : 'kopfpeerings';
  const discovered = await api.discovery.resources(new Set(['kopf.dev']));
  const resource = discovered.find((candidate) => candidate.plural === plural && candidate.preferred);
  if (!resource) throw new PeeringCommandError(`the cluster does not serve ${plural}.kopf.dev: apply the peering CRDs first (examples/peering.yaml)`);
  const namespaces = plan.scope.clusterwide ? [undefined] : await matchingNamespaces(api, plan.scope.patterns);
  const record = peerRecord(plan.priority, plan.lifetime, nowMs);
  const writes: PeeringWrites = { kind: resource.kind, written: [], missing: [] };
  for (const namespace of namespaces) {
    try {
      await patchPeerRecords(api, { resource, name: plan.peering, namespace }, { [identity]: record });
      writes.written.push(namespace);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      writes.missing.push(namespace);
    }
  }
  return writes;
}

/** The existing namespaces the patterns match, sorted; their plain names when namespaces cannot be listed. */
async function matchingNamespaces(api: Api, patterns: NamespacePattern[]): Promise<string[]> {
  let names: string[];
  try {
    const listed = await api.list({ apiVersion: 'v1', kind: 'Namespace' });
    names = listed.items.map((item) => item.metadata?.name ?? '').filter((name) => isNamespaceServed(name, { clusterwide: false, patterns }));
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    names = literalNamespaces(patterns);
  }
  if (names.length === 0) throw new PeeringCommandError(`no namespace matches ${patterns.map((pattern) => `-n ${String(pattern)}`).join(' ')}`);
  return names.sort();
}

function describeObject(kind: string, name: string, namespace: string | undefined): string {
  return namespace === undefined ? `${kind} '${name}'` : `${kind} '${name}' in '${namespace}'`;
}

/**
 * Runs a plan against the cluster `kopf run` would connect to (`KUBECONFIG`, else the pod's service
 * account, else `~/.kube/config`), printing a line per peering object written; then exits the process:
 * 0 when every object was written, 1 after a failure or when any of them does not exist.
 */
export async function runPeeringPlan(plan: PeeringPlan): Promise<void> {
  if (plan.scopeDefaulted) {
    console.error('Absence of either namespaces or cluster-wide flag will become an error soon. For now, switching to the cluster-wide mode for backward compatibility.');
  }
  const identity = plan.identity ?? manualPeeringIdentity();
  let api: Api | undefined;
  try {
    api = await connect();
    const writes = await writeManualRecords(api, plan, identity);
    for (const namespace of writes.written) {
      const where = describeObject(writes.kind, plan.peering, namespace);
      console.log(plan.lifetime > 0 ? `Frozen: ${where} holds '${identity}' with priority ${plan.priority} for ${plan.lifetime} s.` : `Resumed: ${where} no longer holds '${identity}'.`);
    }
    for (const namespace of writes.missing) {
      console.error(`kopf: ${describeObject(writes.kind, plan.peering, namespace)} does not exist: create it, or name an existing one with -P`);
    }
    if (writes.missing.length > 0) process.exitCode = 1;
  } catch (error) {
    console.error(`kopf: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await api?.close();
  }
  // Exits at once, as `kopf run` does: nothing left open may keep a finished command alive.
  process.exit();
}
