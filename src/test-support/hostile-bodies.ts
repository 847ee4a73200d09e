/**
 * Valid-looking documents as costly as a client can make them: past every input limit, up to
 * the 4 MB body limit, and at every limit (the most values, key names and text accepted).
 */
import { stringify } from 'yaml';
import { countMarks, KUBECONFIG_MARKS } from '../core/model/kubeconfig.js';
import { LIMITS } from '../core/validation/limits.js';

export const BODY_LIMIT = 4 * 1024 * 1024;

/** `open`, then as many items as fit in the body limit, comma-separated, then `close`. */
function fill(item: (index: number) => string, open: string, close: string): string {
  const items: string[] = [];
  let size = open.length + close.length;
  for (let index = 0; size + item(index).length + 1 < BODY_LIMIT; index++) {
    items.push(item(index));
    size += item(index).length + 1;
  }
  return `${open}${items.join(',')}${close}`;
}

function atTheLimits(): string {
  const perObject = Math.floor((LIMITS.keyNames - 10) / 10);
  const objects = Array.from({ length: 10 }, (_, i) =>
    Object.fromEntries(
      Array.from({ length: perObject }, (_, j) => [`key-${i}-${j}-${'k'.repeat(40)}`, 'v'.repeat(60)]),
    ),
  );
  const lists = Array.from({ length: 7 }, () => Array<string>(1000).fill('x'.repeat(30)));
  return JSON.stringify({ metadata: { name: 'limits' }, spec: { kv: objects, more: lists } });
}

/** The text of a kubeconfig of `users` users, each with a token of `token` characters. */
function kubeconfigText(users: number, token: number): string {
  const list = Array.from({ length: users }, (_, i) => ({ name: `u${i}`, user: { token: 't'.repeat(token) } }));
  return stringify({ apiVersion: 'v1', kind: 'Config', users: list }).slice(0, LIMITS.stringLength - 10);
}

function kubeconfig(name: string, text: string): string {
  return JSON.stringify({ metadata: { name }, spec: { kubeconfig: text } });
}

/**
 * As many users as the kubeconfig limit allows, with tokens as long as the text limit allows: the
 * most YAML a client can make meshbridge parse (its nodes and its characters both cost time).
 */
function kubeconfigAtTheLimits(): string {
  let users = KUBECONFIG_MARKS;
  while (countMarks(kubeconfigText(users, 1)) > KUBECONFIG_MARKS)
    users = Math.min(users - 1, Math.floor((users * KUBECONFIG_MARKS) / countMarks(kubeconfigText(users, 1))));
  const spare = LIMITS.stringLength - kubeconfigText(users, 1).length;
  return kubeconfigText(users, 1 + Math.floor(spare / users));
}

export interface HostileBody {
  what: string;
  /** Below `/v2/cluster-providers/edge/clusters`: `''` (a cluster) or `/c1/kv-pairs`. */
  below: '' | '/c1/kv-pairs';
  body: string;
}

export function hostileBodies(): HostileBody[] {
  const kv = '/c1/kv-pairs' as const;
  return [
    {
      what: 'a list far past its limit',
      below: kv,
      body: fill((i) => `{"k${i}":"v"}`, '{"metadata":{"name":"big"},"spec":{"kv":[', ']}}'),
    },
    {
      what: 'an object of 400,000 keys',
      below: kv,
      body: fill((i) => `"x${i}":1`, '{"metadata":{"name":"p"},"spec":{', '}}'),
    },
    {
      what: 'nesting 2,000,000 deep',
      below: kv,
      body: `{"metadata":{"name":"d"},"spec":${'['.repeat(BODY_LIMIT / 2 - 100)}${']'.repeat(BODY_LIMIT / 2 - 100)}}`,
    },
    {
      what: 'a 4 MB text',
      below: kv,
      body: JSON.stringify({ metadata: { name: 'c', description: 'x'.repeat(BODY_LIMIT - 100) } }),
    },
    { what: 'a document at every limit', below: kv, body: atTheLimits() },
    { what: 'a kubeconfig of 3,000 users', below: '', body: kubeconfig('kc1', kubeconfigText(3_000, 1)) },
    { what: 'a kubeconfig as intricate as allowed', below: '', body: kubeconfig('kc2', kubeconfigAtTheLimits()) },
  ];
}
