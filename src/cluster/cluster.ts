import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admission } from './admission/admission.ts';
import { AdmittedWrites } from './admission/admitted-writes.ts';
import { ApiServer } from './api-server.ts';
import { bootstrapObjects } from './bootstrap.ts';
import { CrdController } from './controllers/crd-controller.ts';
import { GarbageCollector } from './controllers/garbage-collector.ts';
import { NamespaceController } from './controllers/namespace-controller.ts';
import { podLog } from './controllers/pod-runtime/pod-log-request.ts';
import { Workloads } from './controllers/workloads.ts';
import { Deleter } from './deletion.ts';
import { Faults } from './faults.ts';
import { kubeconfigYaml } from '../core/kubeconfig.ts';
import { ObjectApi } from './objects.ts';
import { OpenApiService } from './openapi-service.ts';
import { Patcher } from './patching.ts';
import { ResourceRegistry } from './resource-registry.ts';
import { Reviews } from './reviews.ts';
import { ScaleApi } from './scale.ts';
import { createSchemaSupport } from './schema-support.ts';
import type { ClusterState } from './state.ts';
import { Store } from './store.ts';

/** Options of an embedded cluster. */
export interface EmbeddedClusterOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; 127.0.0.1 by default. */
  address?: string;
  /** Serve plain HTTP without authentication (loopback addresses only). */
  http?: boolean;
  /** Where to write the kubeconfig; a temporary file by default. */
  kubeconfigPath?: string;
  /** Milliseconds between bookmarks on idle watches (default 60 s). */
  bookmarkIntervalMs?: number;
  /** How many changes watches can resume from (default 10 000). */
  historySize?: number;
  /**
   * PEM of a CA whose client certificates authenticate (HTTPS only), as
   * kube-apiserver's `--client-ca-file`: a certificate it signed with a CN
   * (the user) is accepted. The bearer token keeps working beside it.
   */
  clientCaPem?: string;
  /**
   * Run pods: a scheduler binds them to the node, a simulated kubelet runs
   * their containers, and the Deployment, ReplicaSet and Job controllers
   * make pods for their workloads (docs/embedded-cluster.md, "Running
   * pods"). Off by default, as on the test control plane, which has none.
   */
  runPods?: boolean;
  /**
   * Real seconds per simulated second for running pods (default 1): with
   * 0.01 a `sleep 5` lasts 50 ms and a 10 s crash-loop back-off 100 ms.
   */
  timeScale?: number;
}

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * A CA and a serving certificate for HTTPS on `address`. The certificate
 * code is loaded only here: its X.509 library is about 10 MB of memory that
 * a `--http` cluster never needs.
 */
