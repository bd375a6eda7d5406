/**
 * Bench programs that must run on bare Node, without tsx's loader (and the esbuild service it starts):
 * the raw-client floor is a floor only if it carries nothing it does not need. Their TypeScript is
 * transpiled with the project's own compiler into `node_modules/.cache/kopf-ts-bench/`, where Node
 * resolves their packages (undici, yaml) from the project's node_modules. Their imports of kopf-ts's
 * sources (`../src/….ts`) load the compiled package instead (`dist/….js`, built by `npm run build`),
 * as users' programs do.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const outputDir = fileURLToPath(new URL('../node_modules/.cache/kopf-ts-bench/', import.meta.url));
const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * Transpiles bench files (paths relative to bench/, each with the bench files it imports) to JavaScript
 * modules side by side, their `.ts` imports rewritten to `.js`; returns the path of the first one's output.
 */
export function plainJavaScript(files: string[]): string {
  if (!existsSync(distDir)) throw new Error('dist/ is missing: run `npm run build` first');
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, 'package.json'), '{ "type": "module" }\n');
  const benchDir = dirname(fileURLToPath(import.meta.url));
  const outputs = files.map((file) => {
    const source = readFileSync(join(benchDir, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, rewriteRelativeImportExtensions: true },
    });
    const output = join(outputDir, basename(file).replace(/\.ts$/, '.js'));
    writeFileSync(output, outputText.replace(/from (['"])\.\.\/src\/([^'"]+)\.js\1/g, (_, quote: string, path: string) => `from ${quote}${join(distDir, path)}.js${quote}`));
    return output;
  });
  return outputs[0];
}
