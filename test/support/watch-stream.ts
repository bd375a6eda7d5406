import { Agent, request } from 'undici';
import { parse } from 'yaml';
import type { TestCluster } from '../../src/testing.ts';

/** One event of a watch stream as the client parsed it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

/**
 * A raw watch stream as a test sees it: the status and headers, the events
 * received so far, and whether the server has ended the stream.
 */
export interface WatchStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Events parsed so far (ERROR bodies of non-200 answers are not events: see `text`). */
  events: WatchEvent[];
  /** Everything received so far, as text. */
  readonly text: string;
  /** True once the server ended the stream cleanly. */
  readonly ended: boolean;
  /** Resolves when the server ends the stream; rejects if the connection fails. */
  finished: Promise<void>;
  /** Starts reading a stream opened with `stalled: true`. */
  resume(): void;
  /** Closes the stream from the client side. */
  close(): void;
}

export interface WatchOptions {
  headers?: Record<string, string>;
  /** Opens the stream but reads nothing until `resume()`: a client that stopped reading. */
  stalled?: boolean;
}

/** Opens raw watch streams on a test cluster, authenticated as its kubeconfig says. */
export function watchOpener(cluster: TestCluster): { open(path: string, options?: WatchOptions): Promise<WatchStream>; close(): Promise<void> } {
  const config = parse(cluster.kubeconfig);
  const caData: string | undefined = config.clusters[0].cluster['certificate-authority-data'];
  const token: string | undefined = config.users[0].user.token;
  const dispatcher = new Agent({ connect: caData ? { ca: Buffer.from(caData, 'base64').toString() } : {} });
  const streams = new Set<WatchStream>();

  async function open(path: string, options: WatchOptions = {}): Promise<WatchStream> {
    const controller = new AbortController();
    const response = await request(cluster.url + path, {
      dispatcher,
      signal: controller.signal,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers },
    });
    let text = '';
    let partial = '';
    let ended = false;
    const events: WatchEvent[] = [];
    let startReading!: () => void;
    const mayRead = new Promise<void>((resolve) => (startReading = resolve));
    if (!options.stalled) startReading();
    const finished = (async () => {
      await mayRead;
      for await (const chunk of response.body) {
        const piece = chunk.toString();
        text += piece;
        partial += piece;
        let newline: number;
        while ((newline = partial.indexOf('\n')) >= 0) {
          const line = partial.slice(0, newline);
          partial = partial.slice(newline + 1);
          if (response.statusCode === 200 && line.trim()) events.push(JSON.parse(line));
        }
      }
      ended = true;
    })();
    // A test that closes a stream itself does not care how the read ends.
    finished.catch(() => {});
    const stream: WatchStream = {
      status: response.statusCode,
      headers: response.headers as WatchStream['headers'],
      events,
      get text() {
        return text;
      },
      get ended() {
        return ended;
      },
      finished,
      resume: () => startReading(),
      close: () => {
        streams.delete(stream);
        controller.abort();
      },
    };
    streams.add(stream);
    return stream;
  }

  return {
    open,
    async close() {
      for (const stream of [...streams]) stream.close();
      await dispatcher.close();
    },
  };
}

/** The events of a stream without bookmarks, as `TYPE name@rv` strings: compact to compare. */
export function summary(events: WatchEvent[]): string[] {
  return events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}`);
}
