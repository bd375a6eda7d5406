/**
 * Loads our own subset of the Kubernetes protobuf messages (the `.proto`
 * files in `schema/`) once, resolved and ready for reading bodies.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const SCHEMA_FILES = [
  'runtime.proto',
  'meta.proto',
  'core.proto',
  'apps.proto',
  'batch.proto',
  'rbac.proto',
  'policy.proto',
  'scheduling.proto',
  'networking.proto',
  'authorization.proto',
  'authentication.proto',
];

function loadSchema(): protobuf.Root {
  const paths = SCHEMA_FILES.map((file) => fileURLToPath(new URL(`./schema/${file}`, import.meta.url)));
  // Field names in the schema are already the JSON names; keep them exactly.
  const root = new protobuf.Root().loadSync(paths, { keepCase: true });
  root.resolveAll();
  return root;
}

/** Every message type of the schema, by full name such as `core.v1.Namespace` or `runtime.Unknown`. */
export const kubernetesMessages: protobuf.Root = loadSchema();
