/**
 * emcoctl files may hold lifecycle documents: an anchor ending in a verb
 * (`.../deployment-intent-groups/g/approve`, `.../instantiate`, `terminate`, `update`,
 * `stop`, `rollback`) and no metadata. `apply` POSTs them; the server answers 202.
 *
 * Applying a file twice must not fail, so a 409 of a deployment intent group or a logical
 * cloud is looked into: when its status shows it already is where the verb would take
 * it (approved, instantiated, nothing deployed for terminate), the document is
 * `unchanged`, as a resource applied twice is. Any other refusal stays `failed`.
 * The state is read from `GET .../status`, not parsed out of the error's wording.
 */
import { describeError, type Api } from './api-client.js';
import type { FileDocument } from './emcoctl-file.js';

export const LIFECYCLE_VERBS = ['approve', 'instantiate', 'update', 'terminate', 'stop', 'rollback'] as const;
export type LifecycleVerb = (typeof LIFECYCLE_VERBS)[number];

export interface LifecycleOutcome {
  result: 'accepted' | 'unchanged' | 'failed';
  /** For `unchanged`: the state that made the request needless; for `failed`: the server's answer. */
  detail?: string;
  error?: string;
}

/** The verb of a lifecycle document; undefined for a resource document (it has metadata or a label). */
export function lifecycleVerbOf(document: Pick<FileDocument, 'anchor' | 'body'>): LifecycleVerb | undefined {
  if (document.body.metadata !== undefined || document.body.clusterLabel !== undefined) return undefined;
  const last = document.anchor.split('/').pop() ?? '';
  return (LIFECYCLE_VERBS as readonly string[]).includes(last) ? (last as LifecycleVerb) : undefined;
}

/** The name of what the verb acts on: the path segment before it. */
export function lifecycleTargetName(anchor: string): string {
  const segments = anchor.split('/');
  return segments[segments.length - 2] ?? '?';
}

const DEPLOYED = ['Instantiating', 'Instantiated', 'InstantiateFailed', 'Updating', 'UpdateFailed'];

interface GroupStatusView {
  state?: string;
  approved?: boolean;
}

/** Whether a group (or a logical cloud: `Created`, `Instantiated`, `Terminated`) in this state already is where `verb` would take it. */
export function alreadyDone(verb: LifecycleVerb, status: GroupStatusView): boolean {
  const state = status.state ?? '';
  if (verb === 'approve') return status.approved === true || DEPLOYED.includes(state);
  if (verb === 'instantiate') return DEPLOYED.includes(state);
  if (verb === 'terminate') return ['Created', 'Approved', 'Terminating', 'Terminated'].includes(state);
  return false;
}

/** What a lifecycle anchor acts on, and where its status is read: a group's, or a logical cloud's (EMCO's DCM). */
function statusTarget(anchor: string): { what: string; path: string } | undefined {
  const owner = anchor.slice(0, anchor.lastIndexOf('/'));
  if (/(^|\/)deployment-intent-groups\/[^/]+$/.test(owner))
    return { what: 'group', path: `${owner}/status?changes=false` };
  if (/(^|\/)logical-clouds\/[^/]+$/.test(owner)) return { what: 'logical cloud', path: `${owner}/status` };
  return undefined;
}

export async function applyLifecycle(
  client: Api,
  document: FileDocument,
  verb: LifecycleVerb,
): Promise<LifecycleOutcome> {
  const body = Object.keys(document.body).length > 0 ? document.body : undefined;
  const response = await client.request('POST', document.anchor, body);
  if (response.status >= 200 && response.status < 300) return { result: 'accepted' };
  const target = response.status === 409 ? statusTarget(document.anchor) : undefined;
  if (target) {
    const current = await client.request('GET', target.path);
    const status = current.status === 200 ? (current.body as GroupStatusView) : undefined;
    if (status && alreadyDone(verb, status))
      return {
        result: 'unchanged',
        detail: `the ${target.what} is ${status.state}${status.approved ? ' (approved)' : ''}`,
      };
  }
  return { result: 'failed', error: describeError(response) };
}
