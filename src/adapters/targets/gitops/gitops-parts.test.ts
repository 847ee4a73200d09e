import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TargetError } from '../../../service/deploy/target.js';
import { identityOf, plainFileName, qualifiedFileName } from './file-names.js';
import { gitError, redactCredentials } from './git-errors.js';
import { KeyedLock } from './keyed-lock.js';
import { commitMessage } from './commit-message.js';
import { updateKustomization } from './kustomization.js';
import { parseManifest, serializeObject } from './manifest.js';
import { isValidBranch, readSettings } from './settings.js';
import { clusterFor, serviceEntry } from './test-support/git-fixtures.js';

describe('file names', () => {
  it('are <kind>-<namespace or cluster>-<name>.yaml, or qualified by a hash of the identity', () => {
    const ref = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: 'ns1', name: 'foo' };
    expect(plainFileName(ref)).toBe('serviceentry-ns1-foo.yaml');
    expect(plainFileName({ apiVersion: 'v1', kind: 'Namespace', name: 'foo' })).toBe('namespace-cluster-foo.yaml');
    expect(qualifiedFileName(ref)).toMatch(/^serviceentry-ns1-foo_[0-9a-f]{12}\.yaml$/);
    expect(qualifiedFileName(ref)).toBe(qualifiedFileName({ ...ref, apiVersion: 'networking.istio.io/v1beta1' }));
    expect(qualifiedFileName(ref)).not.toBe(qualifiedFileName({ ...ref, apiVersion: 'other.io/v1' }));
    expect(identityOf(ref)).toBe('networking.istio.io/ServiceEntry/ns1/foo');
  });

  it('never leave the folder or grow past what file systems allow', () => {
    const name = plainFileName({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: '../..',
      name: `a/b\\c${'x'.repeat(400)}`,
    });
    expect(name).not.toMatch(/[/\\]/);
    expect(name.length).toBeLessThan(200);
  });
});

describe('manifests', () => {
  it('round-trip an object and know it as meshbridge’s', () => {
    const object = serviceEntry('ns1', 'foo');
    const manifest = parseManifest(serializeObject(object));
    expect(manifest.ours).toBe(true);
    expect(manifest.objects).toEqual([object]);
  });

  it('write no YAML anchors, even for a value used twice', () => {
    const shared = { mode: 'STRICT' };
    const object = { ...serviceEntry('ns1', 'foo'), spec: { a: shared, b: shared } };
    expect(serializeObject(object)).not.toMatch(/[&*]\w/);
  });

  it('read broken YAML, several documents or a missing label as not meshbridge’s', () => {
    const ours = serializeObject(serviceEntry('ns1', 'foo'));
    expect(parseManifest('a: [').ours).toBe(false);
    expect(parseManifest(`${ours}---\n${ours}`)).toMatchObject({ ours: false, objects: [{}, {}] });
    expect(parseManifest(ours.replace('managed-by: meshbridge', 'managed-by: helm')).ours).toBe(false);
    expect(parseManifest('').objects).toEqual([]);
  });
});

describe('kustomization', () => {
  const isOurs = (entry: string) => entry.startsWith('serviceentry-');

  it('is written fresh with meshbridge’s files, sorted, and kept with resources: [] once it lists nothing', () => {
    const text = updateKustomization({ current: undefined, ours: ['b.yaml', 'a.yaml'], isOurs });
    expect(parse(text ?? '')).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'meshbridge' } },
      resources: ['a.yaml', 'b.yaml'],
    });
    const emptied = updateKustomization({ current: text, ours: [], isOurs: () => true });
    expect(emptied).toContain('resources: []');
    expect(parse(emptied ?? '')).toMatchObject({ kind: 'Kustomization', resources: [] });
    expect(updateKustomization({ current: emptied, ours: [], isOurs: () => true })).toBe(emptied);
    expect(updateKustomization({ current: undefined, ours: [], isOurs })).toBeUndefined();
  });

  it('lists files again in a kustomization it had emptied', () => {
    const emptied = 'kind: Kustomization\nresources: []\n';
    expect(parse(updateKustomization({ current: emptied, ours: ['a.yaml'], isOurs }) ?? '')).toEqual({
      kind: 'Kustomization',
      resources: ['a.yaml'],
    });
  });

  it('keeps someone else’s entries, fields and comments, and leaves an unchanged file byte for byte', () => {
    const current =
      '# hand\nkind: Kustomization\nnamePrefix: x-\nresources:\n  - ../base # shared\n  - serviceentry-old.yaml\n';
    const next = updateKustomization({ current, ours: ['serviceentry-new.yaml'], isOurs });
    expect(next).toContain('# hand');
    expect(next).toContain('# shared');
    expect(parse(next ?? '')).toEqual({
      kind: 'Kustomization',
      namePrefix: 'x-',
      resources: ['../base', 'serviceentry-new.yaml'],
    });
    expect(updateKustomization({ current: next, ours: ['serviceentry-new.yaml'], isOurs })).toBe(next);
    const foreignOnly = updateKustomization({ current: next, ours: [], isOurs });
    expect(parse(foreignOnly ?? '')).toEqual({ kind: 'Kustomization', namePrefix: 'x-', resources: ['../base'] });
  });

  it('refuses to rewrite a kustomization it cannot read', () => {
    for (const current of ['resources: [', 'resources: a.yaml', '- a']) {
      expect(() => updateKustomization({ current, ours: ['a.yaml'], isOurs })).toThrow(TargetError);
    }
  });
});

