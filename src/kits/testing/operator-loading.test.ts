import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDefaultRegistry } from '../../registry/default-registry.ts';
import { Registry } from '../../registry/registry.ts';
import { loadOperatorCode } from './operator-loading.ts';

// Inside the repository, so that `import … from 'kopf-ts'` resolves to this checkout, as in a user's project.
let dir: string;

/** Writes an operator file that registers a create handler named `id` for config maps. */
function operatorFile(path: string, id: string, before = ''): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), `import * as kopf from 'kopf-ts';\n${before}\nkopf.on.create('configmaps', { id: '${id}' }, () => undefined);\n`);
}

function ids(registry: Registry): string[] {
  return registry.handlers.map((handler) => handler.id);
}

beforeAll(() => {
  dir = mkdtempSync(join(import.meta.dirname, '../../../test/.operator-loading-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadOperatorCode', () => {
  it("registers the files' and modules' handlers into the given registry, leaving the default registry as it was", async () => {
    operatorFile('first.ts', 'first');
    operatorFile('sub/second.ts', 'second');
    operatorFile('lib/module.ts', 'module');
    const before = getDefaultRegistry();
    const handlersBefore = before.handlers.length;
    const registry = new Registry();
    await loadOperatorCode(registry, ['first.ts', join(dir, 'sub/second.ts')], ['./lib/module.ts'], dir);
    expect(ids(registry)).toEqual(['first', 'second', 'module']);
    expect(getDefaultRegistry()).toBe(before);
    expect(before.handlers).toHaveLength(handlersBefore);
  });

  it('evaluates the same file afresh for every load', async () => {
    operatorFile('again.ts', 'again');
    const first = new Registry();
    const second = new Registry();
    await loadOperatorCode(first, ['again.ts'], [], dir);
    await loadOperatorCode(second, [relative(process.cwd(), join(dir, 'again.ts'))], []);
    expect(ids(first)).toEqual(['again']);
    expect(ids(second)).toEqual(['again']);
  });

  it('keeps loads that overlap apart', async () => {
    // The first file is still loading (its top-level await) when the second load is asked for.
    operatorFile('slow.ts', 'slow', 'await new Promise((resolve) => setTimeout(resolve, 100));');
    operatorFile('fast.ts', 'fast');
    const slow = new Registry();
    const fast = new Registry();
    await Promise.all([loadOperatorCode(slow, ['slow.ts'], [], dir), loadOperatorCode(fast, ['fast.ts'], [], dir)]);
    expect(ids(slow)).toEqual(['slow']);
    expect(ids(fast)).toEqual(['fast']);
  });

  it('names the file or module that cannot be loaded, and restores the default registry', async () => {
    operatorFile('failing.ts', 'failing', 'throw new RangeError("the operator refuses");');
    const before = getDefaultRegistry();
    await expect(loadOperatorCode(new Registry(), ['missing.ts'], [], dir)).rejects.toThrow('no such operator file: missing.ts');
    const error = await loadOperatorCode(new Registry(), ['failing.ts'], [], dir).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('cannot load failing.ts: the operator refuses');
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    await expect(loadOperatorCode(new Registry(), [], ['no-such-operator-package'], dir)).rejects.toThrow(/^cannot load no-such-operator-package: Cannot find module/);
    expect(getDefaultRegistry()).toBe(before);
  });
});
