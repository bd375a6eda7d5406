/**
 * The engine room of `watchResource()`: drives the pure state machine of
 * `core/watch-machine.ts` — makes its requests, reads its streams chunk by
 * chunk under the inactivity deadline, waits the jittered backoff between
 * failed attempts (or the fixed reconnect pause after a stream that ended
 * normally) — and hands the events over through the async iterator
 * protocol. It is a hand-written iterator rather than an async generator
 * because it serves each chunk's events from one batch: an event costs one
 * settled promise, not a chain of generator steps, on the hottest path of an
 * operator.
 */
import { backoffDelay, delayHonouring, type BackoffSettings } from '../core/backoff.ts';
import type { WatchEvent } from '../core/watch-event.ts';
import type { ListPage, RawWatchEvent, StatusLike, WatchCall, WatchMachine } from '../core/watch-machine.ts';
import { ApiError, apiErrorFor, isTerminal } from './errors.ts';
import { describeRequest } from './request-subject.ts';
import type { WatchIncident, WatchTransport } from './watch.ts';
import { WatchDecoder } from './watch-decoder.ts';

/** The checked options the driver runs by. */
export interface DriverSettings {
  inactivityTimeoutMs: number;
  /** Sent as `timeoutSeconds` with every watch request, when set. */
  serverTimeoutSeconds?: number;
  /** The longest a watch request lasts before the driver closes it and reopens it, when set. */
  clientTimeoutMs?: number;
  /** The pause before reopening a stream that ended normally. */
  reconnectDelayMs: number;
  backoff: BackoffSettings;
  signal?: AbortSignal;
  onIncident?: (incident: WatchIncident) => void;
}

/** How one request went. */
interface Outcome {
  /** It brought news (a page, stream events): the next request goes at once. */
  productive: boolean;
  /** A stream delivered events: the backoff starts over. */
  streamed: boolean;
  /** A stream ended normally: the next request waits the fixed reconnect pause, and the backoff starts over. */
  endedNormally?: boolean;
  incident?: Omit<WatchIncident, 'delayMs' | 'resourceVersion'>;
  /** The server asked to wait this long (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

/**
 * A timer that fires only while armed: armed while waiting for the server,
 * disarmed while the consumer handles events, so a slow consumer never looks
 * like a silent server.
 */
class Deadline {
  private armed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number, onExpiry: () => void) {
    this.timer = setTimeout(() => this.armed && onExpiry(), ms);
    this.timer.unref();
  }

  arm(): void {
    this.armed = true;
    this.timer.refresh();
  }

