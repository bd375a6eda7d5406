/**
 * The cluster benchmark's HTTP client: one keep-alive HTTP/1.1 connection
 * over plain TCP, one request at a time, responses framed by Content-Length
 * or chunked encoding; or one watch stream, handed over line by line.
 *
 * It exists because the load generator shares the machine with the server it
 * measures: undici's request API spends about three times the CPU per request
 * (≈220 µs against ≈80 µs on the 2-core benchmark machine), CPU that is then
 * missing from the server under test. Loopback HTTP only: no TLS, redirects,
 * retries or pipelining.
 */
import { connect, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export interface HttpResponse {
  status: number;
  body: string;
}

/** Where the bytes of a response body are in what was received. */
interface Framing {
  status: number;
  bodyStart: number;
  /** The body's length, or undefined for a chunked body. */
  length?: number;
}

export class HttpConnection {
  private socket?: Socket;
  private connected?: Promise<void>;
  private received: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (response: HttpResponse) => void; reject: (error: Error) => void };
  /** Set once the connection carries a watch: every body chunk goes to it. */
  private stream?: {
    onLine: (line: string) => void;
    decoder: StringDecoder;
    partial: string;
    framing?: Framing;
    /** Settles the `watch()` call once the response head arrived. */
    started: { resolve: () => void; reject: (error: Error) => void };
  };

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** A connection to an `http://host:port` URL, opened on its first request. */
  static to(url: string): HttpConnection {
    const { hostname, port } = new URL(url);
    return new HttpConnection(hostname, Number(port));
  }

  /** Sends one request and resolves with its whole response. */
  async request(method: string, path: string, body?: string, contentType = 'application/json'): Promise<HttpResponse> {
    const socket = await this.open();
    if (this.pending || this.stream) throw new Error('the connection is busy');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      socket.write(this.requestText(method, path, body, contentType));
    });
  }

  /**
   * Sends a GET whose response is a stream (a watch) and hands over each of
   * its lines as it arrives. Resolves once the response head arrived: the
   * server has then registered the watch.
   */
  async watch(path: string, onLine: (line: string) => void): Promise<void> {
    const socket = await this.open();
    if (this.pending || this.stream) throw new Error('the connection is busy');
    return new Promise((resolve, reject) => {
      this.stream = { onLine, decoder: new StringDecoder('utf8'), partial: '', started: { resolve, reject } };
      socket.write(this.requestText('GET', path));
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  /** The open socket; a new one when there is none yet or the server closed the last (an idle keep-alive connection). */
  private async open(): Promise<Socket> {
    if (!this.socket || this.socket.destroyed) {
      const socket = connect(this.port, this.host);
      socket.setNoDelay(true);
      this.connected = new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      // A replaced socket's late events are not about the current request.
      socket.on('data', (data: Buffer) => socket === this.socket && this.onData(data));
      socket.on('error', (error) => socket === this.socket && this.fail(error));
      socket.on('close', () => socket === this.socket && this.fail(new Error('the connection closed')));
      this.socket = socket;
      this.received = Buffer.alloc(0);
    }
    await this.connected;
    return this.socket;
  }

  private requestText(method: string, path: string, body?: string, contentType = 'application/json'): string {
    const head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}\r\n`;
    if (body === undefined) return `${head}\r\n`;
    return `${head}Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }

  private onData(data: Buffer): void {
    this.received = this.received.length === 0 ? data : Buffer.concat([this.received, data]);
    if (this.stream) this.readStream();
    else this.readResponse();
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
    this.stream?.started.reject(error);
  }

  /** The status line and headers at the start of what was received, once they are complete. */
  private framing(): Framing | undefined {
    const headEnd = this.received.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const head = this.received.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
    return { status: Number(head.slice(9, 12)), bodyStart: headEnd + 4, length: length ? Number(length[1]) : chunked ? undefined : 0 };
  }

  private readResponse(): void {
    const framing = this.framing();
    if (!framing || !this.pending) return;
    let body: string;
    let end: number;
    if (framing.length !== undefined) {
      end = framing.bodyStart + framing.length;
      if (this.received.length < end) return;
      body = this.received.toString('utf8', framing.bodyStart, end);
    } else {
      const parts: Buffer[] = [];
      let at = framing.bodyStart;
      for (;;) {
        const chunk = this.chunkAt(at);
        if (!chunk) return;
        at = chunk.next;
        if (chunk.data.length === 0) break;
        parts.push(chunk.data);
      }
      end = at;
      body = Buffer.concat(parts).toString('utf8');
    }
    this.received = this.received.subarray(end);
    const pending = this.pending;
    this.pending = undefined;
    pending.resolve({ status: framing.status, body });
  }

  private readStream(): void {
    const stream = this.stream!;
    if (!stream.framing) {
      stream.framing = this.framing();
      if (!stream.framing) return;
      if (stream.framing.status !== 200) {
        stream.started.reject(new Error(`the watch was answered with ${stream.framing.status}`));
        return;
      }
      this.received = this.received.subarray(stream.framing.bodyStart);
      stream.started.resolve();
    }
    for (;;) {
      const chunk = this.chunkAt(0);
      if (!chunk || chunk.data.length === 0) return;
      this.received = this.received.subarray(chunk.next);
      const lines = (stream.partial + stream.decoder.write(chunk.data)).split('\n');
      stream.partial = lines.pop()!;
      for (const line of lines) stream.onLine(line);
    }
  }

  /** The chunk of a chunked body that starts at `at`, once it has fully arrived; empty data for the last chunk. */
  private chunkAt(at: number): { data: Buffer; next: number } | undefined {
    const lineEnd = this.received.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(this.received.toString('latin1', at, lineEnd), 16);
    const dataEnd = lineEnd + 2 + size;
    if (this.received.length < dataEnd + 2) return undefined;
    return { data: this.received.subarray(lineEnd + 2, dataEnd), next: dataEnd + 2 };
  }
}
