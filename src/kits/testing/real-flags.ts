/** The files one run of a real control plane reads, all inside the run's temporary directory. */
export interface ControlPlaneFiles {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
  /** The static token file: one admin token in `system:masters`. */
  tokenFile: string;
  /** The admin kubeconfig, also used by kube-controller-manager. */
  kubeconfig: string;
  etcdDataDir: string;
}

/** The loopback ports of one run. */
export interface ControlPlanePorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  /** Only when kube-controller-manager runs. */
  controllerManager?: number;
}

// Enough controllers for what tests observe on a real cluster: garbage collection, namespace deletion, the
// default ServiceAccount and its token, the kube-root-ca.crt ConfigMap in each namespace, aggregated cluster
// roles and quota accounting. Workload controllers stay off: without nodes nothing would run anyway.
const controllers = [
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
  'clusterrole-aggregation-controller',
  'resourcequota-controller',
];

/** The command line of etcd: one member on loopback, without fsync (test data need not survive a crash). */
export function etcdArgs(memberName: string, files: ControlPlaneFiles, ports: ControlPlanePorts): string[] {
  const clientUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    `--name=${memberName}`,
    `--data-dir=${files.etcdDataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=${memberName}=${peerUrl}`,
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

/**
 * The command line of kube-apiserver. Without kube-controller-manager nobody creates ServiceAccounts, so the
 * ServiceAccount admission plugin (which would refuse pods and more without one) is turned off, as envtest does.
 */
export function apiserverArgs(files: ControlPlaneFiles, ports: ControlPlanePorts, withControllerManager: boolean): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    // These machines have no default route, from which the apiserver would otherwise pick its address, and a
    // loopback address is not valid in Endpoints, so the `kubernetes` Service's endpoints are not maintained.
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    `--tls-cert-file=${files.servingCert}`,
    `--tls-private-key-file=${files.servingKey}`,
    `--client-ca-file=${files.caCert}`,
    `--token-auth-file=${files.tokenFile}`,
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${files.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${files.serviceAccountPrivateKey}`,
    '--allow-privileged=true',
    ...(withControllerManager ? [] : ['--disable-admission-plugins=ServiceAccount']),
  ];
}

/**
 * The command line of kube-controller-manager. It serves with our certificate too, so that its health can be
 * probed with the same CA as the apiserver's.
 */
export function controllerManagerArgs(files: ControlPlaneFiles, ports: ControlPlanePorts): string[] {
  if (ports.controllerManager === undefined) throw new Error('no port was picked for kube-controller-manager');
  return [
    `--kubeconfig=${files.kubeconfig}`,
    `--authentication-kubeconfig=${files.kubeconfig}`,
    `--authorization-kubeconfig=${files.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.controllerManager}`,
    `--tls-cert-file=${files.servingCert}`,
    `--tls-private-key-file=${files.servingKey}`,
    '--leader-elect=false',
    `--controllers=${controllers.join(',')}`,
    `--service-account-private-key-file=${files.serviceAccountPrivateKey}`,
    `--root-ca-file=${files.caCert}`,
    `--cluster-signing-cert-file=${files.caCert}`,
    `--cluster-signing-key-file=${files.caKey}`,
  ];
}
