// Checks the layer rules of DESIGN §5 with dependency-cruiser: lower layers
// never import higher ones, and `cluster` stays independent of the framework.
// It also fails when fewer modules were cruised than src/ holds, because a
// parser that silently reads nothing would otherwise make this check pass.
import { cruise } from 'dependency-cruiser';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// layer → the layers (besides itself) it may import
const allowed = {
  core: [],
  client: ['core'],
  registry: ['core'],
  engine: ['core', 'client', 'registry'],
  cluster: ['core'],
};

const forbidden = Object.entries(allowed).map(([layer, deps]) => ({
  name: `${layer}-imports-only-${deps.length ? deps.join('-') : 'itself'}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: '^src/', pathNot: [`^src/${layer}/`, ...deps.map((d) => `^src/${d}/`)] },
}));

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry) && !/\.d\.ts$/.test(entry) ? [path] : [];
  });
}

const result = await cruise(['src'], {
  validate: true,
  ruleSet: { forbidden },
  tsPreCompilationDeps: true,
  doNotFollow: { path: 'node_modules' },
  exclude: { path: 'node_modules' },
});
const { summary, modules } = result.output;
const cruised = modules.filter((m) => m.source.startsWith('src/')).length;
const expected = sourceFiles('src').length;
for (const v of summary.violations) {
  console.error(`layer violation (${v.rule.name}): ${v.from} imports ${v.to}`);
}
if (cruised < expected) {
  console.error(`layer check cruised ${cruised} modules but src/ holds ${expected}: the parser is not reading TypeScript`);
  process.exit(1);
}
if (summary.violations.length > 0) process.exit(1);
console.log(`layers: ${cruised} modules cruised, no violations`);
