import { describe, expect, it } from 'vitest';
import { containerProgram, expandReferences, parseScript, type ContainerProgram } from './container-commands.ts';

/** The argv of every simple command of a script, in order, with parameters shown as `$name`. */
function commands(program: ContainerProgram): string[][] {
  expect(program.kind).toBe('script');
  const result: string[][] = [];
  const walk = (body: Extract<ContainerProgram, { kind: 'script' }>['body']) => {
    for (const list of body) {
      for (const command of [list.first, ...list.rest.map((r) => r.command)]) {
        if (command.kind === 'simple') result.push(command.words.map((w) => w.parts.map((p) => ('text' in p ? p.text : `$${p.parameter}`)).join('')));
        else if (command.kind === 'group') walk(command.body);
        else {
          walk(command.condition);
          walk(command.body);
        }
      }
    }
  };
  walk((program as Extract<ContainerProgram, { kind: 'script' }>).body);
  return result;
}

describe('containerProgram', () => {
  it('interprets sh -c scripts and the known programs run directly', () => {
    expect(commands(containerProgram(['sh', '-c', "echo 'Hello, Kubernetes!'; sleep 5; exit 1"], undefined, {}))).toEqual([
      ['echo', 'Hello, Kubernetes!'],
      ['sleep', '5'],
      ['exit', '1'],
    ]);
    expect(commands(containerProgram(['/bin/sleep'], ['3600'], {}))).toEqual([['sleep', '3600']]);
    expect(commands(containerProgram(undefined, ['/bin/sh', '-ec', 'true'], {}))).toEqual([['true']]);
  });

  it('runs the image entrypoint and unknown programs opaquely', () => {
    expect(containerProgram(undefined, undefined, {})).toEqual({ kind: 'opaque' });
    expect(containerProgram(['nginx', '-g', 'daemon off;'], undefined, {})).toEqual({ kind: 'opaque' });
    expect(containerProgram(['sh', 'script.sh'], undefined, {})).toEqual({ kind: 'opaque' });
  });

  it('ends at once for a shell without a script, as a container without stdin does', () => {
    expect(containerProgram(['sh'], undefined, {})).toEqual({ kind: 'script', body: [] });
  });

  it('expands $(VAR) references in command and args from the environment', () => {
    expect(expandReferences('$(GREETING), $(MISSING) $$(GREETING)', { GREETING: 'hi' })).toBe('hi, $(MISSING) $(GREETING)');
    expect(commands(containerProgram(['echo', '$(NAME)'], undefined, { NAME: 'pod-1' }))).toEqual([['echo', 'pod-1']]);
  });
});

describe('parseScript', () => {
  it('parses quotes, escapes, parameters and comments', () => {
    expect(commands(parseScript(`echo "a \\"b\\" $HOME" 'c $d' e\\ f # comment\necho \${X:-y}$?`))).toEqual([
      ['echo', 'a "b" $HOME', 'c $d', 'e f'],
      ['echo', '$X$?'],
    ]);
  });

  it('parses && and || lists, groups and while/until loops', () => {
    const program = parseScript('false || { echo a; echo b; } && echo c\nwhile true; do echo tick; sleep 1; done\nuntil false; do :; done');
    expect(commands(program)).toEqual([['false'], ['echo', 'a'], ['echo', 'b'], ['echo', 'c'], ['true'], ['echo', 'tick'], ['sleep', '1'], ['false'], [':']]);
  });

  it('keeps stream duplications and discards output redirected to files', () => {
    const program = parseScript('echo err >&2; echo quiet > /dev/null; echo both 2>&1');
    expect(program.kind).toBe('script');
    const outputs = (program as Extract<ContainerProgram, { kind: 'script' }>).body.map((l) => (l.first.kind === 'simple' ? l.first.output : undefined));
    expect(outputs).toEqual(['log', 'discard', 'log']);
  });

  it('treats syntax outside the subset as an opaque program', () => {
    for (const script of ['echo a | grep a', 'sleep 1 &', 'if true; then echo; fi', 'echo $(date)', 'echo `date`', 'for i in 1 2; do echo $i; done', "echo 'open"]) {
      expect(parseScript(script), script).toEqual({ kind: 'opaque' });
    }
  });
});
