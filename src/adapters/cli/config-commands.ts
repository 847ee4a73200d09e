/** `meshbridge config ...`: the contexts of the CLI's config file, like `kubectl config`. */
import type { Command } from 'commander';
import {
  ConfigFileError,
  configPath,
  contextNameProblem,
  readConfig,
  serverProblem,
  writeConfig,
  type CliConfig,
  type CliContext,
} from './config-file.js';
import type { Output } from './output.js';
import { parseResourceFormat, printResources, resourceOutputOption, type ResourceView } from './resource-output.js';

/** A context as listed: how it authenticates, never the token itself (not even with -o yaml). */
interface ListedContext {
  current: boolean;
  name: string;
  server: string;
  auth: 'token' | 'token-file' | 'none';
  tokenFile?: string;
}

function listed(context: CliContext, current: string | undefined): ListedContext {
  const auth = context.token !== undefined ? 'token' : context.tokenFile !== undefined ? 'token-file' : 'none';
  return {
    current: context.name === current,
    name: context.name,
    server: context.server,
    auth,
    ...(auth === 'token-file' ? { tokenFile: context.tokenFile } : {}),
  };
}

const contextView: ResourceView<ListedContext> = {
  headers: ['CURRENT', 'NAME', 'SERVER', 'AUTH'],
  row: (context) => [
    context.current ? '*' : '',
    context.name,
    context.server,
    context.auth === 'token-file' ? `token-file ${context.tokenFile}` : context.auth === 'token' ? 'token' : '',
  ],
  wideHeaders: [],
  wideRow: () => [],
  nameOf: (context) => context.name,
  empty: 'No contexts: meshbridge config set-context NAME --server URL adds one.',
};

export interface ConfigDependencies {
  output: Output;
  env: Record<string, string | undefined>;
  /** The whole of standard input (`--token-stdin`). */
  stdin?: () => Promise<string>;
}

interface SetContextOptions {
  server?: string;
  tokenFile?: string;
  tokenStdin?: boolean;
}

async function processStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function fileOf(env: ConfigDependencies['env']): string {
  const file = configPath(env);
  if (file === undefined) throw new ConfigFileError('no config file: set HOME, XDG_CONFIG_HOME or MESHBRIDGE_CONFIG');
  return file;
}

function named(config: CliConfig, name: string, file: string): CliContext {
  const context = config.contexts.find((entry) => entry.name === name);
  if (!context) throw new ConfigFileError(`${file}: there is no context named ${name}`);
  return context;
}

/** The context as it will be: the old one's fields, with the options given replacing them. */
async function updatedContext(
  name: string,
  old: CliContext | undefined,
  options: SetContextOptions,
  deps: ConfigDependencies,
): Promise<CliContext> {
  const server = options.server ?? old?.server;
  if (server === undefined) throw new ConfigFileError(`context ${name} is new: --server is required`);
  const problem = serverProblem(server);
  if (problem) throw new ConfigFileError(`--server ${problem}`);
  if (options.tokenFile !== undefined && options.tokenStdin)
    throw new ConfigFileError('give --token-file or --token-stdin, not both');
  if (options.tokenStdin) {
    const token = (await (deps.stdin ?? processStdin)()).trim();
    if (!/^[\x21-\x7e]{1,8192}$/.test(token))
      throw new ConfigFileError('--token-stdin: standard input holds no token on one line');
    return { name, server, token };
  }
  if (options.tokenFile !== undefined) return { name, server, tokenFile: options.tokenFile };
  return { ...old, name, server };
}

function addSetContext(config: Command, deps: ConfigDependencies, setCode: (code: number) => void): void {
  config
    .command('set-context')
    .description('add or change a context; the first one becomes the current one')
    .argument('<name>', 'the context name')
    .option('-s, --server <url>', 'the meshbridge server (required for a new context)')
    .option('--token-file <file>', 'a file holding the bearer token (read at each use)')
    .option('--token-stdin', 'read the bearer token from standard input and keep it in the config file')
    .action(async (name: string, options: SetContextOptions) => {
      const problem = contextNameProblem(name);
      if (problem) throw new ConfigFileError(`context name ${name}: ${problem}`);
      const file = fileOf(deps.env);
      const current = await readConfig(file, deps.output.err);
      const old = current.contexts.find((entry) => entry.name === name);
      const context = await updatedContext(name, old, options, deps);
      const contexts = old
        ? current.contexts.map((entry) => (entry === old ? context : entry))
        : [...current.contexts, context];
      await writeConfig(file, { currentContext: current.currentContext ?? name, contexts });
      deps.output.out(`context ${name} ${old ? 'changed' : 'added'} in ${file}`);
      setCode(0);
    });
}

function addContextVerbs(config: Command, deps: ConfigDependencies, setCode: (code: number) => void): void {
  config
    .command('use-context')
    .description('make a context the current one')
    .argument('<name>', 'the context name')
    .action(async (name: string) => {
      const file = fileOf(deps.env);
      const current = await readConfig(file, deps.output.err);
      named(current, name, file);
      await writeConfig(file, { ...current, currentContext: name });
      deps.output.out(`current context: ${name}`);
      setCode(0);
    });
  config
    .command('delete-context')
    .description('remove a context (and unset it if it is the current one)')
    .argument('<name>', 'the context name')
    .action(async (name: string) => {
      const file = fileOf(deps.env);
      const current = await readConfig(file, deps.output.err);
      const gone = named(current, name, file);
      const contexts = current.contexts.filter((entry) => entry !== gone);
      const keep = current.currentContext !== name && current.currentContext !== undefined;
      await writeConfig(file, { contexts, ...(keep ? { currentContext: current.currentContext } : {}) });
      deps.output.out(`context ${name} deleted from ${file}`);
      setCode(0);
    });
}

function addListing(config: Command, deps: ConfigDependencies, setCode: (code: number) => void): void {
  config
    .command('get-contexts')
    .description('list the contexts (tokens are never shown)')
    .addOption(resourceOutputOption())
    .action(async (options: { output?: string }) => {
      const current = await readConfig(fileOf(deps.env), deps.output.err);
      const contexts = current.contexts.map((context) => listed(context, current.currentContext));
      printResources(contexts, parseResourceFormat(options.output, 'table'), contextView, deps.output);
      setCode(0);
    });
  config
    .command('current-context')
    .description('print the current context')
    .action(async () => {
      const current = await readConfig(fileOf(deps.env), deps.output.err);
      if (current.currentContext === undefined) {
        deps.output.err('error: no current context (meshbridge config use-context NAME)');
        setCode(1);
        return;
      }
      deps.output.out(current.currentContext);
      setCode(0);
    });
}

export function addConfigCommands(program: Command, deps: ConfigDependencies, setCode: (code: number) => void): void {
  const config = program
    .command('config')
    .description(
      'the CLI config file of contexts: $MESHBRIDGE_CONFIG, else $XDG_CONFIG_HOME/meshbridge/config.yaml, else ~/.config/meshbridge/config.yaml',
    );
  addSetContext(config, deps, setCode);
  addContextVerbs(config, deps, setCode);
  addListing(config, deps, setCode);
}
