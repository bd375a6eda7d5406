/**
 * `application/json-patch+json` (RFC 6902 with RFC 6901 pointers,
 * apiserver-spec §5.2), with the leniencies of the JSON-patch library that
 * kube-apiserver uses, because clients rely on what the real server accepts:
 * `replace` of a missing object key adds it, array indices may be negative
 * (counted from the end), a missing `value` means `null`, and `copy` from a
 * missing object key copies `null`.
 */
import { jsonEqual } from '../../core/json.ts';
import { ApiError, badRequest } from '../errors.ts';
import { copyJson } from '../json-copy.ts';

type JsonObject = Record<string, unknown>;
type Container = JsonObject | unknown[];

/** More operations than this in one patch is 413, as upstream limits it. */
const maxOperations = 10000;

/** An operation that cannot be applied; the whole patch then fails with 422. */
class OperationFailed extends Error {}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own member even for keys such as `__proto__`, which plain assignment would treat specially. */
function setMember(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** How Go's JSON decoder names the type of a value it could not decode. */
function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** One decoded operation; a field the operation lacks (or has as null) is undefined. */
interface Operation {
  op?: string;
  path?: string;
  from?: string;
  value?: unknown;
}

/**
 * Checks the patch's shape as upstream's strict decoder does (an array of
 * objects whose `op`, `path` and `from` are strings) and reports it with that
 * decoder's 400 message.
 */
function decodeOperations(patch: unknown): Operation[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) {
    throw badRequest(`error decoding patch: json: cannot unmarshal ${goTypeName(patch)} into Go value of type []handlers.jsonPatchOp`);
  }
  return patch.map((entry) => {
    // Go decodes a null entry as an operation with no fields, which then fails to apply.
    if (entry === null) return {};
    if (!isObject(entry)) {
      throw badRequest(`error decoding patch: json: cannot unmarshal ${goTypeName(entry)} into Go value of type handlers.jsonPatchOp`);
    }
    const text = (field: 'op' | 'path' | 'from'): string | undefined => {
      const value = entry[field];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') {
        throw badRequest(`error decoding patch: json: cannot unmarshal ${goTypeName(value)} into Go struct field jsonPatchOp.${field} of type string`);
      }
      return value;
    };
    return { op: text('op'), path: text('path'), from: text('from'), value: entry.value };
  });
}

/**
 * The reference tokens of a pointer, `~1` decoded to `/` and `~0` to `~`.
 * Like upstream, whatever precedes the first `/` is ignored (so `a/b` means `/b`).
 */
function pointerTokens(pointer: string | undefined): string[] {
  const parts = pointer?.split('/') ?? [];
  if (parts.length < 2) throw new OperationFailed(`not a JSON pointer: ${pointer}`);
  return parts.slice(1).map((token) => token.replace(/~[01]/g, (escape) => (escape === '~1' ? '/' : '~')));
}

/**
 * The position an array token stands for. Negative numbers count from the end
 * (`-1` is the last element, or the end itself when adding); `size` is the
 * number of valid positions.
 */
function arrayIndex(token: string, size: number): number {
  if (!/^[+-]?[0-9]+$/.test(token)) throw new OperationFailed(`not an array index: ${token}`);
  let index = Number(token);
  if (index < 0) index += size;
  if (index < 0 || index >= size) throw new OperationFailed(`index out of range: ${token}`);
  return index;
}

/** The container that holds the pointer's target, and the target's token within it. */
function locate(doc: Container, pointer: string | undefined): { container: Container; token: string } {
  const tokens = pointerTokens(pointer);
  const token = tokens.pop()!;
  let container: Container = doc;
  for (const step of tokens) {
    const next = read(container, step);
    if (!isContainer(next)) throw new OperationFailed(`missing path: ${pointer}`);
    container = next;
  }
  return { container, token };
}

/** The value at a token; a missing object key reads as undefined, a bad array index fails. */
function read(container: Container, token: string): unknown {
  if (Array.isArray(container)) return container[arrayIndex(token, container.length)];
  return Object.hasOwn(container, token) ? container[token] : undefined;
}

function add(container: Container, token: string, value: unknown): void {
  if (!Array.isArray(container)) setMember(container, token, value);
  else if (token === '-') container.push(value);
  else container.splice(arrayIndex(token, container.length + 1), 0, value);
}

function remove(container: Container, token: string): void {
  if (Array.isArray(container)) container.splice(arrayIndex(token, container.length), 1);
  else if (Object.hasOwn(container, token)) delete container[token];
  else throw new OperationFailed(`missing key: ${token}`);
}

/** Runs one operation on the document and returns the document (replaced when the root is replaced). */
function applyOperation(doc: Container, operation: Operation): Container {
  const value = copyJson(operation.value ?? null);
  switch (operation.op) {
    case 'add': {
      const { container, token } = locate(doc, operation.path);
      add(container, token, value);
      return doc;
    }
    case 'remove': {
      const { container, token } = locate(doc, operation.path);
      remove(container, token);
      return doc;
    }
    case 'replace': {
      // Replacing the root with a non-container is silently ignored upstream.
      if (operation.path === '') return isContainer(value) ? value : doc;
      const { container, token } = locate(doc, operation.path);
      if (Array.isArray(container)) container[arrayIndex(token, container.length)] = value;
      else setMember(container, token, value);
      return doc;
    }
    case 'move': {
      const from = locate(doc, operation.from);
      const moved = read(from.container, from.token);
      remove(from.container, from.token);
      const to = locate(doc, operation.path);
      add(to.container, to.token, moved);
      return doc;
    }
    case 'copy': {
      const from = locate(doc, operation.from);
      const copied = copyJson(read(from.container, from.token) ?? null);
      const to = locate(doc, operation.path);
      add(to.container, to.token, copied);
      return doc;
    }
    case 'test': {
      let actual: unknown = doc;
      if (operation.path !== '') {
        const { container, token } = locate(doc, operation.path);
        actual = read(container, token);
      }
      // Upstream treats a missing member like a null one here.
      const matches = operation.value === undefined ? false : jsonEqual(actual ?? null, operation.value);
      if (!matches) throw new OperationFailed(`test failed at ${operation.path}`);
      return doc;
    }
    default:
      throw new OperationFailed(`unexpected operation: ${operation.op}`);
  }
}

/** Upstream's answer to any failed operation: the reason is not disclosed. */
function rejected(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/**
 * Applies a JSON patch (an array of operations, applied in order) and returns
 * the result as a new value; the input document is not changed. A `null`
 * patch changes nothing, as upstream.
 * @throws ApiError 400 when the patch is not an array of operation objects,
 * 413 for more than 10000 operations, and 422 Invalid with upstream's generic
 * message when any operation fails (including a failed `test`).
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  const operations = decodeOperations(patch);
  if (operations.length > maxOperations) {
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${maxOperations}, got ${operations.length}`,
    );
  }
  const copy = copyJson(doc);
  if (!isContainer(copy)) throw rejected();
  let result: Container = copy;
  try {
    for (const operation of operations) result = applyOperation(result, operation);
  } catch (e) {
    if (!(e instanceof OperationFailed)) throw e;
    throw rejected();
  }
  return result;
}
