/**
 * A cluster's kubeconfig read into meshbridge's own allow-listed structure: the current
 * context's server, CA and embedded credentials, and nothing else. It is untrusted input
 * that meshbridge would act on for whoever stored it, so a kubeconfig that could make the
 * process start a program (`exec`, `auth-provider`) or read a file of this host
 * (`tokenFile`, `client-certificate`, `certificate-authority`, ...) is refused, in any entry,
 * as is anything this reader does not know. Names must be unique strings: the Kubernetes
 * client takes the first entry of a name, so a second one could otherwise hide the first.
 * No problem message ever quotes the text, which holds secrets.
 *
 * Parsed by js-yaml with YAML 1.2's core schema (no timestamps or binary, as `yaml`'s default):
 * at the limits below it takes half the time `yaml` does, in the one turn a request gets.
 * Repeated keys are refused by js-yaml itself; an alias is the object it names, not a copy, and
 * nothing here walks deeper than the three lists, so aliases cannot multiply work.
 */
import { CORE_SCHEMA, load } from 'js-yaml';

/** What meshbridge hands the Kubernetes client. */
export interface SafeKubeconfig {
  server: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  username?: string;
  password?: string;
  namespace?: string;
}

/**
 * `incomplete`: sound but not usable yet (no current context, no server): refused at deploy, accepted when
 * written, as a kubeconfig may be completed later. Anything else is refused when written.
 */
export type KubeconfigReading =
  { ok: true; kubeconfig: SafeKubeconfig } | { ok: false; problems: string[]; incomplete: boolean };

type Entry = Record<string, unknown>;

const TOP_FIELDS = new Set([
  'apiVersion',
  'kind',
  'clusters',
  'users',
  'contexts',
  'current-context',
  'preferences',
  'extensions',
]);
/** Read by nobody: kubectl's and minikube's bookkeeping, accepted and never passed on. */
const IGNORED = 'extensions';
const CLUSTER_FIELDS = new Set(['server', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name']);
const USER_FIELDS = new Set(['token', 'client-certificate-data', 'client-key-data', 'username', 'password']);
const CONTEXT_FIELDS = new Set(['cluster', 'user', 'namespace']);
const BOOLEAN_FIELDS = new Set(['insecure-skip-tls-verify']);

/** Fields that run a program or read a file: named in the refusal, since they are the usual mistake. */
const LOCAL_ACCESS: Record<string, string> = {
  exec: 'runs a program',
  'auth-provider': 'runs a plugin',
  tokenFile: 'reads a file',
  'token-file': 'reads a file',
  'client-certificate': 'reads a file',
  'client-key': 'reads a file',
  'certificate-authority': 'reads a file',
};

const isEntry = (value: unknown): value is Entry =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Lines, keys and flow entries a kubeconfig may have (a `:`, `,`, `[`, `{` or line break each):
 * YAML is parsed node by node at some microseconds each, in one turn of the event loop, so a
 * 1 MiB kubeconfig of 40,000 one-line users held it for seconds, one of 2,000 marks and 256 KB
 * for 30 ms of CPU, one of 500 for under 10. One cluster's kubeconfig has about 30 (EMCO's
 * examples 36), so this is some fifteen clusters'; meshbridge reads one.
 */
export const KUBECONFIG_MARKS = 500;

class TooIntricate extends Error {}

export function countMarks(source: string): number {
  let marks = 0;
  for (let index = 0; index < source.length; index++) {
    const code = source.charCodeAt(index);
    if (code === 0x0a || code === 0x3a || code === 0x2c || code === 0x5b || code === 0x7b) marks += 1;
  }
  return marks;
}

function unreadable(error: unknown): string {
  return error instanceof TooIntricate
    ? `has more than ${KUBECONFIG_MARKS} lines, keys and list entries: keep only this cluster's entries`
    : 'is not valid YAML or JSON (or base64 of it)';
}

function parseText(text: string): unknown {
  const read = (source: string) => {
    // Base64 (one YAML text, however many lines it is wrapped in) is measured once decoded.
    if (!/^[A-Za-z0-9+/=\s]+$/.test(source) && countMarks(source) > KUBECONFIG_MARKS) throw new TooIntricate();
    return load(source, { schema: CORE_SCHEMA });
  };
  const value = read(text);
  // EMCO stores kubeconfigs base64-encoded.
  if (typeof value === 'string' && /^[A-Za-z0-9+/=\s]+$/.test(value))
    return read(Buffer.from(value, 'base64').toString('utf8'));
  return value;
}

interface Section {
  list: 'clusters' | 'users' | 'contexts';
  field: 'cluster' | 'user' | 'context';
  allowed: Set<string>;
}

const SECTIONS: Section[] = [
  { list: 'clusters', field: 'cluster', allowed: CLUSTER_FIELDS },
  { list: 'users', field: 'user', allowed: USER_FIELDS },
  { list: 'contexts', field: 'context', allowed: CONTEXT_FIELDS },
];

function fieldProblem(section: Section, key: string, value: unknown): string | undefined {
  if (key === IGNORED) return undefined;
  if (LOCAL_ACCESS[key]) return `${LOCAL_ACCESS[key]} on meshbridge's host: embed the credentials`;
  if (!section.allowed.has(key)) return 'is not a field meshbridge reads';
  const kind = BOOLEAN_FIELDS.has(key) ? 'boolean' : 'string';
  return typeof value === kind ? undefined : `must be a ${kind}`;
}

/** Every entry of one list, checked field by field; the entries by name when all are sound. */
function readSection(document: Entry, section: Section, problems: string[]): Map<string, Entry> {
  const byName = new Map<string, Entry>();
  const items = document[section.list] ?? [];
  if (!Array.isArray(items)) {
    problems.push(`${section.list} must be a list`);
    return byName;
  }
  items.forEach((item: unknown, index) => {
    const at = `${section.list}[${index}]`;
    if (!isEntry(item)) return problems.push(`${at} must be a mapping`);
    for (const key of Object.keys(item))
      if (key !== 'name' && key !== section.field) problems.push(`${at}.${key} is not a field meshbridge reads`);
    if (typeof item.name !== 'string' || item.name === '') problems.push(`${at}.name must be a non-empty string`);
    else if (byName.has(item.name)) problems.push(`${at}.name repeats the name of an earlier entry`);
    const body = item[section.field];
    if (!isEntry(body)) return problems.push(`${at}.${section.field} must be a mapping`);
    for (const [key, value] of Object.entries(body)) {
      const problem = fieldProblem(section, key, value);
      if (problem) problems.push(`${at}.${section.field}.${key} ${problem}`);
    }
    if (typeof item.name === 'string' && !byName.has(item.name)) byName.set(item.name, body);
  });
  return byName;
}

function serverProblem(server: unknown, cluster: Entry): string | undefined {
  if (typeof server !== 'string' || !URL.canParse(server)) return 'has no server URL';
  // Credentials in the URL would be sent by the client and shown in errors.
  const url = new URL(server);
  if (url.username || url.password) return 'has credentials in its server URL';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && cluster['insecure-skip-tls-verify'] === true) return undefined;
  return 'uses neither https:// nor http:// with insecure-skip-tls-verify: true';
}

