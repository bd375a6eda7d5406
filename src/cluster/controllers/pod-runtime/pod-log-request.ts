import { record, records } from '../../builtins/define.ts';
import { ApiError, badRequest, fieldError, invalid, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../resource-type.ts';
import type { ContainerLogs, LogLine } from './container-logs.ts';

/** What `GET pods/{name}/log` answers: the text so far and, with `follow`, a way to stream the rest. */
export interface PodLogAnswer {
  text: string;
  /** Streams each new piece of the log to `write` until the container stops, then calls `end`; answers the cancel. */
  follow?: (write: (text: string) => void, end: () => void) => () => void;
}

/** PodLogOptions from the query. */
interface LogOptions {
  container?: string;
  previous: boolean;
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
}

function integer(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^[+-]?\d+$/.test(value)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}

function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value === 'true' || value === '1';
}

/** Decodes and validates PodLogOptions as kube-apiserver does (422 `PodLogOptions "<pod>" is invalid`). */
function logOptions(podName: string, query: URLSearchParams): LogOptions {
  const sinceTimeText = query.get('sinceTime');
  let sinceTime: Date | undefined;
  if (sinceTimeText !== null) {
    sinceTime = new Date(sinceTimeText);
    if (Number.isNaN(sinceTime.getTime())) throw badRequest(`parsing time ${JSON.stringify(sinceTimeText)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTimeText)} as "2006"`);
  }
  const options: LogOptions = {
    container: query.get('container') || undefined,
    previous: flag(query, 'previous'),
    follow: flag(query, 'follow'),
    timestamps: flag(query, 'timestamps'),
    tailLines: integer(query, 'tailLines'),
    limitBytes: integer(query, 'limitBytes'),
    sinceSeconds: integer(query, 'sinceSeconds'),
    sinceTime,
  };
  const errors: FieldError[] = [];
  if (options.tailLines !== undefined && options.tailLines < 0) errors.push(fieldError.invalid('tailLines', options.tailLines, 'must be greater than or equal to 0'));
  if (options.limitBytes !== undefined && options.limitBytes < 1) errors.push(fieldError.invalid('limitBytes', options.limitBytes, 'must be greater than 0'));
  if (options.sinceSeconds !== undefined && options.sinceTime) errors.push(fieldError.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  else if (options.sinceSeconds !== undefined && options.sinceSeconds < 1) errors.push(fieldError.invalid('sinceSeconds', options.sinceSeconds, 'must be greater than 0'));
  if (errors.length) throw invalid('PodLogOptions', podName, errors, '', 'PodLogOptions');
  return options;
}

/** The container a log request is about: named, or the only one (apiserver's `validateContainer`). */
function containerOf(pod: KubeObject, requested: string | undefined): string {
  const spec = record(pod.spec) ?? {};
  const all = [...records(spec.initContainers), ...records(spec.containers), ...records(spec.ephemeralContainers)].map((c) => String(c.name));
  const regular = records(spec.containers);
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  if (regular.length === 1) return String(regular[0].name);
  if (regular.length === 0) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}`);
  throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${all.join(' ')}]`);
}

/** The kubelet's choice of the run whose log is read, from the container's status (`validateContainerLogStatus`). */
function runOf(pod: KubeObject, container: string, previous: boolean): string {
  const status = record(pod.status) ?? {};
  const name = pod.metadata.name;
  const found = [...records(status.containerStatuses), ...records(status.initContainerStatuses), ...records(status.ephemeralContainerStatuses)].find((s) => s.name === container);
  if (!found) throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is not available`);
  const state = record(found.state) ?? {};
  const last = record(record(found.lastState)?.terminated);
  const idOf = (ref: unknown) => String(ref ?? '').replace(/^[a-z]+:\/\//, '');
  if (previous) {
    if (!last?.containerID) throw badRequest(`previous terminated container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} not found`);
    return idOf(last.containerID);
  }
  if (state.running) return idOf(found.containerID);
  const terminated = record(state.terminated);
  if (terminated) {
    if (terminated.containerID) return idOf(terminated.containerID);
    if (last?.containerID) return idOf(last.containerID);
    throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is terminated`);
  }
  if (last) {
    if (!last.containerID) throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is terminated`);
    return idOf(last.containerID);
  }
  const waiting = record(state.waiting);
  if (waiting) {
    const reason = waiting.reason === 'ErrImagePull' ? 'image can\'t be pulled' : waiting.reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : String(waiting.reason ?? '');
    throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start: ${reason}`);
  }
  throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start - no logs yet`);
}

/** RFC 3339 with nanoseconds, as the runtime stamps log lines. */
function stamp(time: Date): string {
  return time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function render(line: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${stamp(line.time)} ` : ''}${line.text}${line.complete ? '\n' : ''}`;
}

/**
 * Answers `GET pods/{name}/log` (container, previous, follow, timestamps,
 * tailLines, limitBytes, sinceSeconds, sinceTime). A pod not bound to a node
 * has no log yet (an empty answer, as upstream's); one on the simulated node
 * is read from the node's logs.
 */
export function podLog(pod: KubeObject, query: URLSearchParams, node: { name: string; logs: ContainerLogs } | undefined, now: Date): PodLogAnswer {
  const options = logOptions(pod.metadata.name!, query);
  const container = containerOf(pod, options.container);
  const nodeName = record(pod.spec)?.nodeName;
  if (!nodeName || !node || nodeName !== node.name) return { text: '' };
  const log = node.logs.get(runOf(pod, container, options.previous));
  if (!log) throw new ApiError(400, 'BadRequest', `container ${JSON.stringify(container)} in pod ${JSON.stringify(pod.metadata.name)} is not available`);
  const since = options.sinceTime ?? (options.sinceSeconds !== undefined ? new Date(now.getTime() - options.sinceSeconds * 1000) : undefined);
  let lines = log.lines.filter((l) => !since || l.time >= since);
  if (options.tailLines !== undefined) lines = options.tailLines === 0 ? [] : lines.slice(-options.tailLines);
  let text = lines.map((l) => render(l, options.timestamps)).join('');
  const limit = options.limitBytes;
  if (limit !== undefined && Buffer.byteLength(text) >= limit) return { text: Buffer.from(text).subarray(0, limit).toString() };
  if (!options.follow || log.finished) return { text };
  // Following goes on from where the text ends; a line still being written is sent once complete (or at the end).
  const pending = lines[lines.length - 1];
  if (pending && !pending.complete) text = text.slice(0, text.length - render(pending, options.timestamps).length);
  let sent = Buffer.byteLength(text);
  return {
    text,
    follow: (write, end) => {
      let stop = () => {};
      stop = log.follow(
        (line) => {
          let piece = render(line, options.timestamps);
          if (limit !== undefined && sent + Buffer.byteLength(piece) >= limit) {
            piece = Buffer.from(piece).subarray(0, limit - sent).toString();
            write(piece);
            stop();
            end();
            return;
          }
          sent += Buffer.byteLength(piece);
          write(piece);
        },
        end,
      );
      return () => stop();
    },
  };
}
