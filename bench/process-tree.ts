/**
 * The CPU time and memory of a process and all its descendants, read from /proc (Linux only): what an
 * operator costs however many processes it runs as (a launcher, an interpreter, helpers).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on common kernels). */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** The executable's name as the kernel keeps it (at most 15 characters). */
  command: string;
  /** utime + stime of the process itself, in ticks. */
  ownTicks: number;
  /** cutime + cstime: the times of its children that ended and were waited for, in ticks. */
  reapedChildTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // ended meanwhile
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const command = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14–17.
  return { pid, ppid: Number(fields[1]), command, ownTicks: Number(fields[11]) + Number(fields[12]), reapedChildTicks: Number(fields[13]) + Number(fields[14]) };
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pids of a process and every live descendant, the root first. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  }
  const tree: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.shift()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** One reading of a process tree. */
export interface TreeSample {
  /** CPU seconds (user + system) of the live processes and of the descendants they waited for. */
  cpuSeconds: number;
  /** The sum of the resident sets of the live processes, in bytes. */
  rssBytes: number;
  /** The largest peak resident set (VmHWM) of any single live process, in bytes. */
  largestPeakBytes: number;
  /** The live processes: their command names and resident sets. */
  members: Array<{ pid: number; command: string; rssBytes: number }>;
}

/** Reads the CPU time and resident memory of a process tree now. */
export function sampleTree(rootPid: number): TreeSample {
  let ticks = 0;
  let rssKiB = 0;
  let largestPeakKiB = 0;
  const members: TreeSample['members'] = [];
  for (const pid of processTree(rootPid)) {
    const stat = readStat(pid);
    if (!stat) continue;
    const memberRssKiB = statusKiB(pid, 'VmRSS');
    ticks += stat.ownTicks + stat.reapedChildTicks;
    rssKiB += memberRssKiB;
    largestPeakKiB = Math.max(largestPeakKiB, statusKiB(pid, 'VmHWM'));
    members.push({ pid, command: stat.command, rssBytes: memberRssKiB * 1024 });
  }
  return { cpuSeconds: ticks / ticksPerSecond, rssBytes: rssKiB * 1024, largestPeakBytes: largestPeakKiB * 1024, members };
}

/**
 * Watches a process tree while it runs: its peak resident memory, polled (the sum over the tree at one
 * moment, never less than the peak any single process reports itself), and its CPU time on demand.
 */
export class TreeMonitor {
  private peak = 0;
  private peakSample: TreeSample | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly rootPid: number, intervalMs = 100) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  /** Takes a reading now (also the moment to call before the tree ends). */
  sample(): TreeSample {
    const now = sampleTree(this.rootPid);
    if (now.rssBytes > (this.peakSample?.rssBytes ?? 0)) this.peakSample = now;
    this.peak = Math.max(this.peak, now.rssBytes, now.largestPeakBytes);
    return now;
  }

  /** What the tree was made of when its polled sum was highest, e.g. `node 180.2 + esbuild 21.5 MiB`. */
  get peakComposition(): string {
    const members = this.peakSample?.members ?? [];
    return `${members.map((m) => `${m.command} ${(m.rssBytes / 1048576).toFixed(1)}`).join(' + ')} MiB`;
  }

  /** The highest resident memory of the tree seen so far, in bytes. */
  get peakRssBytes(): number {
    return this.peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