  disarm(): void {
    this.armed = false;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** Waits, answering false when the signal aborts first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function statusCodeOf(error: unknown): number | undefined {
  return error instanceof ApiError ? error.code : undefined;
}

function retryAfterMsOf(error: unknown): number | undefined {
  return error instanceof ApiError && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : undefined;
}

/** The error of an ERROR event, built as if the request had failed with its Status. */
function streamError(call: WatchCall, status: StatusLike): ApiError {
  return apiErrorFor(status.code ?? 500, status, { request: describeRequest('GET', call.path, call.query) });
}

/** One watch stream, from the request until it is closed. */
class OpenStream {
  /** The body, once the server answered. */
  chunks?: AsyncIterator<Uint8Array>;
  readonly decoder = new WatchDecoder();
  /** Aborting it closes the connection. */
  readonly connection = new AbortController();
  readonly deadline: Deadline;
  /** The deadline expired: the server went silent. */
  silent = false;
  /** The request lasted the client timeout and was closed: a normal end. */
  expired = false;
  private readonly lifetime?: NodeJS.Timeout;
  /** The stream delivered events (ERRORs aside). */
  streamed = false;
  /** When the request was sent, on the monotonic clock. */
  readonly openedAt = performance.now();

  constructor(
    readonly call: WatchCall,
    inactivityTimeoutMs: number,
    clientTimeoutMs: number | undefined,
  ) {
    this.deadline = new Deadline(inactivityTimeoutMs, () => {
      this.silent = true;
      this.connection.abort();
    });
    if (clientTimeoutMs !== undefined) {
      this.lifetime = setTimeout(() => {
        this.expired = true;
        this.connection.abort();
      }, clientTimeoutMs);
      this.lifetime.unref();
    }
  }

  close(): void {
    this.deadline.clear();
    clearTimeout(this.lifetime);
    this.connection.abort();
  }
}

const done: IteratorResult<WatchEvent, undefined> = Object.freeze({ value: undefined, done: true });

/** One running watch: the iterator `watchResource()` returns. */
export class WatchDriver {
  /** Events decoded and not yet handed over. */
  private batch: WatchEvent[] = [];
  private index = 0;
  /** A terminal error that arrived with events still to hand over: thrown after them. */
  private failure?: { error: unknown };
  private stopped = false;
  /** Serializes `next()` calls that overlap, as an async generator would queue them. */
  private tail: Promise<unknown> = Promise.resolve();
  /** `next()` calls in line on `tail`: a later call must not overtake them. */
  private waiting = 0;
  private open?: OpenStream;
  /** Consecutive requests that brought no stream events: the position on the backoff curve. */
  private attempt = 0;
  private delayMs = 0;
  /** Aborted when the watch stops, by `return()` or the caller's signal. */
  private readonly stop = new AbortController();
  private readonly unlink: () => void;

  constructor(
    private readonly transport: WatchTransport,
    private readonly machine: WatchMachine,
    private readonly settings: DriverSettings,
  ) {
    const { signal } = settings;
    const onAbort = () => this.finish();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.unlink = () => signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) this.finish();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<WatchEvent, undefined>> {
    if (this.waiting === 0) {
      // The common case, an event already decoded and nobody ahead in line, costs one settled promise.
      if (this.index < this.batch.length) return Promise.resolve({ value: this.batch[this.index++], done: false });
      return this.inLine(this.failure ? this.rethrow() : this.refill());
    }
    return this.inLine(this.tail.then(() => this.take()));
  }

  return(): Promise<IteratorResult<WatchEvent, undefined>> {
    this.finish();
    this.batch = [];
    this.failure = undefined;
    return Promise.resolve(done);
  }

  /** Puts a call in line: later calls wait for it, so answers come in the order of the calls. */
  private inLine(result: Promise<IteratorResult<WatchEvent, undefined>>): Promise<IteratorResult<WatchEvent, undefined>> {
    this.waiting++;
    this.tail = result.then(this.leaveLine, this.leaveLine);
    return result;
  }

  private readonly leaveLine = () => {
    this.waiting--;
  };

  private take(): Promise<IteratorResult<WatchEvent, undefined>> {
    if (this.index < this.batch.length) return Promise.resolve({ value: this.batch[this.index++], done: false });
    return this.failure ? this.rethrow() : this.refill();
  }

  private rethrow(): Promise<never> {
    const { error } = this.failure!;
    this.failure = undefined;
    return Promise.reject(error);
  }

  /** Steps the watch until it has events to hand over, or stops. */
  private async refill(): Promise<IteratorResult<WatchEvent, undefined>> {
    // Let go of the handed-over events while waiting, possibly for minutes, for the next ones.
    this.batch = [];
    this.index = 0;
    const out: WatchEvent[] = [];
    while (!this.stopped && out.length === 0) {
      try {
        if (this.open) await this.readChunk(this.open, out);
        else await this.request(out);
      } catch (error) {
        this.finish();
        if (out.length === 0) throw error;
        this.failure = { error };
      }
    }
    if (out.length === 0) return done;
    this.batch = out;
    this.index = 1;
    return { value: out[0], done: false };
  }

  /** Stops for good: closes the stream and forgets the caller's signal. */
  private finish(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stop.abort();
    this.closeStream();
    this.unlink();
  }

  /**
   * Makes the machine's next request, after the pause the last outcome asked
   * for. Events go to `out`; only terminal errors are thrown.
   */
  private async request(out: WatchEvent[]): Promise<void> {
    if (this.delayMs > 0 && !(await pause(this.delayMs, this.stop.signal))) return;
    const call = this.machine.nextCall();
    try {
      if (call.kind === 'list') {
        const page = await this.transport.request<ListPage>({ method: 'GET', path: call.path, query: call.query, signal: this.stop.signal });
        this.machine.onPage(page, out);
        this.settle({ productive: true, streamed: false });
      } else await this.connect(call);
    } catch (error) {
      if (this.stopped) return;
      if (isTerminal(error)) throw error;
      const verdict = this.machine.onFailure(statusCodeOf(error));
      const kind = verdict === 'fallback' ? 'watch-list-rejected' : statusCodeOf(error) === 410 ? 'expired' : 'failed';
      this.settle({ productive: verdict === 'fallback', streamed: false, incident: { kind, phase: call.kind, error }, retryAfterMs: retryAfterMsOf(error) });
    }
  }

  /** Opens a stream; failures to open it are thrown, except silence, which is an outcome. */
  private async connect(call: WatchCall): Promise<void> {
    const { serverTimeoutSeconds } = this.settings;
    const sent = serverTimeoutSeconds === undefined ? call : { ...call, query: { ...call.query, timeoutSeconds: serverTimeoutSeconds } };
    const stream = new OpenStream(sent, this.settings.inactivityTimeoutMs, this.settings.clientTimeoutMs);
    stream.deadline.arm();
    try {
      // Stopping the watch also ends a request still waiting for its response headers.
      const signal = AbortSignal.any([stream.connection.signal, this.stop.signal]);
      const chunks = await this.transport.stream({ path: sent.path, query: sent.query, signal });
      if (this.stopped) throw this.stop.signal.reason;
      stream.chunks = chunks[Symbol.asyncIterator]();
      this.open = stream;
    } catch (error) {
      stream.close();
      if (this.stopped || !(stream.silent || stream.expired)) throw error;
      this.machine.onStreamEnd();
      if (stream.expired) this.settle({ productive: false, streamed: false, endedNormally: true });
      else this.settle({ productive: false, streamed: false, incident: { kind: 'silent', phase: 'watch' } });
    } finally {
      stream.deadline.disarm();
    }
  }

  /** Reads one chunk and hands its events to the machine, until it says stop. */
  private async readChunk(stream: OpenStream, out: WatchEvent[]): Promise<void> {
    let chunk: IteratorResult<Uint8Array>;
    stream.deadline.arm();
    try {
      chunk = await stream.chunks!.next();
    } catch (error) {
      if (this.stopped) return;
      if (stream.expired) return this.endStream(stream);
      this.endStream(stream, stream.silent ? { kind: 'silent', phase: 'stream' } : { kind: 'failed', phase: 'stream', error });
      return;
    } finally {
      stream.deadline.disarm();
    }
    if (chunk.done) return this.endStream(stream);
    let raws: RawWatchEvent[];
    try {
      raws = stream.decoder.push(chunk.value);
    } catch (error) {
      return this.endStream(stream, { kind: 'failed', phase: 'stream', error });
    }
    for (const raw of raws) {
      const verdict = this.machine.onEvent(raw, out);
      if (raw.type !== 'ERROR') stream.streamed = true;
      if (verdict.kind === 'relist') {
        this.closeStream();
        this.settle({ productive: stream.streamed, streamed: stream.streamed, incident: { kind: 'expired', phase: 'stream', error: streamError(stream.call, raw.object as StatusLike) } });
        return;
      }
      if (verdict.kind === 'error') {
        const error = streamError(stream.call, verdict.status);
        this.closeStream();
        if (isTerminal(error)) throw error;
        this.machine.onStreamEnd();
        this.settle({ productive: false, streamed: stream.streamed, incident: { kind: 'failed', phase: 'stream', error }, retryAfterMs: retryAfterMsOf(error) });
        return;
      }
    }
  }

  /**
   * The stream ended without a verdict of its own: cleanly, broken, silent, or closed by the client
   * timeout. A clean end is normal when the stream delivered events or lasted the server or client
   * timeout; a clean end of an empty stream before that counts as a failed attempt.
   */
  private endStream(stream: OpenStream, incident?: Outcome['incident']): void {
    this.closeStream();
    this.machine.onStreamEnd();
    const endedNormally = !incident && (stream.streamed || stream.expired || this.lastedServerTimeout(stream));
    this.settle({ productive: stream.streamed, streamed: stream.streamed, endedNormally, incident });
  }

  private lastedServerTimeout(stream: OpenStream): boolean {
    const { serverTimeoutSeconds } = this.settings;
    // Measured from before the request was sent, so never shorter than the server's own count.
    return serverTimeoutSeconds !== undefined && performance.now() - stream.openedAt >= serverTimeoutSeconds * 1000;
  }

  private closeStream(): void {
    const stream = this.open;
    if (!stream) return;
    this.open = undefined;
    stream.close();
  }

  /** Sets the pause before the next request from how the last one went, and reports the incident. */
  private settle(outcome: Outcome): void {
    if (outcome.streamed || outcome.endedNormally) this.attempt = 0;
    if (outcome.endedNormally) this.delayMs = this.settings.reconnectDelayMs;
    else this.delayMs = outcome.productive ? 0 : delayHonouring(backoffDelay(this.attempt++, this.settings.backoff), outcome.retryAfterMs);
    if (outcome.incident) this.settings.onIncident?.({ ...outcome.incident, delayMs: this.delayMs, resourceVersion: this.machine.resourceVersion });
  }
}
