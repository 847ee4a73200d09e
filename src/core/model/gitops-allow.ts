/**
 * The operator's allow-list of GitOps repositories (`serve --gitops-allow`): local roots and
 * URL prefixes. A repository is compared with it in parsed, normalized form, never as a raw
 * string prefix: `/srv/git` does not allow `/srv/git-evil` or `/srv/git/../etc`, and
 * `https://git.example.com/org/` does not allow `https://git.example.com.evil.io/`,
 * `https://git.example.com@evil/` or `https://git.example.com/org/../x`. Anything this parser
 * is unsure of (another scheme, percent-encoding, `.` or `..`, a character outside printable
 * ASCII) is refused rather than interpreted. Pure: no file is looked at, so the answer is the
 * same whether a path exists or not.
 */

/** Where a repository is, as far as the allow-list cares. */
export type RepositoryAddress =
  /** A local path or a `file://` URL. */
  | { scheme: 'file'; segments: string[] }
  | { scheme: 'https'; host: string; port: string; segments: string[] }
  /** `ssh://[user@]host[:port]/path`, or git's scp-like `user@host:path` (`home` when the path is relative). */
  | { scheme: 'ssh'; user: string | undefined; host: string; port: string; home: boolean; segments: string[] };

/** The operator's list, parsed once at start. */
export interface GitOpsAllowList {
  readonly prefixes: readonly RepositoryAddress[];
}

export const NO_GITOPS: GitOpsAllowList = { prefixes: [] };

/** The one refusal, the same for every repository: it says nothing about what is on the host. */
export const NOT_ALLOWED =
  'is not under an allowed GitOps root (an absolute path, or a file://, https:// or ssh URL); ' +
  'the operator allows them with --gitops-allow';

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** Credentials as they appear in a URL; no `@`, `/`, `?`, `#` or `\`. */
const USERINFO = /^[A-Za-z0-9._~%!$&'()*+,;=:-]+$/;
const HTTPS = /^https:\/\/(?:([^@/?#]*)@)?([^@/?#:]+)(?::(\d{1,5}))?(\/[^?#]*)?$/i;
const SSH = /^ssh:\/\/(?:([^@/?#]*)@)?([^@/?#:]+)(?::(\d{1,5}))?(\/[^?#]*)$/i;
const SCP = /^(?:([^@/:]+)@)?([^@/:]+):(.*)$/;

/**
 * A path's folders; undefined when one is `.` or `..` (never resolved: refused). In a URL, `%`
 * (decoded by the server) and an empty folder (`//`, which servers read differently) are refused too.
 */
function segmentsOf(path: string, decodes: boolean): string[] | undefined {
  if (decodes && (path.includes('%') || path.replace(/\/$/, '').includes('//'))) return undefined;
  const segments = path.split('/').filter((segment) => segment !== '');
  return segments.some((segment) => segment === '.' || segment === '..') ? undefined : segments;
}

function hostOf(raw: string): string | undefined {
  const host = raw.toLowerCase();
  return HOST.test(host) ? host : undefined;
}

function portOf(raw: string | undefined, fallback: string): string | undefined {
  if (raw === undefined) return fallback;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? String(port) : undefined;
}

function parseHttps(text: string, credentials: boolean): RepositoryAddress | undefined {
  const match = HTTPS.exec(text);
  if (!match) return undefined;
  const [, userinfo, rawHost = '', rawPort, path = '/'] = match;
  if (userinfo !== undefined && !(credentials && USERINFO.test(userinfo))) return undefined;
  const host = hostOf(rawHost);
  const port = portOf(rawPort, '443');
  const segments = segmentsOf(path, true);
  return host && port && segments ? { scheme: 'https', host, port, segments } : undefined;
}

