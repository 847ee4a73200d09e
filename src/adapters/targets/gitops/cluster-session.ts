/**
 * The `ClusterSession` of the git target: objects are files in the cluster's folder. Calls run
 * one at a time, in the order they were made, so that two objects never race for a file name.
 */
import type { ApplyReason } from '../../../core/deploy/cluster-plan.js';
import type { RenderedObject } from '../../../core/render/objects.js';
import {
  refOf,
  TargetError,
  type ClusterSession,
  type KindRef,
  type LiveObject,
  type ObjectRef,
} from '../../../service/deploy/target.js';
import type { ClusterFolder } from './cluster-folder.js';
import { identityOf, plainFileName, qualifiedFileName } from './file-names.js';
import { matchesKinds, matchesLabels, serializeObject } from './manifest.js';

interface Holder {
  file: string;
  object: LiveObject;
  ours: boolean;
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

export class FolderSession implements ClusterSession {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Whether `apply` or `remove` was called: the kustomization is brought up to date only then. */
  mutated = false;
  /** Files written back because someone had changed or deleted them (drift), and how they had been. */
  readonly repaired = new Map<string, 'changed' | 'deleted'>();

  constructor(private readonly folder: ClusterFolder) {}

  list(kinds: readonly KindRef[], labels: Record<string, string>): Promise<LiveObject[]> {
    return this.enqueue(async () => {
      const objects: LiveObject[] = [];
      for (const file of this.folder.manifestFiles()) {
        for (const object of this.folder.manifest(file)?.objects ?? []) {
          if (matchesKinds(object, kinds) && matchesLabels(object, labels)) objects.push(object);
        }
      }
      return objects;
    });
  }

  get(ref: ObjectRef): Promise<LiveObject | undefined> {
    return this.enqueue(async () => this.holder(ref)?.object);
  }

  apply(object: RenderedObject, reason?: ApplyReason): Promise<void> {
    return this.enqueue(async () => {
      const ref = refOf(object);
      if (object.kind === 'Secret' && object.apiVersion === 'v1') {
        throw new TargetError(
          `Secrets are not written to git in plain text: ${describe(ref)} was not written; ` +
            'use Sealed Secrets or SOPS to keep secrets in git, or deploy this cluster with the kubernetes target',
          'rejected',
          false,
        );
      }
      this.mutated = true;
      const holder = this.holder(ref);
      if (holder && !holder.ours) throw this.notOwned(holder.file, ref);
      const file = holder?.file ?? this.freeFileName(ref);
      const wrote = await this.folder.write(file, serializeObject(object));
      if (wrote && (reason === 'drift-changed' || reason === 'drift-deleted')) {
        this.repaired.set(file, reason === 'drift-changed' ? 'changed' : 'deleted');
      }
    });
  }

  remove(ref: ObjectRef): Promise<'deleted' | 'absent'> {
    return this.enqueue(async () => {
      this.mutated = true;
      const holder = this.holder(ref);
      if (!holder) return 'absent';
      if (!holder.ours) throw this.notOwned(holder.file, ref);
      await this.folder.delete(holder.file);
      return 'deleted';
    });
  }

  /** Waits for calls still running, then refuses any more: the session's files are about to be committed. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.closed = true;
  }

  private enqueue<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new TargetError('the git session has ended', 'rejected', false));
    const result = this.queue.then(call);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The file holding the object: looked for under its own names first, then in every file. */
  private holder(ref: ObjectRef): Holder | undefined {
    const identity = identityOf(ref);
    const own = [plainFileName(ref), qualifiedFileName(ref)];
    const files = [...own.filter((file) => this.folder.has(file)), ...this.folder.manifestFiles()];
    for (const file of files) {
      const manifest = this.folder.manifest(file);
      const object = manifest?.objects.find((candidate) => identityOf(refOf(candidate)) === identity);
      if (manifest && object) return { file, object, ours: manifest.ours };
    }
    return undefined;
  }

  /** A file name for an object no file holds yet: its plain name, or the qualified one if that is taken. */
  private freeFileName(ref: ObjectRef): string {
    for (const file of [plainFileName(ref), qualifiedFileName(ref)]) {
      if (!this.folder.has(file)) return file;
      if (!this.folder.manifest(file)?.ours) throw this.notOwned(file, ref);
    }
    throw new TargetError(
      `${describe(ref)}: both ${plainFileName(ref)} and ${qualifiedFileName(ref)} hold other objects`,
      'conflict',
      false,
    );
  }

  private notOwned(file: string, ref: ObjectRef): TargetError {
    return new TargetError(
      `${this.folder.repoPath(file)} (for ${describe(ref)}) was not written by meshbridge ` +
        '(it lacks the label app.kubernetes.io/managed-by: meshbridge); meshbridge leaves it alone',
      'not-owned',
      false,
    );
  }
}
