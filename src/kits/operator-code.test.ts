import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOperatorCode, OperatorLoadError } from './operator-code.ts';

// Each loaded file appends its name here, so the test sees what was imported and in which order.
declare global {
  var kopfLoadOrder: string[] | undefined;
}

let dir: string;

/** Writes a file under the test's directory that records its own loading. */
function operatorFile(path: string, extra = ''): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), `globalThis.kopfLoadOrder.push(${JSON.stringify(path)});\n${extra}`);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kopf-ts-operator-files-'));
  globalThis.kopfLoadOrder = [];
});

afterEach(() => {
  globalThis.kopfLoadOrder = undefined;
});

describe('loadOperatorCode', () => {
  it('imports the files in the order given, relative to the working directory, then the modules', async () => {
    operatorFile('b.mjs');
    operatorFile('sub/a.mjs');
    operatorFile('node_modules/my-operator/index.mjs');
    writeFileSync(join(dir, 'node_modules/my-operator/package.json'), JSON.stringify({ name: 'my-operator', main: 'index.mjs' }));
    operatorFile('local.mjs');
    await loadOperatorCode(['b.mjs', 'sub/a.mjs'], ['my-operator', './local.mjs'], { cwd: dir });
    expect(globalThis.kopfLoadOrder).toEqual(['b.mjs', 'sub/a.mjs', 'node_modules/my-operator/index.mjs', 'local.mjs']);
  });

  it('names a missing file and loads nothing after it', async () => {
    operatorFile('later.mjs');
    const loading = loadOperatorCode(['missing.ts', 'later.mjs'], [], { cwd: dir });
    await expect(loading).rejects.toThrow(OperatorLoadError);
    await expect(loading).rejects.toThrow('no such operator file: missing.ts');
    expect(globalThis.kopfLoadOrder).toEqual([]);
  });

  it('names the file whose code fails at import, keeping the error as the cause', async () => {
    operatorFile('failing.mjs', 'throw new RangeError("the operator refuses");\n');
    const error = await loadOperatorCode(['failing.mjs'], [], { cwd: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperatorLoadError);
    expect((error as Error).message).toBe('cannot load failing.mjs: the operator refuses');
    expect((error as Error).cause).toBeInstanceOf(RangeError);
  });

  it('names a module that cannot be found from the working directory', async () => {
    await expect(loadOperatorCode([], ['no-such-operator-package'], { cwd: dir })).rejects.toThrow(
      /^cannot load no-such-operator-package: Cannot find module 'no-such-operator-package'/,
    );
  });
});