function ssh(user: string | undefined, rawHost: string, port: string | undefined, home: boolean, path: string) {
  if (user !== undefined && !USER.test(user)) return undefined;
  const host = hostOf(rawHost);
  const segments = segmentsOf(path, true);
  return host && port && segments
    ? ({ scheme: 'ssh', user, host, port, home, segments } satisfies RepositoryAddress)
    : undefined;
}

function parseSsh(text: string): RepositoryAddress | undefined {
  const match = SSH.exec(text);
  if (!match) return undefined;
  const [, user, host = '', port, path = ''] = match;
  return ssh(user, host, portOf(port, '22'), false, path);
}

function parseScp(text: string): RepositoryAddress | undefined {
  const match = SCP.exec(text);
  if (!match) return undefined;
  const [, user, host = '', path = ''] = match;
  return ssh(user, host, '22', !path.startsWith('/'), path);
}

function parseFile(text: string): RepositoryAddress | undefined {
  const path = /^file:\/\//i.test(text) ? text.replace(/^file:\/\/(localhost)?/i, '') : text;
  if (!path.startsWith('/') || /[?#]/.test(path)) return undefined;
  const segments = segmentsOf(path, path !== text);
  return segments ? { scheme: 'file', segments } : undefined;
}

/**
 * A repository (or, with `credentials` false, an allow-list entry) as an address, or undefined
 * when it is not one meshbridge accepts: only absolute paths, `file://`, `https://`, `ssh://`
 * and scp-like `user@host:path`. No `http://`, `git://` or `ext::`.
 */
export function parseRepositoryAddress(text: string, credentials = true): RepositoryAddress | undefined {
  if (!PRINTABLE_ASCII.test(text) || text.includes('\\')) return undefined;
  if (text.startsWith('/') || /^file:\/\//i.test(text)) return parseFile(text);
  if (/^https:\/\//i.test(text)) return parseHttps(text, credentials);
  if (/^ssh:\/\//i.test(text)) return parseSsh(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.includes('::')) return undefined;
  return parseScp(text);
}

function sameOrigin(prefix: RepositoryAddress, address: RepositoryAddress): boolean {
  if (prefix.scheme === 'file' || address.scheme === 'file') return prefix.scheme === address.scheme;
  if (prefix.scheme === 'https' || address.scheme === 'https') {
    return prefix.scheme === address.scheme && prefix.host === address.host && prefix.port === address.port;
  }
  return (
    prefix.host === address.host &&
    prefix.port === address.port &&
    prefix.home === address.home &&
    (prefix.user === undefined || prefix.user === address.user)
  );
}

/** Whether `address` is `prefix` or below it: same origin, and the prefix's folders are its first folders. */
export function isWithin(prefix: RepositoryAddress, address: RepositoryAddress): boolean {
  return (
    sameOrigin(prefix, address) &&
    prefix.segments.length <= address.segments.length &&
    prefix.segments.every((segment, index) => address.segments[index] === segment)
  );
}

/** The list from the operator's entries; an entry that is not a plain path or URL prefix is a problem to report at start. */
export function parseGitOpsAllowList(entries: readonly string[]): { list: GitOpsAllowList; problems: string[] } {
  const prefixes: RepositoryAddress[] = [];
  const problems: string[] = [];
  for (const entry of entries.map((text) => text.trim()).filter((text) => text !== '')) {
    const prefix = parseRepositoryAddress(entry, false);
    if (prefix) prefixes.push(prefix);
    else
      problems.push(
        `--gitops-allow ${entry}: not an absolute path, or a file://, https://, ssh:// or user@host: prefix ` +
          '(no credentials, no . or .. folders, no %)',
      );
  }
  return { list: { prefixes }, problems };
}

/** The address of `repository` when it is allowed; undefined otherwise, for whatever reason. */
export function allowedRepository(list: GitOpsAllowList, repository: string): RepositoryAddress | undefined {
  const address = parseRepositoryAddress(repository.trim());
  return address && list.prefixes.some((prefix) => isWithin(prefix, address)) ? address : undefined;
}
