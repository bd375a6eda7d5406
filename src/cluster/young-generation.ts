import { setFlagsFromString } from 'node:v8';

/**
 * Stops V8's young generation from growing beyond the size it has now. For a
 * process that runs the embedded cluster and nothing else (`kopf cluster`),
 * to be called once its modules are loaded.
 *
 * A cluster keeps most of what it allocates for a while (objects, their
 * history), and V8 answers such survival rates by doubling the young
 * generation up to two semi-spaces of 16 MiB each. Holding 10 000 objects
 * that is ≈20 MiB of RSS for no measurable CPU (bench/README.md, "Cluster").
 * `--max-semi-space-size` would cap it, but V8 reads that flag only when the
 * process starts; the growth factor it reads at each growth, and a factor of
 * 1 keeps the current size. Not for a process that embeds the cluster among
 * other work: the setting is the whole process's.
 */
export function stopYoungGenerationGrowth(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
