/**
 * The package as users get it: `npm install` builds dist/ (`prepare` → `npm run build`), and outside
 * this repository's tests `kopf` and `import 'kopf-ts'` load that JavaScript, with tsx only for the
 * user's own operator files. Every other test runs src/ (vitest.config.ts), so this one builds dist/
 * afresh and runs example 01 from it, and type-checks a user's project against its declarations.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { compiledPackageEnv, itBehavesLikeKopfExample, runExample } from '../support/example-e2e.ts';
import { hasKubectl } from '../support/kubectl.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

describe('the compiled package', () => {
  beforeAll(async () => {
    await run(process.execPath, ['scripts/build.mjs'], { cwd: root });
  }, 180_000);

  it('is what `kopf-ts` resolves to outside the tests, declarations included', async () => {
    const script = "for (const name of ['kopf-ts', 'kopf-ts/testing']) console.log(import.meta.resolve(name))";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: compiledPackageEnv() });
    expect(stdout.trim().split('\n')).toEqual([`file://${root}/dist/index.js`, `file://${root}/dist/testing.js`]);
  });

  it('starts `kopf` without loading TypeScript', async () => {
    const { stdout } = await run(process.execPath, ['bin/kopf.js', '--version'], { cwd: root, env: compiledPackageEnv() });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('registers the TypeScript loader for TypeScript operator files only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopf-ts-loader-'));
    const probe = "console.log('hooks:', Boolean(globalThis[Symbol.for('kopf-ts.tsx-registered')])); throw new Error('probed');";
    const seen: Record<string, string> = {};
    for (const name of ['operator.mjs', 'operator.mts']) {
      writeFileSync(join(dir, name), probe);
      const result = await run(process.execPath, [join(root, 'bin/kopf.js'), 'run', '-A', join(dir, name)], { cwd: dir, env: compiledPackageEnv() }).catch((error: { stdout: string; stderr: string; code: number }) => error);
      expect(result.stderr).toContain('probed');
      seen[name] = result.stdout.trim();
    }
    expect(seen).toEqual({ 'operator.mjs': 'hooks: false', 'operator.mts': 'hooks: true' });
  });

  it('runs an operator without loading the embedded cluster or all of @kubernetes/client-node', async () => {
    // Both are CommonJS underneath (ajv for the cluster's schemas, ws for client-node's whole package), so require's cache tells.
    const dir = mkdtempSync(join(tmpdir(), 'kopf-ts-loaded-'));
    const probe = [
      "import { createRequire } from 'node:module';",
      'const loaded = Object.keys(createRequire(import.meta.url).cache);',
      "console.log(JSON.stringify(['ajv', 'ws'].filter((name) => loaded.some((path) => path.includes(`/node_modules/${name}/`)))));",
      "throw new Error('probed');",
    ].join('\n');
    writeFileSync(join(dir, 'operator.mjs'), probe);
    const result = await run(process.execPath, [join(root, 'bin/kopf.js'), 'run', '-A', join(dir, 'operator.mjs')], { cwd: dir, env: compiledPackageEnv() }).catch((error: { stdout: string; stderr: string }) => error);
    expect(result.stderr).toContain('probed');
    expect(result.stdout.trim()).toBe('[]');
  });

  it('loads kubeconfigs and runs auth providers through its bundle of @kubernetes/client-node', async () => {
    // The unit tests of src/client/config.ts once more, with the bundle in place of the whole package.
    const vitest = join(root, 'node_modules/vitest/vitest.mjs');
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', KOPF_TS_TEST_BUNDLED_CLIENT_NODE: join(root, 'dist/client/client-node.js') };
    const result = await run(process.execPath, [vitest, 'run', 'src/client/config.test.ts'], { cwd: root, env }).catch((error: { stdout: string; stderr: string }) => error);
    expect(result.stdout).toMatch(/Tests\s+\d+ passed \(\d+\)/);
  }, 120_000);

  it("type-checks a user's operator against the declarations, with merged Memo and Indexes members", async () => {
    const project = mkdtempSync(join(tmpdir(), 'kopf-ts-user-'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules', 'kopf-ts'));
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }');
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [], typeRoots: [join(root, 'node_modules/@types')] } }),
    );
    writeFileSync(
      join(project, 'operator.ts'),
      [
        "import * as kopf from 'kopf-ts';",
        "declare module 'kopf-ts' {",
        '  interface Memo { created: number }',
        '  interface Indexes { byName: kopf.Index<string, string> }',
        '}',
        "kopf.on.startup(async ({ memo }) => { memo.created = 0; });",
        "kopf.on.index('kopfexamples', { id: 'byName' }, ({ name }) => ({ [name ?? '']: name ?? '' }));",
        "kopf.on.create('kopfexamples', async ({ memo, indexes, logger }) => {",
        '  memo.created += 1;',
        "  logger.info(`${memo.created} created, ${[...indexes.byName.keys()].length} indexed`);",
        "  return { message: 'hello' };",
        '});',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  }, 60_000);

  describe.skipIf(!hasKubectl)('example 01 run from dist/', () => {
    const example = runExample({
      file: 'examples/01-minimal/example.ts',
      compiled: true,
      creationWords: /Creation is processed:/,
      handledWhen: (object) => (object.status as { createFn?: unknown } | undefined)?.createFn !== undefined,
    });
    itBehavesLikeKopfExample(example, { creation: true, finalizer: false, changing: true });
  });
});
