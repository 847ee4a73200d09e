/**
 * The non-apply patch formats: JSON merge patch (RFC 7386) and JSON patch (RFC 6902).
 * Strategic merge patch is treated as a merge patch for built-in types (lists are
 * replaced rather than merged by key — a simplification); CRDs refuse it, as they do
 * on a real API server.
 */
import { deepClone, deepEqual, isPlainObject } from './fields.js';
import { KubeError } from './status.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return deepClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? deepClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function patchError(message: string): KubeError {
  return new KubeError(422, `the server rejected our request due to an error in our request: ${message}`, 'Invalid');
}

function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) {
    throw patchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  }
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

/** The container holding the pointer's last token, and that token. */
function locate(document: unknown, tokens: string[]): { parent: Container; key: string } {
  let current = document;
  for (const token of tokens.slice(0, -1)) {
    current = Array.isArray(current) ? current[Number(token)] : isPlainObject(current) ? current[token] : undefined;
  }
  if (!Array.isArray(current) && !isPlainObject(current)) throw patchError(`path /${tokens.join('/')} does not exist`);
  return { parent: current, key: tokens[tokens.length - 1] as string };
}

function arrayIndex(parent: unknown[], key: string, forInsert: boolean): number {
  if (forInsert && key === '-') return parent.length;
  const index = Number(key);
  const limit = forInsert ? parent.length : parent.length - 1;
  if (!/^\d+$/.test(key) || index > limit) throw patchError(`array index ${key} out of range`);
  return index;
}

function read(document: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return document;
  const { parent, key } = locate(document, tokens);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false)];
  if (!Object.hasOwn(parent, key)) throw patchError(`path /${tokens.join('/')} does not exist`);
  return parent[key];
}

function remove(document: unknown, tokens: string[]): void {
  read(document, tokens);
  const { parent, key } = locate(document, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else delete parent[key];
}

function add(document: unknown, tokens: string[], value: unknown, replace: boolean): unknown {
  if (tokens.length === 0) return deepClone(value);
  if (replace) read(document, tokens);
  const { parent, key } = locate(document, tokens);
  if (!Array.isArray(parent)) parent[key] = deepClone(value);
  else if (replace) parent[arrayIndex(parent, key, false)] = deepClone(value);
  else parent.splice(arrayIndex(parent, key, true), 0, deepClone(value));
  return document;
}

function applyOperation(document: unknown, operation: unknown): unknown {
  if (!isPlainObject(operation)) throw patchError('a JSON patch operation must be an object');
  const path = parsePointer(operation.path);
  switch (operation.op) {
    case 'add':
    case 'replace':
      return add(document, path, operation.value, operation.op === 'replace');
    case 'remove':
      remove(document, path);
      return document;
    case 'copy':
    case 'move': {
      const from = parsePointer(operation.from);
      const value = deepClone(read(document, from));
      if (operation.op === 'move') remove(document, from);
      return add(document, path, value, false);
    }
    case 'test':
      if (!deepEqual(read(document, path), operation.value)) throw patchError('testing value failed');
      return document;
    default:
      throw patchError(`unknown JSON patch operation ${JSON.stringify(operation.op)}`);
  }
}

export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new KubeError(400, 'a JSON patch must be an array of operations', 'BadRequest');
  return operations.reduce((document: unknown, operation) => applyOperation(document, operation), deepClone(target));
}
