import { describe, expect, it } from 'vitest';
import { containerProgram } from './container-commands.ts';
import { ContainerProcess, echoText, sleepSeconds } from './container-process.ts';
import { TimeScale } from './time-scale.ts';

const time = new TimeScale(0.001, () => new Date());

/** Runs a container command to its end (or until `stopAfterMs`), collecting its output and exit code. */
function run(command: string[], env: Record<string, string> = {}, stopAfterMs?: number) {
  let output = '';
  return new Promise<{ output: string; code: number; process: ContainerProcess }>((resolve) => {
    const process: ContainerProcess = new ContainerProcess(containerProgram(command, undefined, env), env, time, {
      output: (text) => (output += text),
      exited: (code) => resolve({ output, code, process }),
    });
    process.start();
    if (stopAfterMs !== undefined) setTimeout(() => process.kill(), stopAfterMs);
  });
}

describe('ContainerProcess', () => {
  it('runs the seed pod script: greeting, sleep, exit code', async () => {
    const started = Date.now();
    const { output, code } = await run(['sh', '-c', "echo 'Hello, Kubernetes!'; sleep 5; exit 1"]);
    expect(output).toBe('Hello, Kubernetes!\n');
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4);
  });

  it('ends with the last status, honours && / || and set -e', async () => {
    expect((await run(['sh', '-c', 'echo a; false'])).code).toBe(1);
    expect((await run(['sh', '-c', 'false && echo no || echo yes'])).output).toBe('yes\n');
    expect(await run(['sh', '-c', 'set -e; echo one; false; echo two'])).toMatchObject({ output: 'one\n', code: 1 });
    expect((await run(['sh', '-c', 'set -e; false || true; echo after'])).output).toBe('after\n');
    expect((await run(['sh', '-c', 'exit 300'])).code).toBe(44);
    expect((await run(['true'])).code).toBe(0);
    expect((await run(['false'])).code).toBe(1);
  });

  it('expands parameters from the environment, with fallbacks and $?', async () => {
    const { output } = await run(['sh', '-c', 'echo "$GREETING ${WHO:-world}"; false; echo $?'], { GREETING: 'hello' });
    expect(output).toBe('hello world\n1\n');
  });

  it('loops until a condition changes or the process is killed', async () => {
    const { output, code } = await run(['sh', '-c', 'while true; do echo tick; sleep 1; done'], {}, 30);
    expect(code).toBe(137);
    expect(output.split('\n').filter(Boolean).length).toBeGreaterThan(2);
  });

  it('ignores SIGTERM when interpreted (PID 1), stops at once with 0 when opaque', async () => {
    const sleeper = new ContainerProcess(containerProgram(['sleep', '3600'], undefined, {}), {}, time, { output: () => {}, exited: () => {} });
    sleeper.start();
    expect(sleeper.terminate()).toBe(false);
    expect(sleeper.running).toBe(true);
    sleeper.kill();
    expect(sleeper.running).toBe(false);
    let exit: number | undefined;
    const server = new ContainerProcess(containerProgram(['nginx'], undefined, {}), {}, time, { output: () => {}, exited: (c) => (exit = c) });
    server.start();
    expect(server.terminate()).toBe(true);
    expect(exit).toBe(0);
  });

  it('reports an unknown program inside a script as running until stopped', async () => {
    const { output, code } = await run(['sh', '-c', 'echo start; exec nginx; echo never'], {}, 20);
    expect(output).toBe('start\n');
    expect(code).toBe(137);
  });
});

describe('busybox programs', () => {
  it('parses sleep durations', () => {
    expect(sleepSeconds(['5'])).toBe(5);
    expect(sleepSeconds(['1.5', '2m'])).toBe(121.5);
    expect(sleepSeconds(['infinity'])).toBe(Infinity);
    expect(sleepSeconds(['soon'])).toBeUndefined();
  });

  it('echoes with -n and -e', () => {
    expect(echoText(['a', 'b'])).toBe('a b\n');
    expect(echoText(['-n', 'a'])).toBe('a');
    expect(echoText(['-e', 'a\\tb\\n'])).toBe('a\tb\n\n');
    expect(echoText(['-e', 'a\\cb'])).toBe('a');
    expect(echoText(['a\\tb'])).toBe('a\\tb\n');
  });
});
