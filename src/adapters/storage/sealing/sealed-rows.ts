/**
 * What is sealed in each table, and under which context (bound to the ciphertext, `sealer.ts`):
 *
 * - `resources.body`: every write-only field (`x-secret` in the kind's schema: private keys, certificates,
 *   kubeconfigs), one sealed string per field, context `resource <key> <field path>`. The rest of the body stays
 *   plain JSON.
 * - `resource_files.data`: every uploaded file (a kubeconfig arrives as one), whole, context `resource file <key>`.
 * - `deploy_records.body`: every record body, whole (revisions hold rendered Secrets with TLS keys), context
 *   `deploy record <group> <key>`.
 *
 * Reads open sealed values and pass plaintext written before sealing existed through unchanged; the next write or
 * `meshbridge keys rotate` seals it. Only the fields a kind declares secret are opened: a string elsewhere that
 * looks sealed is a user's value, not ours.
 */
import type { ResourceBody } from '../../../core/model/kind.js';
import { kindOf } from '../../../core/model/registry.js';
import { secretPaths } from '../../../core/model/secrets.js';
import type { KindName } from '../../../core/model/kind.js';
import { isPlainObject } from '../../../core/validation/values.js';
import { isSealed, isSealedBytes, type SealContext, type Sealer } from './sealer.js';

type Path = readonly string[];

function pathsOf(kind: string): readonly Path[] {
  try {
    return secretPaths(kindOf(kind as KindName).schema);
  } catch {
    // A kind this version does not know has no fields it knows to be secret.
    return [];
  }
}

const fieldContext = (key: string, path: Path): SealContext => ['resource', key, path.join('.')];
const fileContext = (key: string): SealContext => ['resource file', key];
const recordContext = (group: string, key: string): SealContext => ['deploy record', group, key];

/** The holder object and leaf name of `path` in `body`, when the leaf holds a string. */
function leafAt(
  body: unknown,
  path: Path,
): { holder: Record<string, unknown>; leaf: string; value: string } | undefined {
  let holder: unknown = body;
  for (const step of path.slice(0, -1)) holder = isPlainObject(holder) ? holder[step] : undefined;
  const leaf = path.at(-1);
  if (!isPlainObject(holder) || leaf === undefined) return undefined;
  const value = holder[leaf];
  return typeof value === 'string' ? { holder, leaf, value } : undefined;
}

/** Applies `change` to every secret string of a body (a copy); returns the copy and whether anything changed. */
function mapSecrets(
  kind: string,
  body: unknown,
  change: (value: string, path: Path) => string,
): { body: unknown; changed: boolean } {
  const paths = pathsOf(kind);
  if (paths.length === 0) return { body, changed: false };
  const copy = structuredClone(body);
  let changed = false;
  for (const path of paths) {
    const found = leafAt(copy, path);
    if (found === undefined) continue;
    const next = change(found.value, path);
    if (next !== found.value) {
      found.holder[found.leaf] = next;
      changed = true;
    }
  }
  return { body: copy, changed };
}

export class RowSealing {
  constructor(readonly sealer: Sealer) {}

  /** The JSON text to store for a resource body: its secret fields sealed, whatever they hold. */
  resourceBody(kind: string, key: string, body: ResourceBody): string {
    return JSON.stringify(
      mapSecrets(kind, body, (value, path) => this.sealer.seal(value, fieldContext(key, path))).body,
    );
  }

  openResourceBody(kind: string, key: string, json: string): ResourceBody {
    const body = JSON.parse(json) as ResourceBody;
    return mapSecrets(kind, body, (value, path) =>
      isSealed(value) ? this.sealer.openText(value, fieldContext(key, path)) : value,
    ).body as ResourceBody;
  }

  file(key: string, data: Buffer): Buffer {
    return Buffer.from(this.sealer.seal(data, fileContext(key)));
  }

  openFile(key: string, data: Buffer): Buffer {
    return isSealedBytes(data) ? this.sealer.open(data.toString('latin1'), fileContext(key)) : data;
  }

  record(group: string, key: string, json: string): string {
    return this.sealer.seal(json, recordContext(group, key));
  }

  openRecord(group: string, key: string, stored: string): unknown {
    return JSON.parse(isSealed(stored) ? this.sealer.openText(stored, recordContext(group, key)) : stored);
  }

  /** For rotation: the body text with every secret under the active key, or undefined when it already is. */
  resealResourceBody(kind: string, key: string, json: string): string | undefined {
    const { body, changed } = mapSecrets(kind, JSON.parse(json), (value, path) =>
      this.current(value, fieldContext(key, path)),
    );
    return changed ? JSON.stringify(body) : undefined;
  }

  resealFile(key: string, data: Buffer): Buffer | undefined {
    if (!isSealedBytes(data)) return this.file(key, data);
    const text = data.toString('latin1');
    const next = this.current(text, fileContext(key));
    return next === text ? undefined : Buffer.from(next);
  }

  resealRecord(group: string, key: string, stored: string): string | undefined {
    const next = this.current(stored, recordContext(group, key));
    return next === stored ? undefined : next;
  }

  /** Plaintext sealed, a sealed value rewrapped under the active key, a current one as it is. */
  private current(value: string, context: SealContext): string {
    return isSealed(value) ? this.sealer.rewrap(value, context) : this.sealer.seal(value, context);
  }
}
