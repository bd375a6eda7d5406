/**
 * The command interpreter of the simulated kubelet: what a container "runs".
 * Nothing is executed; a small subset of the POSIX shell is understood so
 * that the usual test containers behave as they would on a node:
 *
 * - the programs `sleep N` (also `Ns`, `Nm`, `Nh`, `Nd`, `infinity`), `echo`
 *   (`-n`, `-e`), `true`, `false`, `:` and `exit K`, `set` (only `-e` counts);
 * - `sh -c "…"` (also bash, ash, dash) with sequences (`;`, newlines), `&&`,
 *   `||`, `{ …; }` groups, `while`/`until` loops, `$VAR`, `${VAR}`,
 *   `${VAR:-default}`, `$?`, quotes and backslashes, comments, and the
 *   redirections `>&2`, `2>&1` (kept: both streams are the container's log)
 *   and `> file` (the output goes to the file, not to the log);
 * - `$(VAR)` in `command` and `args`, expanded from the container's
 *   environment as the kubelet does.
 *
 * Anything else — an image's own entrypoint, an unknown program, pipes,
 * background jobs, `if`, `for`, command substitution — runs until stopped.
 */

/** One piece of a shell word: literal text or a parameter to expand. */
export type WordPart = { text: string } | { parameter: string; fallback?: Word };

export interface Word {
  parts: WordPart[];
  /** Whether any part was quoted: quoted words are never reserved words. */
  quoted: boolean;
}

/** Where a simple command's standard output goes. */
export type OutputTarget = 'log' | 'discard';

export type Command =
  | { kind: 'simple'; words: Word[]; output: OutputTarget }
  | { kind: 'loop'; until: boolean; condition: Sequence; body: Sequence }
  | { kind: 'group'; body: Sequence };

/** `a && b || c`: each step runs when the previous status asks for it. */
export interface AndOr {
  first: Command;
  rest: Array<{ operator: '&&' | '||'; command: Command }>;
}

export type Sequence = AndOr[];

/** What a container runs: an interpreted script, or a program that runs until stopped. */
export type ContainerProgram = { kind: 'script'; body: Sequence } | { kind: 'opaque' };

const shells = new Set(['sh', 'bash', 'ash', 'dash']);
const interpretedPrograms = new Set(['sleep', 'echo', 'true', 'false']);

/** Raised for shell syntax outside the supported subset: the program then counts as opaque. */
class Unsupported extends Error {}

/**
 * The program of a container from its `command` and `args`. Without a
 * `command`, `args` replace the image's default arguments; images without an
 * entrypoint of their own (busybox, alpine) then run `args` as the command,
 * which is what is assumed here. Without either, the image's own entrypoint
 * runs: opaque.
 */
export function containerProgram(command: string[] | undefined, args: string[] | undefined, env: Record<string, string>): ContainerProgram {
  const argv = (command?.length ? [...command, ...(args ?? [])] : (args ?? [])).map((a) => expandReferences(a, env));
  if (argv.length === 0) return { kind: 'opaque' };
  const program = argv[0].slice(argv[0].lastIndexOf('/') + 1);
  if (shells.has(program)) {
    const flags = argv[1];
    // Without `-c` a shell reads its standard input, which a container does not have: it ends at once.
    if (flags === undefined) return { kind: 'script', body: [] };
    if (!/^-[a-z]*c[a-z]*$/.test(flags)) return { kind: 'opaque' };
    return parseScript(argv[2] ?? '');
  }
  if (interpretedPrograms.has(program)) {
    const words = argv.map((text, i) => ({ parts: [{ text: i === 0 ? program : text }], quoted: true }));
    return { kind: 'script', body: [{ first: { kind: 'simple', words, output: 'log' }, rest: [] }] };
  }
  return { kind: 'opaque' };
}

/**
 * The kubelet's `$(VAR)` expansion of command and args: known variables are
 * replaced, unknown references stay as written, `$$` is a literal `$`.
 */
export function expandReferences(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return env[name!] ?? match;
  });
}

/** Parses a `sh -c` script; syntax outside the subset makes the program opaque. */
export function parseScript(script: string): ContainerProgram {
  try {
    const parser = new ScriptParser(tokenize(script));
    const body = parser.sequence([]);
    parser.expectEnd();
    return { kind: 'script', body };
  } catch (e) {
    if (e instanceof Unsupported) return { kind: 'opaque' };
    throw e;
  }
}

type Token = { kind: 'word'; word: Word } | { kind: 'operator'; text: string };

const operators = ['&&', '||', ';;', ';', '&', '|', '(', ')', '\n'];

