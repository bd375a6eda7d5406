import type { AndOr, Command, ContainerProgram, Sequence, Word } from './container-commands.ts';
import type { TimeScale } from './time-scale.ts';

/** Where a running program reports. */
export interface ProcessHandlers {
  /** Text the program wrote (standard output and error alike): the container's log. */
  output(text: string): void;
  /** The program ended with this exit code; called once. */
  exited(code: number): void;
}

/** The exit code of a process killed with SIGKILL (128 + 9). */
export const killedExitCode = 137;

/** A loop iteration that waits for nothing still takes this long, so that busy loops do not spin. */
const busyIterationSeconds = 0.01;

/** `exit K` unwinds the interpreter. */
class Exit {
  constructor(readonly code: number) {}
}

/** The process was killed: the interpreter stops where it is. */
class Stopped {}

const durationUnits: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** busybox `sleep` arguments: numbers with an optional unit, or `infinity`; undefined when one is invalid. */
export function sleepSeconds(args: string[]): number | undefined {
  let total = 0;
  for (const arg of args) {
    if (arg === 'infinity' || arg === 'inf') return Infinity;
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
    if (!m) return undefined;
    total += Number(m[1]) * durationUnits[m[2]];
  }
  return total;
}

/** busybox `echo`: `-n` drops the newline, `-e` interprets backslash escapes (`\c` ends the output). */
export function echoText(args: string[]): string {
  let newline = true;
  let escapes = false;
  let index = 0;
  while (index < args.length && /^-[neE]+$/.test(args[index])) {
    for (const flag of args[index].slice(1)) {
      if (flag === 'n') newline = false;
      else escapes = flag === 'e';
    }
    index++;
  }
  let text = args.slice(index).join(' ');
  if (escapes) {
    const stop = text.indexOf('\\c');
    if (stop >= 0) return interpretEscapes(text.slice(0, stop));
    text = interpretEscapes(text);
  }
  return newline ? `${text}\n` : text;
}

function interpretEscapes(text: string): string {
  const escaped: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', v: '\v', f: '\f' };
  return text.replace(/\\(0[0-7]{0,3}|.)/g, (match, c: string) => {
    if (c.startsWith('0')) return String.fromCharCode(parseInt(c, 8) || 0);
    return escaped[c] ?? match;
  });
}

/** `exit` wraps its argument into 0–255; a non-number is sh's "Illegal number" (2). */
function exitCode(arg: string | undefined, last: number): { code: number; error?: string } {
  if (arg === undefined) return { code: last };
  if (!/^-?\d+$/.test(arg)) return { code: 2, error: `sh: exit: Illegal number: ${arg}\n` };
  return { code: ((Number(arg) % 256) + 256) % 256 };
}

/**
 * A container's main process in simulation. An interpreted script runs on
 * the scaled clock and, as PID 1 of its container, ignores SIGTERM (the
 * kubelet kills it when the grace period ends); an opaque program runs until
 * stopped and stops at once, with exit code 0, on SIGTERM.
 */
export class ContainerProcess {
  private finished = false;
  private status = 0;
  private errexit = false;
  private cancelWait?: () => void;
  private interruptWait?: () => void;

  constructor(
    private readonly program: ContainerProgram,
    private readonly env: Record<string, string>,
    private readonly time: TimeScale,
    private readonly handlers: ProcessHandlers,
  ) {}

  /** Starts running on the next turn of the event loop, as a process starts after its creation. */
  start(): void {
    setImmediate(() => void this.run());
  }

  /** SIGTERM; answers whether the process ended. */
  terminate(): boolean {
    if (this.finished) return true;
    if (this.program.kind === 'script') return false;
    this.stop(0);
    return true;
  }

  /** SIGKILL. */
  kill(): void {
    this.stop(killedExitCode);
  }

  get running(): boolean {
    return !this.finished;
  }

