import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { planRun, registerRunCommand, UsageError, type RunFlags, type RunPlan } from './run-command.ts';

/** Parses `kopf run <args>` as the CLI does, returning the plan the command would execute and what it printed. */
async function parse(args: string[]): Promise<{ plan?: RunPlan; error?: CommanderError; stderr: string }> {
  let stderr = '';
  let plan: RunPlan | undefined;
  const program = new Command().name('kopf').exitOverride().configureOutput({ writeErr: (text) => (stderr += text), writeOut: () => {} });
  registerRunCommand(program, async (planned) => {
    plan = planned;
  });
  try {
    await program.parseAsync(['run', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { error, stderr };
  }
  return { plan, stderr };
}

const noFlags: RunFlags = { module: [], namespace: [], logFormat: 'full' };

describe('kopf run: arguments to a plan', () => {
  it('loads the files in the order given, then the modules', async () => {
    const { plan } = await parse(['b.ts', '-m', 'pkg-one', 'a.ts', '--module', './local.ts']);
    expect(plan?.files).toEqual(['b.ts', 'a.ts']);
    expect(plan?.modules).toEqual(['pkg-one', './local.ts']);
  });

  it('passes the liveness endpoint to the operator', async () => {
    const { plan } = await parse(['op.ts', '-A', '--liveness', 'http://0.0.0.0:8080/healthz']);
    expect(plan?.operator).toEqual({ clusterwide: true, standalone: false, liveness: 'http://0.0.0.0:8080/healthz' });
    expect((await parse(['op.ts', '-L', 'http://localhost/'])).plan?.operator.liveness).toBe('http://localhost/');
  });

  it('takes the peering name and priority, --dev meaning priority 666', async () => {
    expect((await parse(['op.ts', '-n', 'ns1', '-P', 'team', '-p', '10'])).plan?.operator).toMatchObject({ peering: 'team', priority: 10 });
    expect((await parse(['op.ts', '-A', '--dev'])).plan?.operator.priority).toBe(666);
    const { error, stderr } = await parse(['op.ts', '-A', '-p', 'high']);
    expect(error?.exitCode).toBe(2);
    expect(stderr).toContain('--priority must be an integer, not high');
  });

  it('runs modules alone, without files', async () => {
    const { plan } = await parse(['-m', 'my-operator']);
    expect(plan?.files).toEqual([]);
    expect(plan?.modules).toEqual(['my-operator']);
  });

  it('logs at info in the full format by default, leaving the prefix to the format', async () => {
    const { plan } = await parse(['op.ts']);
    expect(plan?.logging).toEqual({ level: 'info', format: 'full' });
    expect(plan?.showStacks).toBe(false);
  });

  it.each([
    [['-v'], 'debug'],
    [['--verbose'], 'debug'],
    [['-d'], 'debug'],
    [['--debug'], 'debug'],
    [['-q'], 'warn'],
    [['--quiet'], 'warn'],
    [['-q', '-v'], 'debug'],
  ])('%j logs at %s', async (flags, level) => {
    const { plan } = await parse(['op.ts', ...flags]);
    expect(plan?.logging.level).toBe(level);
  });

  it('shows stacks of failures with -v and -d only', async () => {
    expect((await parse(['op.ts', '-v'])).plan?.showStacks).toBe(true);
    expect((await parse(['op.ts', '-d'])).plan?.showStacks).toBe(true);
    expect((await parse(['op.ts', '-q'])).plan?.showStacks).toBe(false);
  });

  it('passes the log format, the prefix choice and the reference key', async () => {
    expect((await parse(['op.ts', '--log-format', 'json', '--log-prefix', '--log-refkey', 'k8s'])).plan?.logging).toEqual({
      level: 'info',
      format: 'json',
      prefix: true,
      refkey: 'k8s',
    });
    expect((await parse(['op.ts', '--log-format=plain', '--no-log-prefix'])).plan?.logging).toEqual({
      level: 'info',
      format: 'plain',
      prefix: false,
    });
  });

  it('serves the whole cluster with -A and the given patterns with -n', async () => {
    expect((await parse(['op.ts', '-A'])).plan?.operator).toEqual({ clusterwide: true, standalone: false });
    expect((await parse(['op.ts', '--all-namespaces', '--standalone'])).plan?.operator).toEqual({ clusterwide: true, standalone: true });
    expect((await parse(['op.ts', '-n', 'default', '--namespace', 'prod-*', '-n', '!kube-*'])).plan?.operator).toEqual({
      namespaces: ['default', 'prod-*', '!kube-*'],
      standalone: false,
    });
  });

  it('leaves the scope to the engine when neither -A nor -n is given', async () => {
    expect((await parse(['op.ts'])).plan?.operator).toEqual({ standalone: false });
  });

  it('asks for the embedded cluster with --embedded only', async () => {
    expect((await parse(['op.ts', '--embedded'])).plan?.embedded).toBe(true);
    expect((await parse(['op.ts'])).plan?.embedded).toBe(false);
  });
});

describe('kopf run: usage errors exit with 2', () => {
  it('without files and modules', async () => {
    const { error, stderr } = await parse(['-A']);
    expect(error?.exitCode).toBe(2);
    expect(stderr).toContain('nothing to run: give operator files or -m modules');
  });

  it('with -A and -n together', async () => {
    const { error, stderr } = await parse(['op.ts', '-A', '-n', 'default']);
    expect(error?.exitCode).toBe(2);
    expect(stderr).toContain('-A/--all-namespaces and -n/--namespace cannot be used together');
  });

  it('with an unknown option', async () => {
    const { error, stderr } = await parse(['op.ts', '--bogus']);
    expect(error?.exitCode).toBe(2);
    expect(stderr).toContain("unknown option '--bogus'");
  });

  it('with an unknown log format', async () => {
    const { error, stderr } = await parse(['op.ts', '--log-format', 'xml']);
    expect(error?.exitCode).toBe(2);
    expect(stderr).toContain('Allowed choices are plain, full, json');
  });

  it('with an option missing its value', async () => {
    const { error } = await parse(['op.ts', '-n']);
    expect(error?.exitCode).toBe(2);
  });
});

describe('planRun', () => {
  it('rejects a plan with nothing to load', () => {
    expect(() => planRun([], noFlags)).toThrow(UsageError);
  });

  it('rejects -A with namespaces', () => {
    expect(() => planRun(['op.ts'], { ...noFlags, allNamespaces: true, namespace: ['default'] })).toThrow(UsageError);
  });
});