/** Splits a script into words and operators, removing quotes and recording expansions. */
function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let current: Word | undefined;
  const literal = (text: string) => {
    current ??= { parts: [], quoted: false };
    const last = current.parts[current.parts.length - 1];
    if (last && 'text' in last) last.text += text;
    else current.parts.push({ text });
  };
  const endWord = () => {
    if (current) tokens.push({ kind: 'word', word: current });
    current = undefined;
  };
  const parameter = () => {
    // At `$`: answers how many characters the expansion took.
    const rest = script.slice(i + 1);
    const simple = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9])/.exec(rest);
    if (simple) {
      current ??= { parts: [], quoted: false };
      current.parts.push({ parameter: simple[1] });
      return 1 + simple[1].length;
    }
    if (rest.startsWith('{')) {
      const close = rest.indexOf('}');
      if (close < 0) throw new Unsupported();
      const inner = rest.slice(1, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(inner);
      if (!m) throw new Unsupported();
      current ??= { parts: [], quoted: false };
      current.parts.push(m[2] === undefined ? { parameter: m[1] } : { parameter: m[1], fallback: { parts: [{ text: m[2] }], quoted: true } });
      return 2 + close;
    }
    if (rest.startsWith('(')) throw new Unsupported();
    // A `$` that starts no expansion is itself.
    literal('$');
    return 1;
  };
  while (i < script.length) {
    const c = script[i];
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '#' && !current) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (c === '\\') {
      if (script[i + 1] === '\n') i += 2;
      else {
        literal(script[i + 1] ?? '');
        current!.quoted = true;
        i += 2;
      }
    } else if (c === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) throw new Unsupported();
      literal(script.slice(i + 1, close));
      current!.quoted = true;
      i = close + 1;
    } else if (c === '"') {
      i++;
      literal('');
      current!.quoted = true;
      while (i < script.length && script[i] !== '"') {
        const d = script[i];
        if (d === '\\' && '$"\\`\n'.includes(script[i + 1] ?? '')) {
          if (script[i + 1] !== '\n') literal(script[i + 1]);
          i += 2;
        } else if (d === '$') i += parameter();
        else if (d === '`') throw new Unsupported();
        else {
          literal(d);
          i++;
        }
      }
      if (i >= script.length) throw new Unsupported();
      i++;
    } else if (c === '$') {
      i += parameter();
    } else if (c === '`') {
      throw new Unsupported();
    } else if (c === '>' || c === '<' || (/[0-9]/.test(c) && !current && /^[0-9]+[<>]/.test(script.slice(i)))) {
      endWord();
      const m = /^([0-9]*)(>>|>&|>|<&|<)/.exec(script.slice(i))!;
      tokens.push({ kind: 'operator', text: `${m[1]}${m[2]}` });
      i += m[0].length;
    } else {
      const op = operators.find((o) => script.startsWith(o, i));
      if (op) {
        endWord();
        tokens.push({ kind: 'operator', text: op });
        i += op.length;
      } else {
        literal(c);
        i++;
      }
    }
  }
  endWord();
  return tokens;
}

const unsupportedReserved = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'case', 'esac', 'in', 'function', 'select', '!', '[[', ']]']);

/** The literal text of an unquoted word without expansions, if it is one: reserved words are such words. */
function plainText(word: Word): string | undefined {
  if (word.quoted || word.parts.length !== 1 || !('text' in word.parts[0])) return undefined;
  return word.parts[0].text;
}

class ScriptParser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  expectEnd(): void {
    if (this.position < this.tokens.length) throw new Unsupported();
  }

  /** Commands separated by `;` or newlines, up to one of the closing reserved words (or the end). */
  sequence(closers: string[]): Sequence {
    const result: Sequence = [];
    for (;;) {
      this.skipSeparators();
      const token = this.peek();
      if (!token) return result;
      if (token.kind === 'word' && closers.includes(plainText(token.word) ?? '')) return result;
      if (token.kind === 'operator') throw new Unsupported();
      result.push(this.andOr());
      const next = this.peek();
      if (!next) return result;
      if (next.kind === 'operator' && (next.text === ';' || next.text === '\n')) continue;
      throw new Unsupported();
    }
  }

  private andOr(): AndOr {
    const first = this.command();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const token = this.peek();
      if (token?.kind !== 'operator' || (token.text !== '&&' && token.text !== '||')) return { first, rest };
      this.position++;
      while (this.peek()?.kind === 'operator' && (this.peek() as { text: string }).text === '\n') this.position++;
      rest.push({ operator: token.text, command: this.command() });
    }
  }

  private command(): Command {
    const token = this.peek();
    const reserved = token?.kind === 'word' ? plainText(token.word) : undefined;
    if (reserved === 'while' || reserved === 'until') {
      this.position++;
      const condition = this.sequence(['do']);
      this.expectWord('do');
      const body = this.sequence(['done']);
      this.expectWord('done');
      return { kind: 'loop', until: reserved === 'until', condition, body };
    }
    if (reserved === '{') {
      this.position++;
      const body = this.sequence(['}']);
      this.expectWord('}');
      return { kind: 'group', body };
    }
    if (reserved !== undefined && unsupportedReserved.has(reserved)) throw new Unsupported();
    return this.simple();
  }

  private simple(): Command {
    const words: Word[] = [];
    let output: OutputTarget = 'log';
    for (;;) {
      const token = this.peek();
      if (!token) break;
      if (token.kind === 'word') {
        words.push(token.word);
        this.position++;
        continue;
      }
      if (/^[0-9]*(>>|>&|>|<&|<)$/.test(token.text)) {
        this.position++;
        const target = this.peek();
        if (target?.kind !== 'word') throw new Unsupported();
        this.position++;
        const fd = /^[0-9]+/.exec(token.text)?.[0] ?? (token.text.startsWith('<') ? '0' : '1');
        const to = plainText(target.word) ?? '';
        // Both streams end up in the container's log: duplicating one onto the other changes nothing.
        if (token.text.endsWith('&')) {
          if (!/^[0-9]+$/.test(to)) throw new Unsupported();
          continue;
        }
        if (token.text.startsWith('<') || token.text.endsWith('<')) continue;
        if (fd === '1') output = 'discard';
        continue;
      }
      break;
    }
    if (words.length === 0) throw new Unsupported();
    return { kind: 'simple', words, output };
  }

  private expectWord(text: string): void {
    const token = this.peek();
    if (token?.kind !== 'word' || plainText(token.word) !== text) throw new Unsupported();
    this.position++;
  }

  private skipSeparators(): void {
    while (this.peek()?.kind === 'operator' && [';', '\n'].includes((this.peek() as { text: string }).text)) this.position++;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }
}
