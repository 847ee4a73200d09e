/**
 * The cluster's folder in the work tree during one session: the YAML files it holds, what
 * each looked like when the session began (to say what changed, or to put it back), and
 * which of them are meshbridge's.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TargetError } from '../../../service/deploy/target.js';
import { isKustomizationFile, isManifestFile } from './file-names.js';
import { parseManifest, type Manifest } from './manifest.js';

export interface FolderChanges {
  created: string[];
  changed: string[];
  deleted: string[];
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Writing through a symbolic link could overwrite any file of meshbridge's host: such a repository is refused. */
function symlinkRefused(where: string): TargetError {
  return new TargetError(
    `the repository's ${where} is a symbolic link; meshbridge never writes through one: replace it with a folder or file`,
    'rejected',
    false,
  );
}

/** Every component of `folder` below `root` that exists must be a real folder, not a link. */
async function refuseLinkedFolders(root: string, folder: string): Promise<void> {
  const parts = folder.split('/').filter((part) => part !== '');
  for (let depth = 1; depth <= parts.length; depth++) {
    const relative = parts.slice(0, depth).join('/');
    try {
      if ((await lstat(join(root, relative))).isSymbolicLink()) throw symlinkRefused(`folder ${relative}`);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
  }
}

// O_NOFOLLOW: the last component is never followed either, whatever appeared since the folder was read.
const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

async function readTexts(path: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return texts;
    throw error;
  }
  for (const entry of entries) {
    if (!(isManifestFile(entry.name) || isKustomizationFile(entry.name))) continue;
    if (entry.isSymbolicLink()) throw symlinkRefused(`file ${entry.name}`);
    if (!entry.isFile()) continue;
    texts.set(entry.name, await readFile(join(path, entry.name), 'utf8'));
  }
  return texts;
}

export class ClusterFolder {
  private readonly manifests = new Map<string, Manifest>();
  private readonly originals = new Map<string, string | undefined>();
  /** Files meshbridge wrote: at the session's start or since; their kustomization entries are meshbridge's. */
  private readonly meshbridgeFiles = new Set<string>();

  private constructor(
    /** The work tree's root. */
    readonly root: string,
    /** The folder, relative to the root, POSIX-style. */
    readonly folder: string,
    private readonly texts: Map<string, string>,
  ) {
    for (const file of this.manifestFiles()) {
      if (this.manifest(file)?.ours) this.meshbridgeFiles.add(file);
    }
  }

  static async load(root: string, folder: string): Promise<ClusterFolder> {
    await refuseLinkedFolders(root, folder);
    return new ClusterFolder(root, folder, await readTexts(join(root, folder)));
  }

  get path(): string {
    return join(this.root, this.folder);
  }

  /** The files that may hold objects, sorted. */
  manifestFiles(): string[] {
    return [...this.texts.keys()].filter(isManifestFile).sort();
  }

  has(file: string): boolean {
    return this.texts.has(file);
  }

  text(file: string): string | undefined {
    return this.texts.get(file);
  }

  manifest(file: string): Manifest | undefined {
    const text = this.texts.get(file);
    if (text === undefined) return undefined;
    let manifest = this.manifests.get(file);
    if (!manifest) {
      manifest = parseManifest(text);
      this.manifests.set(file, manifest);
    }
    return manifest;
  }

  isMeshbridgeFile(file: string): boolean {
    return this.meshbridgeFiles.has(file);
  }

  /** Writes `text` unless the file holds it already; says whether it wrote. */
  async write(file: string, text: string, meshbridge = true): Promise<boolean> {
    if (meshbridge) this.meshbridgeFiles.add(file);
    if (this.texts.get(file) === text) return false;
    this.remember(file);
    await refuseLinkedFolders(this.root, this.folder);
    await mkdir(this.path, { recursive: true });
    await writeFile(join(this.path, file), text, { encoding: 'utf8', flag: WRITE_NO_FOLLOW });
    this.texts.set(file, text);
    this.manifests.delete(file);
    return true;
  }

  async delete(file: string): Promise<boolean> {
    if (!this.texts.has(file)) return false;
    this.remember(file);
    await rm(join(this.path, file), { force: true });
    this.texts.delete(file);
    this.manifests.delete(file);
    return true;
  }

  /** Files that differ from the session's start, named relative to the folder. */
  changes(): FolderChanges {
    const changes: FolderChanges = { created: [], changed: [], deleted: [] };
    for (const [file, original] of [...this.originals].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const now = this.texts.get(file);
      if (now === original) continue;
      if (original === undefined) changes.created.push(file);
      else if (now === undefined) changes.deleted.push(file);
      else changes.changed.push(file);
    }
    return changes;
  }

  /** A file's path relative to the work tree's root, as git wants it. */
  repoPath(file: string): string {
    return this.folder === '' ? file : `${this.folder}/${file}`;
  }

  /** Puts every file this session touched back as it was, and removes folders left empty. */
  async restore(): Promise<void> {
    for (const [file, original] of this.originals) {
      if (original === undefined) await this.delete(file);
      else await this.write(file, original, false);
    }
    await this.pruneEmptyFolders();
  }

  /** Removes the folder, then its parents up to the root, while they are empty: git keeps no empty folders. */
  async pruneEmptyFolders(): Promise<void> {
    const parts = this.folder.split('/').filter((part) => part !== '');
    for (let depth = parts.length; depth > 0; depth--) {
      try {
        await rmdir(join(this.root, ...parts.slice(0, depth)));
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') return;
      }
    }
  }

  private remember(file: string): void {
    if (!this.originals.has(file)) this.originals.set(file, this.texts.get(file));
  }
}
