import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBackend, startCluster, type TestCluster } from '../../src/testing.ts';
import { hasKubectl, kubectlFor, type KubectlResult } from '../support/kubectl.ts';

const real = defaultBackend() === 'real';
if (real) console.warn('workload tests skipped: the test control plane runs no pods (no scheduler, no kubelet), so no rollout or Job ever completes there');

const timeScale = 0.01;
const ns = 'workloads';

type Json = Record<string, any>;

/**
 * Deployments, ReplicaSets and Jobs on the simulated node, driven with
 * kubectl's own workload commands: create, scale, set image, rollout
 * status/history/undo, wait.
 */
describe.skipIf(real || !hasKubectl)('workload controllers of the embedded cluster', () => {
  let cluster: TestCluster;
  let kubectl: (args: string[], input?: string, timeoutMs?: number) => Promise<KubectlResult>;
  const ok = async (args: string[], input?: string) => {
    const result = await kubectl(['-n', ns, ...args], input, 30_000);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };
  const json = async (...args: string[]): Promise<Json> => JSON.parse(await ok([...args, '-o', 'json']));
  const podsOf = async (selector: string) => (await json('get', 'pods', '-l', selector)).items as Json[];

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'embedded', runPods: true, timeScale });
    kubectl = kubectlFor(cluster.kubeconfigPath);
    await ok(['create', 'namespace', ns]);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('rolls out a Deployment made by kubectl create deployment, through a ReplicaSet to running pods', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toContain('deployment "web" successfully rolled out');
    const deployment = await json('get', 'deployment', 'web');
    expect(deployment.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(deployment.metadata.generation).toBe(1);
    expect(deployment.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(deployment.status.conditions.map((c: Json) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    const [rs] = (await json('get', 'replicasets', '-l', 'app=web')).items;
    const hash = rs.metadata.labels['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deployment.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3' });
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    const pods = await podsOf('app=web');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true });
      expect(p.status.phase).toBe('Running');
    }
    const described = await ok(['describe', 'deployment', 'web']);
    expect(described).toMatch(new RegExp(`ScalingReplicaSet\\s+.*deployment-controller\\s+Scaled up replica set web-${hash} from 0 to 2`));
  });

  it('scales a Deployment up and down with kubectl scale', async () => {
    await ok(['scale', 'deployment/web', '--replicas=4']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    expect((await podsOf('app=web')).filter((p) => p.status.phase === 'Running')).toHaveLength(4);
    await ok(['scale', 'deployment/web', '--replicas=1']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    await cluster.waitFor(async () => (await podsOf('app=web')).length === 1, { description: 'one pod left', timeout: 20_000 });
    expect(await ok(['get', 'deployment', 'web'])).toMatch(/web\s+1\/1\s+1\s+1/);
  });

  it('rolls out a new template, keeps the history, and rolls back', async () => {
    await ok(['scale', 'deployment/web', '--replicas=3']);
    await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.28']);
    const status = await ok(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    expect(status).toContain('deployment "web" successfully rolled out');
    const sets = (await json('get', 'replicasets', '-l', 'app=web')).items as Json[];
    expect(sets.map((rs) => [rs.spec.template.spec.containers[0].image, rs.spec.replicas, rs.metadata.annotations['deployment.kubernetes.io/revision']]).sort()).toEqual([
      ['nginx:1.27', 0, '1'],
      ['nginx:1.28', 3, '2'],
    ]);
    const pods = await podsOf('app=web');
    expect(pods.filter((p) => !p.metadata.deletionTimestamp).every((p) => p.spec.containers[0].image === 'nginx:1.28')).toBe(true);
    expect(await ok(['rollout', 'history', 'deployment/web'])).toMatch(/REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>/);
    await ok(['rollout', 'undo', 'deployment/web']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    const rolledBack = await json('get', 'deployment', 'web');
    expect(rolledBack.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(rolledBack.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(rolledBack.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  });

  it('reports a rollout that cannot progress once its deadline passes', async () => {
    await ok(['create', 'deployment', 'broken', '--image=busybox', '--', 'sh', '-c', 'exit 1']);
    // 30 simulated seconds: 300 ms.
    await ok(['patch', 'deployment', 'broken', '-p', '{"spec":{"progressDeadlineSeconds":30}}']);
    const result = await kubectl(['-n', ns, 'rollout', 'status', 'deployment/broken', '--timeout=30s'], undefined, 40_000);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('deployment "broken" exceeded its progress deadline');
    const deployment = await json('get', 'deployment', 'broken');
    expect(deployment.status.conditions.find((c: Json) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: expect.stringMatching(/^ReplicaSet "broken-[a-z0-9]+" has timed out progressing\.$/) });
    expect(deployment.status.conditions.find((c: Json) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('deletes a Deployment with its ReplicaSets and pods', async () => {
    await ok(['delete', 'deployment', 'web']);
    await cluster.waitFor(async () => (await podsOf('app=web')).length === 0 && (await json('get', 'replicasets', '-l', 'app=web')).items.length === 0, {
      description: 'the ReplicaSets and pods of web to go',
      timeout: 20_000,
    });
  });

  it('runs a Job to completion: kubectl wait --for=condition=complete, its output in kubectl logs', async () => {
    await ok(['create', 'job', 'pi', '--image=busybox', '--', 'sh', '-c', 'echo computing; sleep 2; echo 3.14']);
    await ok(['wait', '--for=condition=complete', 'job/pi', '--timeout=30s']);
    const job = await json('get', 'job', 'pi');
    expect(job.status).toMatchObject({ succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {}, startTime: expect.any(String), completionTime: expect.any(String) });
    expect(job.status.active).toBeUndefined();
    expect(job.status.conditions.map((c: Json) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    const [pod] = await podsOf('job-name=pi');
    expect(pod.status.phase).toBe('Succeeded');
    expect(pod.metadata.finalizers).toBeUndefined();
    expect(pod.metadata.ownerReferences[0]).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', controller: true });
    expect(await ok(['logs', 'job/pi'])).toBe('computing\n3.14\n');
    expect(await ok(['get', 'job', 'pi'])).toMatch(/pi\s+Complete\s+1\/1/);
  });

  it('runs several completions in parallel', async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'batch' }, spec: { completions: 3, parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sleep', '1'] }] } } } };
    await ok(['apply', '-f', '-'], JSON.stringify(job));
    await ok(['wait', '--for=condition=complete', 'job/batch', '--timeout=30s']);
    expect((await json('get', 'job', 'batch')).status.succeeded).toBe(3);
    expect((await podsOf('job-name=batch')).filter((p) => p.status.phase === 'Succeeded')).toHaveLength(3);
  });

  it('fails a Job past its backoffLimit, waiting between replacements', async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'doomed' }, spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'echo no; exit 1'] }] } } } };
    await ok(['apply', '-f', '-'], JSON.stringify(job));
    await ok(['wait', '--for=condition=failed', 'job/doomed', '--timeout=30s']);
    const failed = await json('get', 'job', 'doomed');
    expect(failed.status.failed).toBe(2);
    expect(failed.status.conditions.map((c: Json) => [c.type, c.reason, c.message])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    const pods = await podsOf('job-name=doomed');
    expect(pods.map((p) => p.status.phase)).toEqual(['Failed', 'Failed']);
    // The replacement waits 10 simulated seconds (100 ms) after the first failure: it is created after that pod ended.
    const ended = (p: Json) => Date.parse(p.status.containerStatuses[0].state.terminated.finishedAt);
    const created = (p: Json) => Date.parse(p.metadata.creationTimestamp);
    expect(pods.some((p) => pods.some((q) => q !== p && created(p) >= ended(q)))).toBe(true);
    expect(await ok(['describe', 'job', 'doomed'])).toMatch(/Warning\s+BackoffLimitExceeded\s+.*job-controller\s+Job has reached the specified backoff limit/);
  });

  it('fails a Job that runs past activeDeadlineSeconds, and deletes a finished Job after its TTL', async () => {
    const sleeper = { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sleep', '3600'] }] };
    // 100 simulated seconds: 1 s.
    await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'late' }, spec: { activeDeadlineSeconds: 100, template: { spec: sleeper } } }));
    await ok(['wait', '--for=condition=failed', 'job/late', '--timeout=30s']);
    const late = await json('get', 'job', 'late');
    expect(late.status.conditions.map((c: Json) => [c.type, c.reason, c.message])).toEqual([
      ['FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
      ['Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
    ]);
    await cluster.waitFor(async () => (await podsOf('job-name=late')).length === 0, { description: 'the pod of the late Job to go' });

    const brief = { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['true'] }] };
    // 200 simulated seconds: 2 s.
    await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'brief' }, spec: { ttlSecondsAfterFinished: 200, template: { spec: brief } } }));
    await ok(['wait', '--for=condition=complete', 'job/brief', '--timeout=30s']);
    await ok(['wait', '--for=delete', 'job/brief', '--timeout=30s']);
    await cluster.waitFor(async () => (await podsOf('job-name=brief')).length === 0, { description: 'the pod of the expired Job to go' });
  });

  it('suspends a Job (its pods go, without counting as failures) and resumes it', async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pausable' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sleep', '3600'] }] } } } };
    await ok(['apply', '-f', '-'], JSON.stringify(job));
    await cluster.waitFor(async () => (await json('get', 'job', 'pausable')).status.ready === 1, { description: 'a ready pod' });
    await ok(['patch', 'job', 'pausable', '-p', '{"spec":{"suspend":true}}']);
    await cluster.waitFor(async () => (await podsOf('job-name=pausable')).length === 0, { description: 'the pods of the suspended Job to go', timeout: 20_000 });
    const suspended = await json('get', 'job', 'pausable');
    expect(suspended.status.failed).toBeUndefined();
    expect(suspended.status.startTime).toBeUndefined();
    expect(suspended.status.conditions).toEqual([expect.objectContaining({ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' })]);
    await ok(['patch', 'job', 'pausable', '-p', '{"spec":{"suspend":false}}']);
    await cluster.waitFor(async () => (await json('get', 'job', 'pausable')).status.ready === 1, { description: 'a ready pod again' });
    expect((await json('get', 'job', 'pausable')).status.conditions).toEqual([expect.objectContaining({ type: 'Suspended', status: 'False', reason: 'JobResumed' })]);
  });

  it('holds a paused Deployment back until it is resumed, and restarts its pods with rollout restart', async () => {
    await ok(['create', 'deployment', 'api', '--image=nginx:1.27']);
    await ok(['rollout', 'status', 'deployment/api', '--timeout=30s']);
    await ok(['rollout', 'pause', 'deployment/api']);
    await ok(['set', 'image', 'deployment/api', 'nginx=nginx:1.28']);
    await cluster.waitFor(async () => (await json('get', 'deployment', 'api')).status.conditions.some((c: Json) => c.reason === 'DeploymentPaused'), { description: 'DeploymentPaused' });
    expect((await json('get', 'replicasets', '-l', 'app=api')).items).toHaveLength(1);
    await ok(['rollout', 'resume', 'deployment/api']);
    await ok(['rollout', 'status', 'deployment/api', '--timeout=30s']);
    const before = (await podsOf('app=api')).map((p) => p.metadata.name);
    await ok(['rollout', 'restart', 'deployment/api']);
    await ok(['rollout', 'status', 'deployment/api', '--timeout=30s']);
    await cluster.waitFor(async () => (await podsOf('app=api')).length === 1, { description: 'one pod of api', timeout: 20_000 });
    const after = (await podsOf('app=api')).map((p) => p.metadata.name);
    expect(after).not.toEqual(before);
    expect((await json('get', 'replicasets', '-l', 'app=api')).items).toHaveLength(3);
  });

  it('deletes a Job with its pods, releasing their tracking finalizers', async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'endless' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sleep', 'infinity'] }] } } } };
    await ok(['apply', '-f', '-'], JSON.stringify(job));
    await cluster.waitFor(async () => (await podsOf('job-name=endless')).some((p) => p.status.phase === 'Running'), { description: 'the Job pod to run' });
    expect((await podsOf('job-name=endless'))[0].metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    await ok(['delete', 'job', 'endless']);
    await cluster.waitFor(async () => (await podsOf('job-name=endless')).length === 0, { description: 'the pods of the Job to go', timeout: 20_000 });
  });
});
