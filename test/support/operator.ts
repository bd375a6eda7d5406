/**
 * Runs an operator in-process against a test cluster, as the engine's integration tests need it: its
 * log lines collected (plain format, debug level), the PATCH requests it sent counted, and a stop that
 * waits for the graceful end.
 */
import { Api } from '../../src/client/api.ts';
import { loadConnection } from '../../src/client/config.ts';
import { createTransport, type Transport } from '../../src/client/transport.ts';
import { createLogger } from '../../src/engine/logging.ts';
import { operator, type OperatorOptions } from '../../src/engine/operator.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';

/** One request the operator sent. */
export interface SentRequest {
  method: string;
  path: string;
  contentType?: string;
  body?: unknown;
}

/** A running operator under test. */
export interface TestOperator {
  /** Every log line so far, plain format (`[ns/name] message`). */
  readonly lines: string[];
  /** Every request so far (watches excluded). */
  readonly requests: SentRequest[];
  /** The PATCH requests so far. */
  patches(): SentRequest[];
  /** The lines matching a pattern. */
  matching(pattern: RegExp): string[];
  /** Waits until a line matches. */
  waitForLine(pattern: RegExp, timeout?: number): Promise<string>;
  /** Stops the operator; resolves after its graceful end (rejects with its error). */
  stop(): Promise<void>;
  /** Settles when the operator ends (for tests of fatal errors). */
  readonly ended: Promise<void>;
}

/**
 * Starts `operator()` against the cluster with the given options (cluster-wide unless namespaces are
 * given), with a counting client — or, with `counting: false`, with none, so that the operator connects
 * by itself (login handlers).
 */
export async function startOperator(cluster: TestCluster, options: OperatorOptions = {}, { counting: withCounting = true } = {}): Promise<TestOperator> {
  const lines: string[] = [];
  const requests: SentRequest[] = [];
  const connection = await loadConnection({ kubeconfig: cluster.kubeconfigPath });
  const inner = createTransport(connection);
  const counting: Transport = {
    request(request) {
      requests.push({ method: request.method ?? 'GET', path: request.path, contentType: request.contentType, body: request.body });
      return inner.request(request);
    },
    stream: (request) => inner.stream(request),
    close: () => inner.close(),
  };
  const api = new Api(connection, counting);
  const logger = createLogger({ level: 'debug', format: 'plain', output: { write: (text: string) => lines.push(...text.replace(/\n$/, '').split('\n')) } });
  const stop = new AbortController();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const client = withCounting ? { api } : {};
  const ended = operator({ clusterwide: !options.namespaces, ...options, ...client, logger, signal: stop.signal, onReady: ready }).finally(() => api.close());
  await Promise.race([started, ended]);
  const matching = (pattern: RegExp) => lines.filter((line) => pattern.test(line));
  return {
    lines,
    requests,
    ended,
    patches: () => requests.filter((request) => request.method === 'PATCH'),
    matching,
    waitForLine: (pattern, timeout = 10_000) =>
      cluster.waitFor(() => matching(pattern)[0], { timeout, description: `a log line matching ${pattern}` }).catch((error: Error) => {
        throw new Error(`${error.message}; the operator logged:\n${lines.join('\n')}`);
      }),
    async stop() {
      stop.abort();
      await ended;
    },
  };
}
