/** Secret and ConfigMap (core/v1) rules of Kubernetes' API validation. */
import { type Issues, entries, type Path } from './issues.js';
import type { ConfigMap, Secret } from './objects.js';

const dataKey = /^[-._a-zA-Z0-9]+$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const maxBytes = 1024 * 1024;

function checkKeys(issues: Issues, path: Path, map: Record<string, unknown> | undefined): void {
  for (const [key, value] of entries(map)) {
    if (key.length > 253 || !dataKey.test(key) || key === '.' || key === '..') {
      issues.add([...path, key], `key "${key}" must be at most 253 of [-._a-zA-Z0-9], and not "." or ".."`);
    }
    if (typeof value !== 'string') issues.add([...path, key], 'must be string');
  }
}

function checkBase64(issues: Issues, path: Path, map: Record<string, unknown> | undefined): number {
  let size = 0;
  for (const [key, value] of entries(map)) {
    if (typeof value !== 'string') continue;
    if (!base64.test(value)) issues.add([...path, key], 'must be base64-encoded');
    size += Math.floor((value.length * 3) / 4);
  }
  return size;
}

function textSize(map: Record<string, unknown> | undefined): number {
  return entries(map).reduce((sum, [, value]) => sum + (typeof value === 'string' ? Buffer.byteLength(value) : 0), 0);
}

export function checkSecret(issues: Issues, object: Secret): void {
  checkKeys(issues, ['data'], object.data);
  checkKeys(issues, ['stringData'], object.stringData);
  const size = checkBase64(issues, ['data'], object.data) + textSize(object.stringData);
  if (size > maxBytes) issues.add(['data'], `the Secret holds ${size} bytes; at most ${maxBytes}`);
  if (object.type !== undefined && (typeof object.type !== 'string' || object.type === '')) {
    issues.add(['type'], 'must be a non-empty string');
  }
  if (object.type === 'kubernetes.io/tls') {
    for (const key of ['tls.crt', 'tls.key']) {
      if (object.data?.[key] === undefined && object.stringData?.[key] === undefined) {
        issues.add(['data', key], 'a kubernetes.io/tls Secret needs tls.crt and tls.key');
      }
    }
  }
}

export function checkConfigMap(issues: Issues, object: ConfigMap): void {
  checkKeys(issues, ['data'], object.data);
  checkKeys(issues, ['binaryData'], object.binaryData);
  for (const [key] of entries(object.binaryData)) {
    if (object.data?.[key] !== undefined) issues.add(['binaryData', key], `key "${key}" is also in data`);
  }
  const size = textSize(object.data) + checkBase64(issues, ['binaryData'], object.binaryData);
  if (size > maxBytes) issues.add(['data'], `the ConfigMap holds ${size} bytes; at most ${maxBytes}`);
}