async function servingCertificatesFor(address: string) {
  const { createServingCertificates } = await import('../core/certificates.ts');
  return createServingCertificates({ hosts: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'], ips: ['127.0.0.1', ...(loopback.has(address) ? [] : [address])] });
}

/** The version the server reports: kubectl's dispatcher picks its kubectl from the minor (§0.1). */
const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kopf-ts',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/**
 * An in-process, in-memory Kubernetes API server that real kubectl,
 * client libraries and operators talk to as to kube-apiserver 1.32.
 */
export class EmbeddedCluster {
  readonly faults = new Faults();
  readonly state: ClusterState;
  readonly objects: ObjectApi;
  private readonly deleter: Deleter;
  private server?: Server;
  private api?: ApiServer;
  private admission?: Admission;
  private readonly sockets = new Set<Socket>();
  private controllers: Array<{ idle(): Promise<void>; stop(): void }> = [];
  private unsubscribe?: () => void;
  private tempDir?: string;
  private info?: { url: string; kubeconfig: string; kubeconfigPath: string; token?: string; caPem?: string };

  private constructor(private readonly options: EmbeddedClusterOptions) {
    let ipCounter = 10;
    let nodePort = 30000;
    const store = new Store(options.historySize ?? 10_000);
    const registry = new ResourceRegistry();
    this.state = {
      store,
      registry,
      schemas: createSchemaSupport(),
      now: () => new Date(),
      services: {
        allocateClusterIP: () => `10.96.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 2}`,
        allocateNodePort: () => nodePort++,
        randomSuffix: (n) => randomBytes(n).toString('hex').slice(0, n),
      },
    };
    this.objects = new ObjectApi(this.state);
    this.deleter = new Deleter(this.state, this.objects);
    this.faults.attach(() => store.compact());
  }

  /** Starts a cluster: listening, bootstrapped and ready when the promise resolves. */
  static async start(options: EmbeddedClusterOptions = {}): Promise<EmbeddedCluster> {
    const cluster = new EmbeddedCluster(options);
    await cluster.listen();
    return cluster;
  }

  get url(): string {
    return this.info!.url;
  }

  /** The kubeconfig YAML text (context `kopf-ts`). */
  get kubeconfig(): string {
    return this.info!.kubeconfig;
  }

  get kubeconfigPath(): string {
    return this.info!.kubeconfigPath;
  }

  /** The bearer token, when the cluster serves HTTPS. */
  get token(): string | undefined {
    return this.info!.token;
  }

  /** The CA that signed the serving certificate, when the cluster serves HTTPS. */
  get caPem(): string | undefined {
    return this.info!.caPem;
  }

  /** Resolves when every internal controller (GC, namespaces, CRDs) has nothing left to do. */
  async settle(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      await Promise.all(this.controllers.map((c) => c.idle()));
      await new Promise((r) => setImmediate(r));
      if (this.controllers.every((c) => !(c as { busy?: boolean }).busy)) return;
    }
  }

  private async listen(): Promise<void> {
    const address = this.options.address ?? '127.0.0.1';
    if (this.options.http && !loopback.has(address)) {
      throw new Error(`--http serves without authentication and is refused on the non-loopback address ${address}`);
    }
    const certificates = this.options.http ? undefined : await servingCertificatesFor(address);
    const token = this.options.http ? undefined : randomBytes(24).toString('hex');
    const caPem = certificates?.caCert ?? '';

    const onError = (what: string, error: unknown) => console.error(`embedded cluster: ${what} failed:`, error);
    const namespaces = new NamespaceController(this.state, this.objects, this.deleter, caPem, onError);
    const gc = new GarbageCollector(this.state, this.objects, this.deleter, onError);
    const crds = new CrdController(this.state, this.objects, this.deleter, (group, plural) => this.api?.closeWatchesOf(group, plural), onError);
    const workloads = this.options.runPods ? new Workloads(this.state, this.objects, this.deleter, this.options.timeScale ?? 1, onError) : undefined;
    this.controllers = [namespaces, gc, crds, ...(workloads ? [workloads] : [])];
    this.unsubscribe = this.state.store.subscribe((event) => {
      gc.observe(event);
      namespaces.observe(event);
      crds.observe(event);
      workloads?.observe(event);
    });
    const patcher = new Patcher(this.objects);
    this.admission = new Admission(this.state.store, this.objects);
    this.api = new ApiServer(
      {
        state: this.state,
        objects: this.objects,
        deleter: this.deleter,
        patcher,
        admitted: new AdmittedWrites(this.objects, patcher, this.deleter, this.admission),
        scale: new ScaleApi(this.objects, patcher),
        reviews: new Reviews(),
        namespaces,
        crds,
        openapi: new OpenApiService(this.state.registry),
        faults: this.faults,
        podLog: (pod, query) => (workloads ? workloads.podLog(pod, query) : podLog(pod, query, undefined, this.state.now())),
      },
      {
        token,
        serverAddress: () => `${address}:${(this.server!.address() as AddressInfo).port}`,
        bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 60_000,
        version: serverVersion,
      },
    );
    bootstrapObjects(this.objects, this.state);
    await this.settle();

    const handler = (req: Parameters<ApiServer['handle']>[0], res: Parameters<ApiServer['handle']>[1]) => void this.api!.handle(req, res);
    // Client certificates are asked for but not required: token clients connect without one.
    const clientCertificates = this.options.clientCaPem ? { ca: this.options.clientCaPem, requestCert: true, rejectUnauthorized: false } : {};
    this.server = certificates ? createHttpsServer({ cert: certificates.cert, key: certificates.key, ...clientCertificates }, handler) : createHttpServer(handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, address, () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    const host = address.includes(':') ? `[${address}]` : address;
    const url = `${certificates ? 'https' : 'http'}://${host}:${port}`;
    let kubeconfigPath = this.options.kubeconfigPath;
    if (!kubeconfigPath) {
      this.tempDir = mkdtempSync(join(tmpdir(), 'kopf-ts-cluster-'));
      kubeconfigPath = join(this.tempDir, 'kubeconfig');
    }
    const kubeconfig = kubeconfigYaml({ url, token, caPem: certificates?.caCert });
    writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
    this.info = { url, kubeconfig, kubeconfigPath, token, caPem: certificates?.caCert };
  }

  /** Stops serving: closes every watch and socket, stops the controllers, removes temporary files. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.admission?.configurations.stop();
    for (const c of this.controllers) c.stop();
    this.api?.closeWatches();
    if (this.server) {
      const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }
}