describe('settings', () => {
  it('default the branch to main and put the folder at <path>/<provider>/<cluster>', () => {
    expect(readSettings(clusterFor('/repo'))).toEqual({
      repository: '/repo',
      branch: 'main',
      folder: 'edge/cluster01',
    });
    expect(readSettings(clusterFor('/repo', 'c2', { branch: 'deploy/prod', path: 'fleet//prod/' }))).toEqual({
      repository: '/repo',
      branch: 'deploy/prod',
      folder: 'fleet/prod/edge/c2',
    });
  });

  it('check branch names as git does', () => {
    for (const good of ['main', 'deploy/prod', 'release-1.2']) expect(isValidBranch(good)).toBe(true);
    for (const bad of ['', '-x', 'a..b', 'a b', 'a.lock', 'a/', '.a', 'a/.b', 'a~1', 'a:b', '@', 'a@{1}', 'a\u0001']) {
      expect(isValidBranch(bad)).toBe(false);
    }
  });

  it('refuse a repository that git would read as an option', () => {
    expect(() => readSettings(clusterFor('--upload-pack=touch /tmp/x'))).toThrow(/not-configured|may not start/);
  });
});

describe('git errors', () => {
  it('strip user:password@ from every URL in a message', () => {
    expect(redactCredentials("fatal: unable to access 'https://bot:ghp_secret@github.com/o/r.git/': 403")).toBe(
      "fatal: unable to access 'https://github.com/o/r.git/': 403",
    );
    expect(redactCredentials('ssh://git@host/x and git@host:x')).toBe('ssh://host/x and git@host:x');
  });

  it('are retryable unless another attempt cannot help', () => {
    expect(gitError(new Error('Could not resolve host: example.com'), 'git fetch')).toMatchObject({
      reason: 'git-error',
      retryable: true,
    });
    expect(gitError(new Error('fatal: Authentication failed for https://x'), 'git fetch').retryable).toBe(false);
  });
});

describe('keyed lock', () => {
  it('runs one key at a time and other keys alongside, even after a failure', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const step = (key: string, name: string, fail = false) =>
      lock.run(key, async () => {
        events.push(`${name}+`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`${name}-`);
        if (fail) throw new Error(name);
      });
    const results = await Promise.allSettled([step('a', 'a1', true), step('a', 'a2'), step('b', 'b1')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('a1-')).toBeLessThan(events.indexOf('a2+'));
    expect(events.indexOf('b1+')).toBeLessThan(events.indexOf('a1-'));
  });
});

describe('commit message', () => {
  const cluster = { key: 'cluster-providers/edge/clusters/c1', provider: 'edge', name: 'c1', spec: {} };
  const context = { group: 'projects/p/composite-apps/ca/v1/deployment-intent-groups/dig', revision: 3 };
  const none = { created: [], changed: [], deleted: [] };

  it('says a commit that only puts back hand edits is a repair, with the commits that made them', () => {
    const message = commitMessage(
      { ...context, action: 'update' },
      cluster,
      { ...none, created: ['b.yaml'], changed: ['a.yaml', 'kustomization.yaml'] },
      [
        { file: 'b.yaml', drift: 'deleted', by: 'abc1234 Jane: tidy' },
        { file: 'a.yaml', drift: 'changed' },
      ],
    );
    expect(message).toBe(
      'meshbridge: repair: restore 2 objects in cluster edge/c1 drifted from revision 3 of ' +
        `${context.group}\n\ncreated: b.yaml\nchanged: a.yaml, kustomization.yaml\n\n` +
        'restored to revision 3:\n  a.yaml: changed by hand\n  b.yaml: deleted by hand in abc1234 Jane: tidy',
    );
  });

  it('keeps the action in the subject when the commit also changes what the revision wants', () => {
    const message = commitMessage(
      { ...context, action: 'update' },
      cluster,
      { ...none, changed: ['a.yaml', 'c.yaml'] },
      [{ file: 'a.yaml', drift: 'changed' }],
    );
    expect(message.split('\n')[0]).toBe(`meshbridge: update ${context.group} revision 3 (edge/c1)`);
    expect(message).toContain('restored to revision 3:\n  a.yaml: changed by hand');
    expect(commitMessage({ ...context, action: 'instantiate' }, cluster, { ...none, created: ['a.yaml'] })).toBe(
      `meshbridge: instantiate ${context.group} revision 3 (edge/c1)\n\ncreated: a.yaml`,
    );
  });
});
