/**
 * A reader for the declaration files of the `kubernetes-types` package. Those files are generated
 * from the Kubernetes OpenAPI and are very regular: TSDoc comments, `import { A, B } from "../x/v1";`,
 * `export interface Name { field?: Type; }` and `export type Name = Type;`, with field types built
 * from primitives, string literals, `Array<T>`, `{ [name: string]: T; }`, unions and type names.
 * This reads exactly that shape, line by line, without a TypeScript compiler.
 */

/** A field or alias type, as written in a declaration file. */
export type DtsType =
  | { kind: 'primitive'; name: 'string' | 'number' | 'boolean' }
  | { kind: 'literal'; value: string }
  | { kind: 'reference'; name: string; module: string }
  | { kind: 'array'; items: DtsType }
  | { kind: 'map'; values: DtsType }
  | { kind: 'union'; members: DtsType[] };

/** One field of an interface. */
export interface DtsField {
  name: string;
  optional: boolean;
  description?: string;
  type: DtsType;
}

/** `export interface Name { ... }`. */
export interface DtsInterface {
  kind: 'interface';
  name: string;
  description?: string;
  fields: DtsField[];
}

/** `export type Name = Type;`. */
export interface DtsAlias {
  kind: 'alias';
  name: string;
  description?: string;
  type: DtsType;
}

/** Everything one declaration file declares, by name. */
export interface DtsModule {
  /** The module's path inside the package, e.g. `core/v1`. */
  path: string;
  declarations: Map<string, DtsInterface | DtsAlias>;
}

const IMPORT_LINE = /^import \{([^}]*)\} from "([^"]+)";$/;
const INTERFACE_START = /^export interface (\w+) \{(\})?$/;
const ALIAS_LINE = /^export type (\w+) = (.+);$/;
const FIELD_START = /^(?:readonly )?("[^"]+"|[\w$]+)(\?)?: (.*)$/;
const SINGLE_LINE_DOC = /^\/\*\*(.*)\*\/$/;

/**
 * Parses the text of one declaration file. `path` is the file's module path inside the package
 * (`core/v1`, `api/resource`, `runtime`), used to resolve relative imports to module paths.
 */
export function readDeclarations(path: string, text: string): DtsModule {
  const imports = new Map<string, string>();
  const declarations = new Map<string, DtsInterface | DtsAlias>();
  const lines = text.split('\n');
  let pendingDoc: string | undefined;
  let current: DtsInterface | undefined;

  const resolveName = (name: string): DtsType => ({ kind: 'reference', name, module: imports.get(name) ?? path });

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') continue;

    if (line.startsWith('/**')) {
      const single = SINGLE_LINE_DOC.exec(line);
      if (single) {
        pendingDoc = single[1].trim();
        continue;
      }
      const docLines: string[] = [];
      while (++index < lines.length && lines[index].trim() !== '*/') docLines.push(stripDocPrefix(lines[index]));
      pendingDoc = docLines.join('\n');
      continue;
    }

    const imported = IMPORT_LINE.exec(line);
    if (imported) {
      const module = joinModulePath(path, imported[2]);
      for (const name of imported[1].split(',')) imports.set(name.trim(), module);
      continue;
    }

    const interfaceStart = INTERFACE_START.exec(line);
    if (interfaceStart) {
      const declared: DtsInterface = { kind: 'interface', name: interfaceStart[1], fields: [] };
      if (pendingDoc !== undefined) declared.description = pendingDoc;
      declarations.set(declared.name, declared);
      current = interfaceStart[2] ? undefined : declared;
      pendingDoc = undefined;
      continue;
    }

    const alias = ALIAS_LINE.exec(line);
    if (alias) {
      const declared: DtsAlias = { kind: 'alias', name: alias[1], type: parseType(alias[2], resolveName) };
      if (pendingDoc !== undefined) declared.description = pendingDoc;
      declarations.set(declared.name, declared);
      pendingDoc = undefined;
      continue;
    }

    if (line === '}') {
      current = undefined;
      continue;
    }

    const field = FIELD_START.exec(line);
    if (field && current) {
      let typeText = field[3];
      // A map type spans lines: `name?: {`, `[name: string]: T;`, `};`.
      if (typeText === '{') {
        while (!typeText.endsWith('}') && ++index < lines.length) typeText += ' ' + lines[index].trim().replace(/;$/, '');
      }
      const declared: DtsField = {
        name: field[1].replace(/^"|"$/g, ''),
        optional: field[2] === '?',
        type: parseType(typeText.replace(/;$/, ''), resolveName),
      };
      if (pendingDoc !== undefined) declared.description = pendingDoc;
      current.fields.push(declared);
      pendingDoc = undefined;
      continue;
    }

    throw new Error(`kubernetes-types ${path}: unexpected line ${index + 1}: ${line}`);
  }
  return { path, declarations };
}

/** Removes the ` * ` gutter of a multi-line TSDoc line, keeping any further indentation. */
function stripDocPrefix(line: string): string {
  return line.replace(/^\s*\* ?/, '');
}

/** `core/v1` + `../meta/v1` → `meta/v1`; `authentication/v1beta1` + `./v1` → `authentication/v1`. */
function joinModulePath(from: string, specifier: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const segment of specifier.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

/** Parses a type expression such as `Array<Container>`, `{ [name: string]: Quantity }`, `number | string`. */
function parseType(text: string, resolveName: (name: string) => DtsType): DtsType {
  const source = text.trim();
  const members = splitTopLevel(source, '|');
  if (members.length > 1) return { kind: 'union', members: members.map((member) => parseType(member, resolveName)) };

  if (source.startsWith('Array<') && source.endsWith('>')) {
    return { kind: 'array', items: parseType(source.slice('Array<'.length, -1), resolveName) };
  }
  if (source.endsWith('[]')) return { kind: 'array', items: parseType(source.slice(0, -2), resolveName) };

  const map = /^\{\s*\[\w+: string\]: (.+?);?\s*\}$/.exec(source);
  if (map) return { kind: 'map', values: parseType(map[1], resolveName) };

  if (source.startsWith('"') && source.endsWith('"')) return { kind: 'literal', value: source.slice(1, -1) };
  if (source === 'string' || source === 'number' || source === 'boolean') return { kind: 'primitive', name: source };
  if (/^\w+$/.test(source)) return resolveName(source);
  throw new Error(`kubernetes-types: unsupported type expression: ${source}`);
}

/** Splits on a separator that is not nested inside `<>`, `{}` or `[]`. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '<' || char === '{' || char === '[') depth++;
    else if (char === '>' || char === '}' || char === ']') depth--;
    else if (char === separator && depth === 0) {
      parts.push(text.slice(start, index).trim());
      start = index + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