function optional<K extends keyof SafeKubeconfig>(key: K, value: unknown): Partial<SafeKubeconfig> {
  return value === undefined ? {} : ({ [key]: value } as Partial<SafeKubeconfig>);
}

/** Reads `spec.kubeconfig`; every problem is named by its path in the document, never by its value. */
export function readKubeconfig(text: string): KubeconfigReading {
  let document: unknown;
  try {
    document = parseText(text);
  } catch (error) {
    return { ok: false, problems: [unreadable(error)], incomplete: false };
  }
  if (!isEntry(document)) return { ok: false, problems: ['is not a kubeconfig document'], incomplete: false };
  const problems: string[] = [];
  for (const key of Object.keys(document))
    if (!TOP_FIELDS.has(key)) problems.push(`${key} is not a field meshbridge reads`);
  const [clusters, users, contexts] = SECTIONS.map((section) => readSection(document as Entry, section, problems)) as [
    Map<string, Entry>,
    Map<string, Entry>,
    Map<string, Entry>,
  ];
  if (problems.length > 0) return { ok: false, problems, incomplete: false };
  const incomplete = (problem: string) => ({ ok: false as const, problems: [problem], incomplete: true });
  const named = document['current-context'];
  const contextName =
    typeof named === 'string' && named !== '' ? named : contexts.size === 1 ? [...contexts.keys()][0] : undefined;
  const context = contextName === undefined ? undefined : contexts.get(contextName);
  if (!context) return incomplete('has no current-context naming one of its contexts');
  const cluster = clusters.get(String(context.cluster));
  if (!cluster) return incomplete('has a current context that names none of its clusters');
  const user = context.user === undefined ? {} : users.get(String(context.user));
  if (!user) return incomplete('has a current context that names none of its users');
  const problem = serverProblem(cluster.server, cluster);
  if (problem) return incomplete(`has a current cluster that ${problem}`);
  return {
    ok: true,
    kubeconfig: {
      server: cluster.server as string,
      ...optional('certificateAuthorityData', cluster['certificate-authority-data']),
      ...optional('insecureSkipTlsVerify', cluster['insecure-skip-tls-verify']),
      ...optional('tlsServerName', cluster['tls-server-name']),
      ...optional('token', user.token),
      ...optional('clientCertificateData', user['client-certificate-data']),
      ...optional('clientKeyData', user['client-key-data']),
      ...optional('username', user.username),
      ...optional('password', user.password),
      ...optional('namespace', context.namespace),
    },
  };
}
