/**
 * `meshbridge cluster add PROVIDER/CLUSTER [--context CTX]`: as `argocd cluster add` does, with the
 * user's own kubeconfig (exec plugins welcome: this is their machine), make a `meshbridge`
 * ServiceAccount with meshbridge's least-privilege ClusterRole and a token, and register in
 * meshbridge a kubeconfig holding only that token. meshbridge's server never sees the user's
 * credentials, and refuses kubeconfigs that would run a program (docs/security.md).
 *
 * The cluster provider must exist in meshbridge already (checked first, before the cluster is touched).
 * `--dry-run` prints the manifest and touches nothing.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { connect } from './connection.js';
import { parseClusterName, registerCluster, requireProvider } from './cluster-register.js';
import type { AccessObject } from '../targets/kubernetes/index.js';
import type { CliDependencies } from './program.js';
import {
  parseResourceFormat,
  printDocument,
  printResources,
  resourceOutputOption,
  type DocumentView,
  type ResourceView,
} from './resource-output.js';

interface ClusterAddOptions {
  context?: string;
  kubeconfig?: string;
  namespace: string;
  serviceAccount: string;
  tokenTimeout: number;
  dryRun?: boolean;
  server?: string;
  output?: string;
}

const HELP = `
Runs where your kubeconfig works (EKS, GKE and AKS exec plugins included). In the cluster it
server-side applies a ServiceAccount, the ClusterRole meshbridge needs (docs/cluster-access.yaml)
and its binding, and a token Secret; in meshbridge it sets spec.kubeconfig of the cluster to
a kubeconfig holding the server, its CA and that token only. Running it again changes nothing.

  meshbridge cluster add edge/cluster01 --context arn:aws:eks:eu-west-1:123456789012:cluster/prod
  meshbridge cluster add edge/cluster01 --dry-run        # the manifest, to apply yourself or review`;

/** `kind/name`, as kubectl's `-o name` writes an object. */
const objectName = (object: AccessObject) => `${object.kind.toLowerCase()}/${object.metadata.name}`;

/** `--dry-run` in a table: the objects it would create. */
const manifestView: ResourceView<AccessObject> = {
  headers: ['KIND', 'NAMESPACE', 'NAME'],
  row: (object) => [object.kind, object.metadata.namespace ?? '', object.metadata.name],
  wideHeaders: ['API VERSION'],
  wideRow: (object) => [object.apiVersion],
  nameOf: objectName,
  empty: 'No objects.',
};

interface Added {
  context: string;
  server: string;
  results: { object: string; result: string }[];
}

/** `names`: the cluster's objects and the cluster in meshbridge, as `get` takes it. */
const addedView = (names: string[], serviceAccount: string): DocumentView<Added> => ({
  table: (added) =>
    [
      ...added.results.map((result) => `${result.object}: ${result.result}`),
      `meshbridge reaches ${added.server} as ServiceAccount ${serviceAccount}; your own credentials stay here`,
    ].join('\n'),
  names: () => names,
});

function seconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return Number(value);
}

async function runClusterAdd(target: string, options: ClusterAddOptions, deps: CliDependencies, defaultServer: string) {
  const name = parseClusterName(target);
  const names = { namespace: options.namespace, name: options.serviceAccount };
  const format = parseResourceFormat(options.output, options.dryRun ? 'yaml' : 'table');
  // client-node is loaded only for this command: every other command starts without it.
  const access = await import('./cluster-access.js');
  const objects = access.accessObjectsOf(names);
  if (options.dryRun) {
    if (format === 'yaml') deps.output.out(access.accessManifest(names));
    else printResources(objects, format, manifestView, deps.output);
    return;
  }
  // --context names the kubeconfig's context here; meshbridge's own comes from MESHBRIDGE_CONTEXT or the config file.
  const client = await connect(
    options.server ? { server: options.server } : {},
    deps.env,
    defaultServer,
    deps.output.err,
  );
  await requireProvider(client, name);
  const user = access.loadUserKubeconfig(options.kubeconfig, options.context, deps.env);
  const api = access.objectApi(user);
  const applied = await access.applyAccess(api, names).catch((error: unknown) => {
    throw new Error(`cannot set up meshbridge's access in context "${user.context}": ${access.clusterError(error)}`);
  });
  const token = await access.waitForToken(api, names, options.tokenTimeout * 1000).catch((error: unknown) => {
    throw new Error(access.clusterError(error));
  });
  const kubeconfig = await access.registeredKubeconfig(user, name.cluster, token);
  const registration = await registerCluster(client, name, kubeconfig);
  const results = [
    ...applied,
    { object: `cluster ${name.provider}/${name.cluster} in meshbridge`, result: registration },
  ];
  const view = addedView(
    [...objects.map(objectName), `cluster-providers/${name.provider}/clusters/${name.cluster}`],
    `${names.namespace}/${names.name}`,
  );
  printDocument({ context: user.context, server: user.server, results }, format, view, deps.output);
}

export function addClusterCommands(
  program: Command,
  deps: CliDependencies,
  setCode: (code: number) => void,
  defaultServer: string,
): void {
  const cluster = program
    .command('cluster')
    .description('give meshbridge its own, least-privilege access to a cluster');
  cluster
    .command('add')
    .description('make a meshbridge ServiceAccount in a cluster (with your kubeconfig) and register its token')
    .argument('<provider/cluster>', 'the cluster in meshbridge, e.g. edge/cluster01 (the provider must exist)')
    .option('--context <context>', 'kubeconfig context of the cluster (default: the current context)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)')
    .option('--namespace <namespace>', 'namespace of the ServiceAccount and its token', 'kube-system')
    .option('--service-account <name>', 'name of the ServiceAccount, ClusterRole and binding', 'meshbridge')
    .option('--token-timeout <seconds>', 'how long to wait for the token controller', seconds, 30)
    .option('--dry-run', 'print the manifest of what would be created; change nothing')
    .addOption(new Option('-s, --server <url>', `meshbridge server (env MESHBRIDGE_SERVER; default ${defaultServer})`))
    .addOption(resourceOutputOption())
    .addHelpText('after', HELP)
    .action(async (target: string, options: ClusterAddOptions) => {
      await runClusterAdd(target, options, deps, defaultServer);
      setCode(0);
    });
}
