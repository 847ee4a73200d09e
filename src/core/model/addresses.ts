/**
 * Where a document posted to a collection can be found again. Used by the CLI to
 * update and delete what it applied; the server says the same in `Location`.
 */
import { isPlainObject } from '../validation/values.js';

export interface ApiDocument {
  anchor: string;
  body: Record<string, unknown>;
}

const SEED_OUTBOUND_COLLECTION = /\/traffic-group-intent\/outbound-intents$/;

function field(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) current = isPlainObject(current) ? current[key] : undefined;
  return typeof current === 'string' && current !== ''
    ? current
    : typeof current === 'number'
      ? String(current)
      : undefined;
}

/** The item path (below `/v2`) of a document; undefined when the document does not say its name. */
export function itemPathOf(document: ApiDocument): string | undefined {
  const anchor = document.anchor.replace(/^\/+|\/+$/g, '').replace(/^v2\//, '');
  const { body } = document;
  if (/(^|\/)labels$/.test(anchor)) {
    const label = field(body, 'clusterLabel');
    return label && `${anchor}/${label}`;
  }
  const name = field(body, 'metadata', 'name');
  if (!name) return undefined;
  if (/(^|\/)composite-apps$/.test(anchor)) {
    const version = field(body, 'spec', 'compositeAppVersion');
    return version && `${anchor}/${name}/${version}`;
  }
  if (SEED_OUTBOUND_COLLECTION.test(anchor)) {
    const spec = isPlainObject(body.spec) ? body.spec : {};
    const service = Object.entries(spec).find(([key]) => key.toLowerCase() === 'inboundservicename')?.[1];
    return typeof service === 'string' && service !== '' ? `${anchor}/${service}/${name}` : undefined;
  }
  return `${anchor}/${name}`;
}
