/**
 * The parts of `@kubernetes/client-node` that kopf-ts runs: its kubeconfig loading and auth providers.
 * The compiled package (`npm run build`) replaces this file with one bundle of these names and what they
 * need, because importing the whole package means loading ~970 modules — about a second of CPU and
 * 60 MiB at every operator start — while the bundle loads in a tenth of that.
 */
export { KubeConfig, bufferFromFileOrString } from '@kubernetes/client-node';
