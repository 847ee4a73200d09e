/** Issue 9's reproduction: a repository whose meshbridge folder holds a symbolic link must not make meshbridge write through it. */
import { mkdtemp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect, test } from 'vitest';
import { TargetError } from '../../../service/deploy/target.js';
import { ClusterFolder } from './cluster-folder.js';

let root: string;
let outside: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mb-folder-'));
  const elsewhere = await mkdtemp(join(tmpdir(), 'mb-outside-'));
  outside = join(elsewhere, 'victim.txt');
  await writeFile(outside, 'precious\n');
});

const untouched = async () => expect(await readFile(outside, 'utf8')).toBe('precious\n');

test('a kustomization.yaml that links elsewhere: the folder is refused, nothing is written', async () => {
  await mkdir(join(root, 'deploy/edge/cluster02'), { recursive: true });
  await symlink(outside, join(root, 'deploy/edge/cluster02/kustomization.yaml'));
  const refused = await ClusterFolder.load(root, 'deploy/edge/cluster02').catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(TargetError);
  expect((refused as TargetError).message).toContain('file kustomization.yaml is a symbolic link');
  await untouched();
});

test('a folder on the way that links elsewhere: refused', async () => {
  await mkdir(join(root, 'deploy'), { recursive: true });
  await symlink(join(outside, '..'), join(root, 'deploy/edge'));
  const refused = await ClusterFolder.load(root, 'deploy/edge/cluster02').catch((error: unknown) => error);
  expect((refused as TargetError).message).toContain('folder deploy/edge is a symbolic link');
});

test('a link that appears after the folder was read is not followed when writing', async () => {
  const folder = await ClusterFolder.load(root, 'deploy/edge/cluster02');
  await mkdir(join(root, 'deploy/edge/cluster02'), { recursive: true });
  await symlink(outside, join(root, 'deploy/edge/cluster02/kustomization.yaml'));
  await expect(folder.write('kustomization.yaml', 'resources: []\n')).rejects.toThrow();
  await untouched();
});

test('an ordinary folder is written', async () => {
  const folder = await ClusterFolder.load(root, 'deploy/edge/cluster02');
  expect(await folder.write('kustomization.yaml', 'resources: []\n')).toBe(true);
  expect(await readFile(join(root, 'deploy/edge/cluster02/kustomization.yaml'), 'utf8')).toBe('resources: []\n');
});
