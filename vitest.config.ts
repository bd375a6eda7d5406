import { defineConfig } from 'vitest/config';

// `kopf-ts` resolves to src/ (not the compiled dist/) in the tests and in every process they start,
// so that the tests always run the code as it is now, without a build. test/cli/compiled.test.ts
// checks the compiled package as users get it.
const sourceCondition = '--conditions=kopf-ts-source';
if (!process.env.NODE_OPTIONS?.includes(sourceCondition)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${sourceCondition}`.trim();
}

// test/cli/compiled.test.ts runs the kubeconfig tests once more with the bundle the build makes of
// src/client/client-node.ts, which only the compiled package loads otherwise. (Vite hands the alias
// the import as written or already made absolute, hence the optional directory.)
const bundledClientNode = process.env.KOPF_TS_TEST_BUNDLED_CLIENT_NODE;

export default defineConfig({
  resolve: {
    conditions: ['kopf-ts-source'],
    alias: bundledClientNode ? [{ find: /^(.*\/)?client-node\.ts$/, replacement: bundledClientNode }] : [],
  },
  ssr: { resolve: { conditions: ['kopf-ts-source'], externalConditions: ['kopf-ts-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
