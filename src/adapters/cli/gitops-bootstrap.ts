/**
 * `meshbridge gitops bootstrap`: the Argo CD ApplicationSet and the Flux GitRepository and
 * Kustomization (one pair per cluster, to apply in that cluster) that follow the folders
 * meshbridge's GitOps clusters are deployed to. It reads the clusters from the server and
 * prints YAML, or writes files with `--output-dir`; it commits nothing: whoever runs it puts the
 * documents where their Argo CD or Flux reads them. (meshbridge commits only through its server,
 * where the operator's allow-list and credentials are.)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { toYaml } from '../../core/yaml/output.js';
import {
  gitopsBootstrap,
  dnsLabel,
  type Bootstrap,
  type BootstrapCluster,
} from '../../core/deploy/gitops-bootstrap.js';
import { describeError, type ApiClient } from './api-client.js';
import { contextOption, type ConnectionFlags } from './connection.js';
import type { Output } from './output.js';

export interface BootstrapDependencies {
  output: Output;
  connect(flags: ConnectionFlags): Promise<ApiClient>;
}

interface BootstrapFlags extends ConnectionFlags {
  outputDir?: string;
  repoUrl?: string;
  destination: string[];
  argocdNamespace: string;
  argocdProject: string;
  fluxNamespace: string;
}

interface ClusterResource {
  metadata?: { name?: string };
  spec?: { deploy?: { target?: string; gitops?: { repository?: string; branch?: string; path?: string } } };
}

async function list(client: ApiClient, path: string): Promise<ClusterResource[]> {
  const response = await client.request('GET', path);
  if (response.status !== 200 || !Array.isArray(response.body))
    throw new Error(`GET ${path}: ${describeError(response)}`);
  return response.body as ClusterResource[];
}

/** Every cluster that deploys to a GitOps repository. */
async function gitopsClusters(client: ApiClient): Promise<BootstrapCluster[]> {
  const clusters: BootstrapCluster[] = [];
  for (const provider of await list(client, '/v2/cluster-providers')) {
    const providerName = provider.metadata?.name ?? '';
    const path = `/v2/cluster-providers/${encodeURIComponent(providerName)}/clusters`;
    for (const cluster of await list(client, path)) {
      const gitops = cluster.spec?.deploy?.gitops;
      if (cluster.spec?.deploy?.target !== 'gitops' || typeof gitops?.repository !== 'string') continue;
      clusters.push({
        provider: providerName,
        name: cluster.metadata?.name ?? '',
        ...gitops,
        repository: gitops.repository,
      });
    }
  }
  return clusters;
}

/** `edge/cluster01=in-cluster`, repeatable. */
function destinations(values: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const match = /^([^/=\s]+\/[^/=\s]+)=(\S+)$/.exec(value);
    if (!match) throw new Error(`--destination ${value}: expected provider/cluster=ARGOCD_CLUSTER_NAME`);
    result[match[1] as string] = match[2] as string;
  }
  return result;
}

function yamlDocuments(documents: readonly unknown[], comment?: string): string {
  const body = documents.map((document) => toYaml(document).trimEnd()).join('\n---\n');
  return comment === undefined ? body : `# ${comment}\n${body}`;
}

async function writeFiles(directory: string, bootstrap: Bootstrap): Promise<string[]> {
  await mkdir(join(directory, 'flux'), { recursive: true });
  const files = [join(directory, 'argocd-applicationset.yaml')];
  await writeFile(files[0] as string, `${yamlDocuments([bootstrap.applicationSet])}\n`);
  for (const flux of bootstrap.flux) {
    const file = join(directory, 'flux', `${dnsLabel(flux.cluster.replace('/', '-'))}.yaml`);
    await writeFile(file, `${yamlDocuments(flux.documents, `apply in cluster ${flux.cluster}`)}\n`);
    files.push(file);
  }
  return files;
}

function printed(bootstrap: Bootstrap): string {
  return [
    yamlDocuments([bootstrap.applicationSet], 'Argo CD: apply where Argo CD runs'),
    ...bootstrap.flux.map((flux) => yamlDocuments(flux.documents, `Flux: apply in cluster ${flux.cluster}`)),
  ].join('\n---\n');
}

export function addGitOpsCommands(
  program: Command,
  deps: BootstrapDependencies,
  setCode: (code: number) => void,
  defaultServer: string,
): void {
  const gitops = program.command('gitops').description('GitOps repositories that Argo CD or Flux deliver');
  gitops
    .command('bootstrap')
    .description(
      'print an Argo CD ApplicationSet and, per cluster, a Flux GitRepository and Kustomization for the GitOps clusters',
    )
    .option('--output-dir <dir>', 'write argocd-applicationset.yaml and flux/<provider>-<cluster>.yaml there instead')
    .option(
      '--repo-url <url>',
      'the URL Argo CD and Flux clone (default: each cluster’s repository, without credentials)',
    )
    .option(
      '--destination <provider/cluster=name>',
      'the Argo CD cluster name of a cluster (repeatable; default <provider>-<cluster>)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--argocd-namespace <namespace>', 'where Argo CD runs', 'argocd')
    .option('--argocd-project <project>', 'the Argo CD project of the Applications', 'default')
    .option('--flux-namespace <namespace>', 'where Flux runs', 'flux-system')
    .addOption(new Option('-s, --server <url>', `meshbridge server (env MESHBRIDGE_SERVER; default ${defaultServer})`))
    .addOption(contextOption())
    .action(async (flags: BootstrapFlags) => {
      const clusters = await gitopsClusters(await deps.connect(flags));
      if (clusters.length === 0) {
        deps.output.err('error: no cluster deploys to a GitOps repository (spec.deploy.target: gitops)');
        setCode(1);
        return;
      }
      const bootstrap = gitopsBootstrap(clusters, {
        ...(flags.repoUrl === undefined ? {} : { repoUrl: flags.repoUrl }),
        destinations: destinations(flags.destination),
        argocdNamespace: flags.argocdNamespace,
        argocdProject: flags.argocdProject,
        fluxNamespace: flags.fluxNamespace,
      });
      if (flags.outputDir === undefined) deps.output.out(printed(bootstrap));
      else for (const file of await writeFiles(flags.outputDir, bootstrap)) deps.output.out(`wrote ${file}`);
      setCode(0);
    });
}
