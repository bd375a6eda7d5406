/**
 * The node's container logs: what each run of a container wrote, line by
 * line with the time each line started, as the runtime's log files hold
 * them. Readers may follow a running container's log.
 */

export interface LogLine {
  time: Date;
  text: string;
  /** False for the last line while it has no newline yet. */
  complete: boolean;
}

/** A run's log is kept up to this size; older lines go first (upstream rotates at 10 MiB). */
const maxLogBytes = 2 * 1024 * 1024;

/** The log of one run of a container. */
export class ContainerLog {
  readonly lines: LogLine[] = [];
  private bytes = 0;
  private ended = false;
  private readonly followers = new Set<{ line: (line: LogLine) => void; end: () => void }>();

  get finished(): boolean {
    return this.ended;
  }

  /** Appends output: complete lines, and possibly the start (or rest) of a line without its newline. */
  append(text: string, time: Date): void {
    const pieces = text.split('\n');
    pieces.forEach((piece, i) => {
      const complete = i < pieces.length - 1;
      if (!complete && piece === '') return;
      const last = this.lines[this.lines.length - 1];
      if (last && !last.complete) {
        last.text += piece;
        last.complete = complete;
        this.bytes += piece.length;
        if (complete) this.notify(last);
        return;
      }
      const line = { time, text: piece, complete };
      this.lines.push(line);
      this.bytes += piece.length + 1;
      if (complete) this.notify(line);
    });
    while (this.bytes > maxLogBytes && this.lines.length > 1) this.bytes -= this.lines.shift()!.text.length + 1;
  }

  /** The run ended: followers get the unfinished last line, if any, then the end. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const last = this.lines[this.lines.length - 1];
    for (const follower of [...this.followers]) {
      if (last && !last.complete) follower.line(last);
      follower.end();
    }
    this.followers.clear();
  }

  /** Calls `line` for each line completed from now on and `end` when the run ends; answers the unsubscribe. */
  follow(line: (line: LogLine) => void, end: () => void): () => void {
    if (this.ended) {
      end();
      return () => {};
    }
    const follower = { line, end };
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  private notify(line: LogLine): void {
    for (const follower of this.followers) follower.line(line);
  }
}

/** Every kept log on the node, by container id. */
export class ContainerLogs {
  private readonly logs = new Map<string, ContainerLog>();

  /** The log of a new run. */
  open(containerId: string): ContainerLog {
    const log = new ContainerLog();
    this.logs.set(containerId, log);
    return log;
  }

  get(containerId: string): ContainerLog | undefined {
    return this.logs.get(containerId);
  }

  /** Removes the logs of runs that are gone (garbage-collected containers, deleted pods). */
  remove(containerIds: Iterable<string>): void {
    for (const id of containerIds) {
      this.logs.get(id)?.end();
      this.logs.delete(id);
    }
  }
}
