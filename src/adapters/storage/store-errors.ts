/**
 * The errors every `Store` adapter throws, worded once. Messages name a resource by
 * its kind and name or its key, never by its body: bodies carry credentials.
 */
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { NewResource } from '../../service/store.js';

/** `clusterProvider` → `cluster provider`, as people read it in a message. */
function kindLabel(kind: string): string {
  return kind.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
}

export function duplicate(resource: NewResource): ConflictError {
  return new ConflictError(`${kindLabel(resource.kind)} "${resource.name}" already exists`, {
    existingKey: resource.key,
  });
}

export function missingParent(resource: NewResource): NotFoundError {
  return new NotFoundError(
    `cannot create ${kindLabel(resource.kind)} "${resource.name}": its parent ${resource.parentKey ?? ''} does not exist`,
  );
}

export function missing(key: string): NotFoundError {
  return new NotFoundError(`no resource at ${key}`);
}

export function stillParent(kind: string, name: string): ConflictError {
  return new ConflictError(`${kindLabel(kind)} "${name}" still has child resources; delete them first`);
}
