import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBackend, startCluster, type TestCluster } from '../../src/testing.ts';
import { hasKubectl, kubectlFor, spawnKubectl, type KubectlResult } from '../support/kubectl.ts';
import { watchOpener } from '../support/watch-stream.ts';

const real = defaultBackend() === 'real';
if (real) console.warn('kubelet tests skipped: the test control plane has no scheduler and no kubelet; pods run only in the embedded cluster');

/** Simulated seconds pass 100 times as fast: `sleep 5` takes 50 ms, a 10 s back-off 100 ms. */
const timeScale = 0.01;
const ns = 'kubelet';

type Pod = Record<string, any>;

/** `kubectl get -w` rows as [name, ready, status, restarts]; RESTARTS keeps only the count. */
function watchRows(output: string, name: string): string[][] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(`${name} `))
    .map((line) => line.split(/\s{2,}/))
    .map(([pod, ready, status, restarts]) => [pod, ready, status, restarts.split(' ')[0]]);
}

const pod = (name: string, spec: Record<string, unknown>, labels?: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec });
const busybox = (name: string, script: string, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox', command: ['sh', '-c', script], ...extra });

/**
 * The simulated node, driven as a user drives a cluster: kubectl apply,
 * get -w, logs, describe, delete. Statuses are compared with what a real
 * kubelet 1.32 writes.
 */
describe.skipIf(real || !hasKubectl)('the kubelet of the embedded cluster', () => {
  let cluster: TestCluster;
  let kubectl: (args: string[], input?: string, timeoutMs?: number) => Promise<KubectlResult>;
  const ok = async (args: string[], input?: string) => {
    const result = await kubectl(args, input);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };
  const get = async (name: string): Promise<Pod | undefined> => {
    const response = await cluster.request('GET', `/api/v1/namespaces/${ns}/pods/${name}`);
    return response.status === 200 ? response.body : undefined;
  };
  const waitPod = (name: string, description: string, check: (p: Pod) => unknown) =>
    cluster.waitFor(async () => {
      const p = await get(name);
      return p && check(p) ? p : undefined;
    }, { description: `pod ${name}: ${description}`, timeout: 20_000 });

  /**
   * `kubectl get pods -w` on the pods labelled `story=<story>`, once it is watching: a canary pod that no
   * scheduler takes shows up in its output first (kubectl watches from its list's resourceVersion, so
   * nothing after that is missed).
   */
  const watchStory = async (story: string) => {
    const watch = spawnKubectl(cluster.kubeconfigPath, ['get', 'pods', '-n', ns, '-l', `story=${story}`, '-w']);
    const canary = `${story}-canary`;
    await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: canary, namespace: ns, labels: { story } }, spec: { schedulerName: 'nobody', containers: [{ name: 'c', image: 'busybox' }] } }));
    await cluster.waitFor(() => watchRows(watch.output(), canary).length > 0, { description: `${canary} in kubectl get -w` });
    return watch;
  };

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'embedded', runPods: true, timeScale });
    kubectl = kubectlFor(cluster.kubeconfigPath);
    await ok(['create', 'namespace', ns]);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('crash-loops the seed pod: Running, Error, CrashLoopBackOff, restarts growing, the greeting in its logs', async () => {
    const watch = await watchStory('seed');
    try {
      await ok(['apply', '-f', '-'], pod('crash', { restartPolicy: 'Always', containers: [busybox('app', "echo 'Hello, Kubernetes!'; sleep 5; exit 1")] }, { story: 'seed' }));
      await cluster.waitFor(() => watchRows(watch.output(), 'crash').some(([, , status, restarts]) => status === 'CrashLoopBackOff' && Number(restarts) >= 2), {
        description: 'CrashLoopBackOff after two restarts in kubectl get -w',
        timeout: 20_000,
      });
    } finally {
      watch.stop();
    }
    const rows = watchRows(watch.output(), 'crash');
    const statuses = rows.map((r) => r[2]);
    expect(new Set(statuses)).toEqual(new Set(['Pending', 'ContainerCreating', 'Running', 'Error', 'CrashLoopBackOff']));
    const firstRunning = statuses.indexOf('Running');
    expect(firstRunning).toBeGreaterThan(statuses.indexOf('ContainerCreating'));
    expect(statuses.indexOf('Error')).toBeGreaterThan(firstRunning);
    expect(statuses.indexOf('CrashLoopBackOff')).toBeGreaterThan(statuses.indexOf('Error'));
    const restarts = rows.map((r) => Number(r[3]));
    expect(restarts).toEqual([...restarts].sort((a, b) => a - b));
    expect(rows.filter((r) => r[2] === 'Running').every((r) => r[1] === '1/1')).toBe(true);
    expect(rows.filter((r) => r[2] === 'Error' || r[2] === 'CrashLoopBackOff').every((r) => r[1] === '0/1')).toBe(true);

    expect(await ok(['logs', 'crash', '-n', ns])).toBe('Hello, Kubernetes!\n');
    expect(await ok(['logs', 'crash', '-n', ns, '--previous'])).toBe('Hello, Kubernetes!\n');

    const looping = await waitPod('crash', 'backing off', (p) => p.status.containerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff');
    const status = looping.status;
    const [container] = status.containerStatuses;
    const uid = looping.metadata.uid;
    expect(status.phase).toBe('Running');
    expect(container).toMatchObject({
      name: 'app',
      ready: false,
      started: false,
      image: 'docker.io/library/busybox:latest',
      imageID: expect.stringMatching(/^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/),
      containerID: expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/),
      state: { waiting: { reason: 'CrashLoopBackOff', message: expect.stringMatching(new RegExp(`^back-off (\\d+s|\\dm\\d+s) restarting failed container=app pod=crash_${ns}\\(${uid}\\)$`)) } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: expect.any(String), finishedAt: expect.any(String), containerID: container.containerID } },
    });
    expect(container.restartCount).toBeGreaterThanOrEqual(2);
    expect(status.conditions.map((c: Pod) => [c.type, c.status, c.reason])).toEqual([
      ['PodReadyToStartContainers', 'True', undefined],
      ['Initialized', 'True', undefined],
      ['Ready', 'False', 'ContainersNotReady'],
      ['ContainersReady', 'False', 'ContainersNotReady'],
      ['PodScheduled', 'True', undefined],
    ]);
    expect(status.conditions[2].message).toBe('containers with unready status: [app]');
    for (const condition of status.conditions) expect(condition).toMatchObject({ lastProbeTime: null, lastTransitionTime: expect.stringMatching(/Z$/) });
    expect(status).toMatchObject({
      hostIP: '10.0.0.2',
      hostIPs: [{ ip: '10.0.0.2' }],
      podIP: expect.stringMatching(/^10\.244\.0\.\d+$/),
      qosClass: 'BestEffort',
      startTime: expect.any(String),
    });
    expect(status.podIPs).toEqual([{ ip: status.podIP }]);
    expect(looping.spec.nodeName).toBe('kopf-ts-node');

    const described = await ok(['describe', 'pod', 'crash', '-n', ns]);
    expect(described).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned kubelet\/crash to kopf-ts-node/);
    expect(described).toMatch(/Normal\s+Pulling\s+.*kubelet\s+Pulling image "busybox"/);
    expect(described).toMatch(/Normal\s+Created\s+.*kubelet\s+Created container: app/);
    expect(described).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container app/);
    expect(described).toMatch(new RegExp(`Warning\\s+BackOff\\s+.*kubelet\\s+Back-off restarting failed container app in pod crash_${ns}\\(${uid}\\)`));
  });

  it('ends a pod with restartPolicy Never: Succeeded after a clean exit, Failed after an error', async () => {
    await ok(['apply', '-f', '-'], pod('done', { restartPolicy: 'Never', containers: [busybox('app', 'echo finished')] }));
    await ok(['apply', '-f', '-'], pod('failed', { restartPolicy: 'Never', containers: [busybox('app', 'echo broken; exit 3')] }));
    await ok(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/done', '-n', ns, '--timeout=20s']);
    await ok(['wait', '--for=jsonpath={.status.phase}=Failed', 'pod/failed', '-n', ns, '--timeout=20s']);
    const done = (await get('done'))!;
    expect(done.status.containerStatuses[0]).toMatchObject({ ready: false, started: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } }, lastState: {} });
    expect(done.status.conditions.map((c: Pod) => [c.type, c.status, c.reason])).toEqual([
      ['PodReadyToStartContainers', 'False', undefined],
      ['Initialized', 'True', 'PodCompleted'],
      ['Ready', 'False', 'PodCompleted'],
      ['ContainersReady', 'False', 'PodCompleted'],
      ['PodScheduled', 'True', undefined],
    ]);
    const failed = (await get('failed'))!;
    expect(failed.status.containerStatuses[0]).toMatchObject({ restartCount: 0, state: { terminated: { exitCode: 3, reason: 'Error' } } });
    expect(failed.status.conditions.find((c: Pod) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
    const table = await ok(['get', 'pods', 'done', 'failed', '-n', ns]);
    expect(table).toMatch(/done\s+0\/1\s+Completed\s+0/);
    expect(table).toMatch(/failed\s+0\/1\s+Error\s+0/);
    expect(await ok(['logs', 'failed', '-n', ns])).toBe('broken\n');
  });

  it('restarts a pod with restartPolicy OnFailure only after failures', async () => {
    await ok(['apply', '-f', '-'], pod('retry', { restartPolicy: 'OnFailure', containers: [busybox('app', 'exit 1')] }));
    await ok(['apply', '-f', '-'], pod('once', { restartPolicy: 'OnFailure', containers: [busybox('app', 'exit 0')] }));
    await waitPod('retry', 'restarted twice', (p) => p.status.containerStatuses?.[0].restartCount >= 2);
    const once = await waitPod('once', 'succeeded', (p) => p.status.phase === 'Succeeded');
    expect(once.status.containerStatuses[0].restartCount).toBe(0);
    expect((await get('retry'))!.status.phase).toBe('Running');
  });

  it('runs init containers one after the other before the containers', async () => {
    const watch = await watchStory('init');
    try {
      await ok(['apply', '-f', '-'], pod('init', {
        initContainers: [busybox('fetch', 'echo fetched; sleep 20'), busybox('migrate', 'true')],
        containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }],
      }, { story: 'init' }));
      await waitPod('init', 'running', (p) => p.status.phase === 'Running' && p.status.containerStatuses[0].ready);
      await cluster.waitFor(() => watchRows(watch.output(), 'init').some((r) => r[2] === 'Running'), { description: 'Running in kubectl get -w' });
    } finally {
      watch.stop();
    }
    const statuses = watchRows(watch.output(), 'init').map((r) => r[2]);
    expect(statuses.filter((s, i) => s !== statuses[i - 1])).toEqual(['Pending', 'Init:0/2', 'Init:1/2', 'PodInitializing', 'Running']);
    const running = (await get('init'))!;
    expect(running.status.initContainerStatuses.map((s: Pod) => [s.name, s.ready, s.state.terminated?.reason])).toEqual([
      ['fetch', true, 'Completed'],
      ['migrate', true, 'Completed'],
    ]);
    expect(running.status.conditions.find((c: Pod) => c.type === 'Initialized').status).toBe('True');
    expect(await ok(['logs', 'init', '-c', 'fetch', '-n', ns])).toBe('fetched\n');
  });

  it('reports an init container that fails: Init:Error and a failed pod under Never, Init:CrashLoopBackOff otherwise', async () => {
    const initialising = { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] };
    await ok(['apply', '-f', '-'], pod('init-never', { restartPolicy: 'Never', initContainers: [busybox('setup', 'exit 2')], ...initialising }));
    await ok(['apply', '-f', '-'], pod('init-always', { initContainers: [busybox('setup', 'exit 2')], ...initialising }));
    const never = await waitPod('init-never', 'failed', (p) => p.status.phase === 'Failed');
    expect(never.status.conditions.find((c: Pod) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [setup]' });
    expect(never.status.containerStatuses[0].state).toEqual({ waiting: { reason: 'PodInitializing' } });
    await waitPod('init-always', 'backing off', (p) => p.status.initContainerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff');
    expect(await ok(['get', 'pods', 'init-never', '-n', ns])).toMatch(/init-never\s+0\/1\s+Init:Error/);
    // On the cluster's scaled clock a back-off can be over before kubectl has asked; each next one is longer.
    const backingOff = /init-always\s+0\/1\s+Init:CrashLoopBackOff/;
    await cluster.waitFor(async () => backingOff.test(await ok(['get', 'pods', 'init-always', '-n', ns])), { description: 'Init:CrashLoopBackOff in kubectl get' });
  });

  it('deletes gracefully: the containers get the grace period, then the kubelet removes the pod', async () => {
    // 40 simulated seconds of grace: 400 ms. `sleep`, as PID 1, ignores SIGTERM and is killed when they are over.
    await ok(['apply', '-f', '-'], pod('sleeper', { terminationGracePeriodSeconds: 40, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] }));
    await waitPod('sleeper', 'running', (p) => p.status.phase === 'Running');
    const rv = (await cluster.request('GET', `/api/v1/namespaces/${ns}/pods`)).body.metadata.resourceVersion;
    const watches = watchOpener(cluster);
    const stream = await watches.open(`/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dsleeper`);
    const started = Date.now();
    await ok(['delete', 'pod', 'sleeper', '-n', ns]);
    const took = Date.now() - started;
    await cluster.waitFor(() => stream.events.some((e) => e.type === 'DELETED'), { description: 'DELETED' });
    await watches.close();
    expect(took).toBeGreaterThanOrEqual(400);
    const [marked, ...rest] = stream.events;
    expect(marked).toMatchObject({ type: 'MODIFIED', object: { metadata: { deletionGracePeriodSeconds: 40, deletionTimestamp: expect.any(String) }, status: { phase: 'Running' } } });
    const final = rest.filter((e) => e.type === 'MODIFIED').map((e) => e.object).find((o) => o.status.phase === 'Failed');
    expect(final.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(rest.map((e) => e.type).slice(-2)).toEqual(['MODIFIED', 'DELETED']);
    expect(rest[rest.length - 2].object.metadata.deletionGracePeriodSeconds).toBe(0);
    const events = await ok(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=sleeper', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    expect(events).toContain('Killing: Stopping container app');
  });

  it('brings the kill forward when a second delete shortens the grace period', async () => {
    // 3000 simulated seconds of grace would be 30 s here.
    await ok(['apply', '-f', '-'], pod('patient', { terminationGracePeriodSeconds: 3000, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] }));
    await waitPod('patient', 'running', (p) => p.status.phase === 'Running');
    await ok(['delete', 'pod', 'patient', '-n', ns, '--wait=false']);
    expect(await ok(['get', 'pod', 'patient', '-n', ns])).toMatch(/patient\s+1\/1\s+Terminating/);
    const started = Date.now();
    await ok(['delete', 'pod', 'patient', '-n', ns, '--grace-period=5']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await get('patient')).toBeUndefined();
  });

  it('runs sidecars beside the containers and stops them once the containers are done', async () => {
    await ok(['apply', '-f', '-'], pod('sidecar', {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 10,
      initContainers: [busybox('proxy', 'while true; do echo proxying; sleep 10; done', { restartPolicy: 'Always' })],
      containers: [busybox('app', 'echo working; sleep 50')],
    }));
    const running = await waitPod('sidecar', 'both running', (p) => p.status.phase === 'Running' && p.status.containerStatuses[0].ready);
    expect(running.status.initContainerStatuses[0]).toMatchObject({ name: 'proxy', ready: true, started: true, state: { running: expect.any(Object) } });
    expect(await ok(['get', 'pod', 'sidecar', '-n', ns])).toMatch(/sidecar\s+2\/2\s+Running/);
    const done = await waitPod('sidecar', 'succeeded', (p) => p.status.phase === 'Succeeded');
    expect(done.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(done.status.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(await ok(['logs', 'sidecar', '-c', 'proxy', '-n', ns])).toMatch(/^(proxying\n)+$/);
  });

  it('stops a program the interpreter does not know at once on SIGTERM, exiting 0', async () => {
    await ok(['apply', '-f', '-'], pod('server', { terminationGracePeriodSeconds: 3000, containers: [{ name: 'web', image: 'nginx:1.27' }] }));
    await waitPod('server', 'running', (p) => p.status.phase === 'Running');
    const started = Date.now();
    await ok(['delete', 'pod', 'server', '-n', ns]);
    // 3000 simulated seconds would be 30 s: nginx stops at SIGTERM instead.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('serves logs with --tail, --timestamps and -f until the container ends', async () => {
    await ok(['apply', '-f', '-'], pod('talker', { restartPolicy: 'Never', containers: [busybox('app', 'echo one; echo two; sleep 50; echo three; sleep 50; echo four')] }));
    await waitPod('talker', 'running', (p) => p.status.phase === 'Running');
    const followed = await ok(['logs', '-f', 'talker', '-n', ns]);
    expect(followed).toBe('one\ntwo\nthree\nfour\n');
    expect(await ok(['logs', 'talker', '-n', ns, '--tail=2'])).toBe('three\nfour\n');
    const stamped = (await ok(['logs', 'talker', '-n', ns, '--timestamps'])).trim().split('\n');
    expect(stamped).toHaveLength(4);
    for (const line of stamped) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (one|two|three|four)$/);
    const previous = await kubectl(['logs', 'talker', '-n', ns, '--previous']);
    expect(previous.stderr).toContain('previous terminated container "app" in pod "talker" not found');
  });

  it('holds a container whose ConfigMap is missing (CreateContainerConfigError), and starts it once it exists', async () => {
    const env = [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'settings', key: 'greeting' } } }];
    await ok(['apply', '-f', '-'], pod('configured', { restartPolicy: 'Never', containers: [busybox('app', 'echo "$GREETING from $HOSTNAME"', { env })] }));
    const waiting = await waitPod('configured', 'held', (p) => p.status.containerStatuses?.[0].state.waiting?.reason === 'CreateContainerConfigError');
    expect(waiting.status.containerStatuses[0].state.waiting.message).toBe('configmap "settings" not found');
    const logs = await kubectl(['logs', 'configured', '-n', ns]);
    expect(logs.stderr).toContain('container "app" in pod "configured" is waiting to start: CreateContainerConfigError');
    await ok(['create', 'configmap', 'settings', '-n', ns, '--from-literal=greeting=hello']);
    await waitPod('configured', 'succeeded', (p) => p.status.phase === 'Succeeded');
    expect(await ok(['logs', 'configured', '-n', ns])).toBe('hello from configured\n');
  });

  it('leaves a pod that fits no node Pending and Unschedulable, and schedules it once the node fits', async () => {
    await ok(['apply', '-f', '-'], pod('picky', { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'app', image: 'nginx' }] }));
    const pending = await waitPod('picky', 'unschedulable', (p) => p.status.conditions?.some((c: Pod) => c.reason === 'Unschedulable'));
    expect(pending.status.conditions).toEqual([
      {
        type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: expect.any(String), reason: 'Unschedulable',
        message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
      },
    ]);
    await ok(['label', 'node', 'kopf-ts-node', 'disk=ssd']);
    try {
      await waitPod('picky', 'running', (p) => p.status.phase === 'Running');
    } finally {
      await ok(['label', 'node', 'kopf-ts-node', 'disk-']);
    }
  });
});