  private stop(code: number): void {
    if (this.finished) return;
    this.cancelWait?.();
    this.interruptWait?.();
    this.finish(code);
  }

  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.handlers.exited(code);
  }

  private async run(): Promise<void> {
    if (this.finished) return;
    try {
      if (this.program.kind === 'opaque') await this.wait(Infinity);
      else await this.sequence(this.program.body, false);
      this.finish(this.status);
    } catch (e) {
      if (e instanceof Exit) this.finish(e.code);
      else if (!(e instanceof Stopped)) throw e;
    }
  }

  /** Waits a simulated duration (Infinity: until killed); a kill interrupts it. */
  private wait(seconds: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.interruptWait = () => reject(new Stopped());
      this.cancelWait = Number.isFinite(seconds) ? this.time.after(seconds, resolve) : undefined;
    });
  }

  private async sequence(body: Sequence, condition: boolean): Promise<boolean> {
    let waited = false;
    for (const list of body) {
      const { ranLast, waited: listWaited } = await this.andOr(list, condition);
      waited ||= listWaited;
      // `set -e` exits on a failure, except in conditions and before the last `&&`/`||`.
      if (this.errexit && !condition && ranLast && this.status !== 0) throw new Exit(this.status);
    }
    return waited;
  }

  private async andOr(list: AndOr, condition: boolean): Promise<{ ranLast: boolean; waited: boolean }> {
    let waited = await this.command(list.first, condition || list.rest.length > 0);
    let ranLast = list.rest.length === 0;
    for (const [index, step] of list.rest.entries()) {
      const runs = step.operator === '&&' ? this.status === 0 : this.status !== 0;
      if (!runs) continue;
      const last = index === list.rest.length - 1;
      waited = (await this.command(step.command, condition || !last)) || waited;
      ranLast = last;
    }
    return { ranLast, waited };
  }

  /** Runs one command; answers whether simulated time passed in it. */
  private async command(command: Command, condition: boolean): Promise<boolean> {
    switch (command.kind) {
      case 'group':
        return this.sequence(command.body, condition);
      case 'loop': {
        let waited = false;
        // A loop's status is its body's last one, or 0 when the body never ran.
        let bodyStatus = 0;
        for (;;) {
          let iterationWaited = await this.sequence(command.condition, true);
          const holds = command.until ? this.status !== 0 : this.status === 0;
          if (!holds) break;
          iterationWaited = (await this.sequence(command.body, condition)) || iterationWaited;
          bodyStatus = this.status;
          if (!iterationWaited) await this.wait(busyIterationSeconds);
          waited = true;
        }
        this.status = bodyStatus;
        return waited;
      }
      case 'simple':
        return this.simple(command.words.map((w) => this.expand(w)), command.output === 'log');
    }
  }

  private async simple(argv: string[], toLog: boolean): Promise<boolean> {
    const name = argv[0].slice(argv[0].lastIndexOf('/') + 1);
    const args = argv.slice(1);
    const write = (text: string) => {
      if (toLog && text) this.handlers.output(text);
    };
    switch (name) {
      case 'echo':
        write(echoText(args));
        this.status = 0;
        return false;
      case 'true':
      case ':':
        this.status = 0;
        return false;
      case 'false':
        this.status = 1;
        return false;
      case 'exit': {
        const { code, error } = exitCode(args[0], this.status);
        if (error) this.handlers.output(error);
        throw new Exit(code);
      }
      case 'set':
        for (const flag of args) {
          if (/^-[a-z]*e/.test(flag)) this.errexit = true;
          if (/^\+[a-z]*e/.test(flag)) this.errexit = false;
        }
        this.status = 0;
        return false;
      case 'sleep': {
        const seconds = args.length ? sleepSeconds(args) : undefined;
        if (seconds === undefined) {
          this.handlers.output(args.length ? `sleep: invalid number '${args.find((a) => sleepSeconds([a]) === undefined)}'\n` : 'Usage: sleep [N]...\n');
          this.status = 1;
          return false;
        }
        await this.wait(seconds);
        this.status = 0;
        return true;
      }
      default:
        // A program the interpreter does not know runs until the container is stopped.
        await this.wait(Infinity);
        return true;
    }
  }

  private expand(word: Word): string {
    return word.parts
      .map((part) => {
        if ('text' in part) return part.text;
        const value = this.parameter(part.parameter);
        return value === '' && part.fallback ? this.expand(part.fallback) : value;
      })
      .join('');
  }

  private parameter(name: string): string {
    if (name === '?') return String(this.status);
    if (name === '$') return '1';
    if (name === '#') return '0';
    if (/^[0-9]$/.test(name)) return name === '0' ? 'sh' : '';
    return this.env[name] ?? '';
  }
}
