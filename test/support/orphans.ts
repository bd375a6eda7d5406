/**
 * For tests that a process started by the test kits dies with its parent: a parent program is run to
 * its end (or its death), and its child is given two seconds to follow it.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether `command` is an executable on PATH. */
export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((entry) => entry !== '' && existsSync(join(entry, command)));
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `program` (TypeScript that starts a child, prints its pid on stdout, then ends) to `path`, runs
 * it to its end, and answers the child's pid once the child has ended or two seconds have passed.
 */
export async function childOfEndedParent(path: string, program: string): Promise<number> {
  writeFileSync(path, program);
  const outcome = await run(process.execPath, ['--import', 'tsx', path]).catch((error: { stdout: string }) => error);
  const pid = Number(String(outcome.stdout).trim());
  if (!(pid > 0)) throw new Error(`the parent program printed no pid: ${JSON.stringify(outcome.stdout)}`);
  const deadline = Date.now() + 2_000;
  while (isRunning(pid) && Date.now() < deadline) await sleep(20);
  return pid;
}
