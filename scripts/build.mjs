// `npm run build` (also run by `npm install` through `prepare`): compiles src/ to dist/, which is what
// `kopf` and `import 'kopf-ts'` load outside this repository's tests. Plain JavaScript starts in a
// fraction of the time and memory that loading TypeScript through tsx's hooks costs (DESIGN keeps
// tsx for the user's operator files). Files the code reads beside itself (protobuf schemas) are copied.
// src/client/client-node.ts, the parts of @kubernetes/client-node we run, becomes one bundle: loaded
// as the package's ~970 modules it costs a second of CPU at every start, bundled a tenth of that.
import { cpSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// Type errors are the test command's to report (`npm run typecheck`); the build only emits.
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit', cwd: root });
cpSync(join(root, 'src'), dist, { recursive: true, filter: (path) => !path.endsWith('.ts') });
await build({
  entryPoints: [join(root, 'src/client/client-node.ts')],
  outfile: join(dist, 'client/client-node.js'),
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // Some bundled CommonJS code calls require() for Node's modules (and for optional ones, in try blocks).
  banner: { js: "import { createRequire as kopfTsCreateRequire } from 'node:module'; const require = kopfTsCreateRequire(import.meta.url);" },
});
