import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childOfEndedParent, isRunning, onPath } from '../../../test/support/orphans.ts';
import { ComponentExitedError, logTail, startComponent, type ComponentProcess } from './real-process.ts';

let dir: string;
const started: ComponentProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kopf-ts-process-test-'));
});

afterEach(async () => {
  for (const component of started.splice(0)) await component.stop(100);
  rmSync(dir, { recursive: true, force: true });
});

function shell(name: string, script: string): ComponentProcess {
  const component = startComponent(name, '/bin/sh', ['-c', script], join(dir, `${name}.log`));
  started.push(component);
  return component;
}

async function untilExited(component: ComponentProcess): Promise<void> {
  while (component.exit === undefined) await sleep(10);
}


describe('startComponent', () => {
  it('sends stdout and stderr to the log file and records the exit', async () => {
    const component = shell('talker', 'echo out; echo err >&2; exit 3');
    await untilExited(component);
    expect(component.exit).toEqual({ code: 3, signal: null });
    expect(logTail(component.logPath)).toBe('    out\n    err');
  });

  it('stops a process with SIGTERM', async () => {
    const component = shell('sleeper', 'exec sleep 30');
    await component.stop(5_000);
    expect(component.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isRunning(component.pid)).toBe(false);
  });

  it('kills a process that ignores SIGTERM once the grace time is over', async () => {
    const component = shell('stubborn', `trap '' TERM; echo trapped; while :; do sleep 0.05; done`);
    while (!logTail(component.logPath).includes('trapped')) await sleep(10);
    const began = Date.now();
    await component.stop(300);
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
    expect(component.exit?.signal).toBe('SIGKILL');
  });

  it('reports a binary that cannot run', async () => {
    let component: ComponentProcess;
    try {
      component = startComponent('ghost', join(dir, 'no-such-binary'), [], join(dir, 'ghost.log'));
    } catch (error) {
      // Spawned directly, the failure is known at once.
      expect(String(error)).toContain('cannot be executed');
      return;
    }
    // Through setpriv, the failure is an early exit.
    started.push(component);
    await untilExited(component);
    expect(component.exit?.code).not.toBe(0);
  });

  /** Runs a parent process that starts a sleeper, prints its pid and then ends as `ending` says. */
  async function orphanAfterParent(ending: string): Promise<number> {
    const module = fileURLToPath(new URL('./real-process.ts', import.meta.url));
    return childOfEndedParent(
      join(dir, 'parent.ts'),
      `import { startComponent } from ${JSON.stringify(module)};\n` +
        `const child = startComponent('orphan', 'sleep', ['30'], ${JSON.stringify(join(dir, 'orphan.log'))});\n` +
        `console.log(child.pid);\n` +
        `setTimeout(() => { ${ending} }, 200);\n`,
    );
  }

  it('ends the process when its parent exits', async () => {
    expect(isRunning(await orphanAfterParent('process.exit(0);'))).toBe(false);
  });

  // Only the kernel's parent-death signal covers a parent that is killed outright.
  it.skipIf(!onPath('setpriv'))('ends the process when its parent is killed', async () => {
    expect(isRunning(await orphanAfterParent("process.kill(process.pid, 'SIGKILL');"))).toBe(false);
  });
});

describe('ComponentExitedError', () => {
  it('carries the end of the log and knows a port clash', async () => {
    const component = shell('clash', 'seq 1 40; echo "listen tcp 127.0.0.1:1234: bind: address already in use"; exit 1');
    await untilExited(component);
    const error = new ComponentExitedError(component);
    expect(error.message).toContain('clash exited during start (code 1)');
    expect(error.message).toContain('address already in use');
    expect(error.message).not.toContain('    15\n');
    expect(error.portWasTaken).toBe(true);
  });

  it('does not take other failures for a port clash', async () => {
    const component = shell('broken', 'echo "invalid flag"; exit 2');
    await untilExited(component);
    expect(new ComponentExitedError(component).portWasTaken).toBe(false);
  });
});
