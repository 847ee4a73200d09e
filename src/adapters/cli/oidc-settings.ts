/** `serve`'s OIDC settings: one JSON or YAML file (`--oidc-config`), or the `MESHBRIDGE_OIDC_*` variables, not both. */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { OIDC_ENV, oidcConfigFromEnv, parseOidcConfig, type OidcConfig } from '../../core/access/oidc-config.js';

export async function oidcSettings(
  file: string | undefined,
  env: Record<string, string | undefined>,
): Promise<OidcConfig | undefined> {
  if (file === undefined) return oidcConfigFromEnv(env);
  const alsoSet = Object.values(OIDC_ENV).filter((name) => env[name]);
  if (alsoSet.length > 0)
    throw new Error(`--oidc-config ${file} is the whole OIDC configuration: unset ${alsoSet.join(', ')}`);
  let raw: unknown;
  try {
    // YAML is a superset of JSON: one parser reads both.
    raw = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  return parseOidcConfig(raw, file);
}
