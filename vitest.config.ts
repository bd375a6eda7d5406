import { defineConfig } from 'vitest/config';

// `kopf-ts` resolves to src/ (not the compiled dist/) in the tests and in every process they start,
// so that the tests always run the code as it is now, without a build. test/cli/compiled.test.ts
// checks the compiled package as users get it.
const sourceCondition = '--conditions=kopf-ts-source';
if (!process.env.NODE_OPTIONS?.includes(sourceCondition)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${sourceCondition}`.trim();
}

export default defineConfig({
  resolve: { conditions: ['kopf-ts-source'] },
  ssr: { resolve: { conditions: ['kopf-ts-source'], externalConditions: ['kopf-ts-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
