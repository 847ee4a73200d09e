/**
 * A deployment intent group as the lifecycle commands take it: its path
 * (`projects/p/composite-apps/ca/v1/deployment-intent-groups/dig`, with or without
 * a leading `/v2/`) or the short form `p/ca/v1/dig`.
 */

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface GroupPath {
  project: string;
  compositeApp: string;
  version: string;
  group: string;
  /** `/v2/projects/p/composite-apps/ca/v1/deployment-intent-groups/dig` */
  path: string;
  /** `p/ca/v1/dig`, for the hints the commands print. */
  short: string;
}

/** A name in a path: no separators, no spaces, nothing a URL would take for something else. */
const NAME = /^[^\s/?#%\\]+$/;

const FORMS =
  'write projects/<project>/composite-apps/<app>/<version>/deployment-intent-groups/<group> ' +
  '(with or without /v2/ in front) or the short form <project>/<app>/<version>/<group>';

function namesOf(parts: string[]): string[] | undefined {
  if (parts.length === 7) {
    const [projects, project, apps, app, version, groups, group] = parts;
    if (projects !== 'projects' || apps !== 'composite-apps' || groups !== 'deployment-intent-groups') return undefined;
    return [project, app, version, group] as string[];
  }
  // `projects/p/composite-apps/ca` is a long form cut short, not a short form.
  if (
    parts.length === 4 &&
    !parts.some((part) => ['projects', 'composite-apps', 'deployment-intent-groups'].includes(part))
  )
    return parts;
  return undefined;
}

export function parseGroup(input: string): GroupPath {
  const trimmed = input
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .replace(/^v2\//, '');
  const names = trimmed === '' ? undefined : namesOf(trimmed.split('/'));
  const bad = names?.find((name) => !NAME.test(name));
  if (names === undefined || bad !== undefined) {
    const why = bad === undefined ? '' : ` (${JSON.stringify(bad)} is not a name)`;
    throw new UsageError(`"${input}" is not a deployment intent group${why}: ${FORMS}`);
  }
  const [project, compositeApp, version, group] = names as [string, string, string, string];
  const path = `/v2/projects/${project}/composite-apps/${compositeApp}/${version}/deployment-intent-groups/${group}`;
  return { project, compositeApp, version, group, path, short: names.join('/') };
}
