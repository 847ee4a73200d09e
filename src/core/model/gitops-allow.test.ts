import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { allowedRepository, NO_GITOPS, parseGitOpsAllowList } from './gitops-allow.js';

const { list } = parseGitOpsAllowList([
  '/srv/git',
  'https://git.example.com/org/',
  'git@github.com:acme/',
  'ssh://deploy@git.example.com:2222/fleet',
]);
const allowed = (repository: string) => allowedRepository(list, repository) !== undefined;

describe('GitOps allow-list', () => {
  test.each([
    '/srv/git',
    '/srv/git/fleet.git',
    '/srv/git//team/fleet.git/',
    'file:///srv/git/fleet.git',
    'file://localhost/srv/git/fleet.git',
    'https://git.example.com/org/fleet.git',
    'HTTPS://Git.Example.COM:443/org/fleet.git',
    'https://deployer:t0ken@git.example.com/org/fleet.git',
    'git@github.com:acme/fleet.git',
    'ssh://deploy@git.example.com:2222/fleet/prod.git',
  ])('allows %s', (repository) => {
    expect(allowed(repository)).toBe(true);
  });

  test.each([
    ['a sibling whose name starts the same', '/srv/git-evil/x.git'],
    ['.. out of the root', '/srv/git/../etc'],
    ['. in the path', '/srv/git/./x'],
    ['a relative path', 'srv/git/x'],
    ['percent-encoded dots', 'file:///srv/git/%2e%2e/etc'],
    ['a file URL with a host', 'file://evil/srv/git/x'],
    ['a longer host', 'https://git.example.com.evil.io/org/x'],
    ['the allowed host as user name', 'https://git.example.com@evil.io/org/x'],
    ['the allowed host and port as credentials', 'https://git.example.com:443@evil.io/org/x'],
    ['two @', 'https://a@git.example.com@evil.io/org/x'],
    ['.. in a URL', 'https://git.example.com/org/../x'],
    ['%2e%2e in a URL', 'https://git.example.com/org/%2e%2e/x'],
    ['a backslash', 'https://git.example.com\\@evil.io/org/x'],
    ['another port', 'https://git.example.com:8443/org/x'],
    ['a sibling folder of the URL prefix', 'https://git.example.com/organization/x'],
    ['plain http', 'http://git.example.com/org/x'],
    ['git://', 'git://git.example.com/org/x'],
    ['ext:: (a command)', 'ext::sh -c touch% /tmp/pwned'],
    ['an ssh option as user', '-oProxyCommand=x@github.com:acme/x'],
    ['another ssh user', 'ssh://root@git.example.com:2222/fleet/x'],
    ['another ssh port', 'ssh://deploy@git.example.com/fleet/x'],
    ['scp-like with an absolute path where the prefix is relative', 'git@github.com:/acme/x'],
    ['a trailing-dot host', 'https://git.example.com./org/x'],
    ['a space', '/srv/git/a b'],
    ['a non-ASCII character', '/srv/git/é'],
  ])('refuses %s', (_what, repository) => {
    expect(allowed(repository)).toBe(false);
  });

  it('allows nothing when the operator configured nothing', () => {
    expect(allowedRepository(NO_GITOPS, '/srv/git/x')).toBeUndefined();
    expect(allowedRepository(NO_GITOPS, 'https://git.example.com/org/x')).toBeUndefined();
  });

  it('refuses entries that are not plain prefixes, by name', () => {
    const { problems } = parseGitOpsAllowList(['/srv/../etc', 'https://u:p@git.example.com/', 'http://x/', 'relative']);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain('--gitops-allow /srv/../etc');
  });
});

/** Pieces that mislead naive prefix checks, joined at random. */
const PIECES = [
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2f',
  '@',
  ':',
  '\\',
  '?',
  '#',
  'git',
  'org',
  'srv',
  'evil',
  '.io',
  '-evil',
  'git.example.com',
  'github.com',
  'acme',
  '443',
  ' ',
  '~',
];
const STARTS = [
  '/srv/git',
  'file:///srv/git',
  'https://git.example.com',
  'https://git.example.com/org',
  'git@github.com:',
];
const hostile = fc
  .tuple(fc.constantFrom(...STARTS), fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }))
  .map(([start, pieces]) => start + pieces.join(''));

/** An independent reading of what git would reach: resolved by node's URL and path parsers. */
function reallyInside(text: string): boolean {
  const repository = text.trim(); // as the cluster's settings are read
  if (repository.startsWith('/') || repository.startsWith('file://')) {
    const path = repository.startsWith('file://') ? decodeURIComponent(new URL(repository).pathname) : repository;
    const normal = posix.normalize(path);
    return !path.split('/').includes('..') && (normal === '/srv/git' || normal.startsWith('/srv/git/'));
  }
  if (/^https:/i.test(repository)) {
    const url = new URL(repository);
    const path = decodeURIComponent(url.pathname);
    return (
      url.hostname === 'git.example.com' &&
      url.port === '' &&
      !path.split('/').includes('..') &&
      (path === '/org' || path.startsWith('/org/'))
    );
  }
  return /^git@github\.com:acme(\/|$)/.test(repository) && !repository.split(/[/:]/).includes('..');
}

describe('GitOps allow-list (property)', () => {
  it('accepts a hostile repository only when it really is inside an allowed prefix', () => {
    fc.assert(
      fc.property(hostile, (repository) => {
        if (allowed(repository)) expect(reallyInside(repository), repository).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
