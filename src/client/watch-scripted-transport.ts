/**
 * A stand-in for the transport in tests of the watch and its hub: list
 * answers and request failures come from queues the test fills, and every
 * watch request gets a stream the test writes events to, ends or breaks.
 * It speaks the watch's two requests only (`WatchTransport`).
 */
import type { WatchTransport } from './watch.ts';

type Query = Record<string, string | number | boolean | undefined>;

/** A watch response the test writes to: events, a clean end, or a broken connection. */
export class ScriptedStream implements AsyncIterable<Uint8Array> {
  private readonly queue: Array<Uint8Array | Error | 'end'> = [];
  private wake = () => {};
  /** The client closed the stream (aborted its request). */
  aborted = false;

  constructor(
    readonly query: Query,
    signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', () => {
      this.aborted = true;
      this.wake();
    });
  }

  /** Sends events, all in one chunk. */
  send(...events: Array<{ type: string; object: unknown }>): void {
    this.queue.push(new TextEncoder().encode(events.map((e) => `${JSON.stringify(e)}\n`).join('')));
    this.wake();
  }

  /** Ends the stream cleanly, after what was sent. */
  end(): void {
    this.queue.push('end');
    this.wake();
  }

  /** Breaks the connection with an error, after what was sent. */
  break(error: Error): void {
    this.queue.push(error);
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.aborted) throw new DOMException('This operation was aborted', 'AbortError');
      const item = this.queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (item === 'end') return;
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

/**
 * A transport whose answers the test scripts: list pages and request
 * failures from a queue (an empty queue answers an empty list), and streams
 * the test writes to (or failures to open them).
 */
export class ScriptedTransport implements WatchTransport {
  /** Every list request made, in order. */
  readonly lists: Array<{ path: string; query: Query }> = [];
  /** Every stream opened, in order. */
  readonly streams: ScriptedStream[] = [];
  /** The answers of the next list requests: a page, or an error to throw. */
  readonly listAnswers: Array<object | Error> = [];
  /** Errors for the next watch requests to fail with, before any stream opens. */
  readonly streamFailures: Error[] = [];

  async request<T>(options: { path: string; query?: Query }): Promise<T> {
    this.lists.push({ path: options.path, query: options.query ?? {} });
    const answer = this.listAnswers.shift() ?? { kind: 'ConfigMapList', metadata: { resourceVersion: '1' }, items: [] };
    if (answer instanceof Error) throw answer;
    return answer as T;
  }

  async stream(options: { path: string; query?: Query; signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array>> {
    const failure = this.streamFailures.shift();
    if (failure) throw failure;
    const stream = new ScriptedStream(options.query ?? {}, options.signal);
    this.streams.push(stream);
    return stream;
  }

  /** The stream opened last. */
  get lastStream(): ScriptedStream {
    return this.streams[this.streams.length - 1];
  }
}
