import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { planFreeze, planResume, registerFreezeCommands, type PeeringPlan } from './freeze-command.ts';
import { UsageError } from './run-command.ts';

/** Parses `kopf <args>` as the CLI does, returning the plan the command would execute and what it printed. */
async function parse(args: string[]): Promise<{ plan?: PeeringPlan; error?: CommanderError; stderr: string }> {
  let stderr = '';
  let plan: PeeringPlan | undefined;
  const program = new Command().name('kopf').exitOverride().configureOutput({ writeErr: (text) => (stderr += text), writeOut: () => {} });
  registerFreezeCommands(program, async (planned) => {
    plan = planned;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { error, stderr };
  }
  return { plan, stderr };
}

afterEach(() => {
  delete process.env.KOPF_FREEZE_PEERING;
  delete process.env.KOPF_RESUME_PEERING;
});

describe('kopf freeze: arguments to a plan', () => {
  it('writes a record of priority 100 for the lifetime given, in the namespaces given', async () => {
    const { plan } = await parse(['freeze', '-P', 'team', '-t', '60', '-n', 'ns1', '-n', 'ns-*']);
    expect(plan).toEqual({ peering: 'team', scope: { clusterwide: false, patterns: ['ns1', 'ns-*'] }, scopeDefaulted: false, priority: 100, lifetime: 60 });
  });

  it('takes the identity, the priority, --dev as 666, and -A', async () => {
    expect((await parse(['freeze', '--peering', 'team', '--lifetime', '5', '-i', 'me', '-p', '7', '-A'])).plan).toMatchObject({
      identity: 'me',
      priority: 7,
      scope: { clusterwide: true },
    });
    expect((await parse(['freeze', '-P', 'team', '-t', '5', '--dev', '-A'])).plan?.priority).toBe(666);
    // An explicit priority wins over --dev, as with `kopf run`.
    expect((await parse(['freeze', '-P', 'team', '-t', '5', '--dev', '-p', '1', '-A'])).plan?.priority).toBe(1);
  });

  it('accepts a message, and writes the same plan with it', async () => {
    const { plan } = await parse(['freeze', '-P', 'team', '-t', '5', '-A', '-m', 'maintenance']);
    expect(plan).toEqual({ peering: 'team', scope: { clusterwide: true }, scopeDefaulted: false, priority: 100, lifetime: 5 });
  });

  it('serves the whole cluster with neither -n nor -A, and says so in the plan', async () => {
    expect((await parse(['freeze', '-P', 'team', '-t', '5'])).plan).toMatchObject({ scope: { clusterwide: true }, scopeDefaulted: true });
  });

  it('takes the peering name from KOPF_FREEZE_PEERING, an option overriding it', async () => {
    process.env.KOPF_FREEZE_PEERING = 'from-env';
    expect((await parse(['freeze', '-t', '5', '-A'])).plan?.peering).toBe('from-env');
    expect((await parse(['freeze', '-t', '5', '-A', '-P', 'given'])).plan?.peering).toBe('given');
  });

  it.each([
    [['-t', '5', '-A'], "error: required option '-P, --peering <name>' not specified"],
    [['-P', 'team', '-A'], "error: required option '-t, --lifetime <seconds>' not specified"],
    [['-P', 'team', '-t', '5', '-A', '-n', 'ns1'], 'error: -A/--all-namespaces and -n/--namespace cannot be used together'],
    [['-P', 'team', '-t', 'soon', '-A'], 'error: --lifetime must be a whole number of 0 or more, not soon'],
    [['-P', 'team', '-t', '-1', '-A'], 'error: --lifetime must be a whole number of 0 or more, not -1'],
    [['-P', 'team', '-t', '5', '-p', '1.5', '-A'], 'error: --priority must be an integer, not 1.5'],
    [['-P', 'team', '-t', '5', '-n', 'a,,b'], 'error: the namespace pattern "a,,b" has an empty glob'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { error, stderr } = await parse(['freeze', ...args]);
    expect(error?.exitCode).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('(kopf freeze --help shows the usage)');
  });
});

describe('kopf resume: arguments to a plan', () => {
  it('removes the record: lifetime 0', async () => {
    const { plan } = await parse(['resume', '-P', 'team', '-n', 'ns1', '-i', 'me']);
    expect(plan).toEqual({ peering: 'team', identity: 'me', scope: { clusterwide: false, patterns: ['ns1'] }, scopeDefaulted: false, priority: 0, lifetime: 0 });
  });

  it('takes the peering name from KOPF_RESUME_PEERING, not from the freeze variable', async () => {
    process.env.KOPF_FREEZE_PEERING = 'frozen';
    expect((await parse(['resume', '-A'])).error?.exitCode).toBe(2);
    process.env.KOPF_RESUME_PEERING = 'resumed';
    expect((await parse(['resume', '-A'])).plan?.peering).toBe('resumed');
  });

  it('has no lifetime or priority of its own', async () => {
    const { error, stderr } = await parse(['resume', '-P', 'team', '-A', '-t', '5']);
    expect(error?.exitCode).toBe(2);
    expect(stderr).toContain("error: unknown option '-t'");
  });
});

describe('the plans without commander', () => {
  it('throw usage errors for contradictions', () => {
    expect(() => planResume({ namespace: ['a'], allNamespaces: true, peering: 'team' })).toThrow(UsageError);
    expect(() => planFreeze({ namespace: [], peering: 'team', lifetime: '' })).toThrow(UsageError);
  });
});
