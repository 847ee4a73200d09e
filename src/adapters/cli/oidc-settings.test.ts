/** `meshbridge serve` with OIDC: from a file or the environment, bad settings named before anything starts. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { serveWith } from '../../test-support/cli.js';

describe('serve: OIDC settings', () => {
  test('none: OIDC is off', async () => {
    const { request } = await serveWith([]);
    expect(request?.oidc).toBeUndefined();
  });

  test('from the environment', async () => {
    const { code, request } = await serveWith([], {
      MESHBRIDGE_OIDC_ISSUER: 'https://idp.example.com/realms/acme',
      MESHBRIDGE_OIDC_AUDIENCE: 'meshbridge',
      MESHBRIDGE_OIDC_ROLES_CLAIM: 'realm_access.roles',
    });
    expect(code).toBe(0);
    expect(request?.oidc).toEqual({
      issuer: 'https://idp.example.com/realms/acme',
      audience: 'meshbridge',
      rolesClaim: 'realm_access.roles',
      subjectClaim: 'sub',
    });
  });

  test('from a YAML file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mb-oidc-')), 'oidc.yaml');
    await writeFile(
      file,
      'issuer: https://login.microsoftonline.com/tenant/v2.0\naudience: api://meshbridge\nrolesClaim: roles\nroleMap:\n  Meshbridge.Admin: admin\n',
    );
    const { request } = await serveWith(['--oidc-config', file]);
    expect(request?.oidc).toMatchObject({ rolesClaim: 'roles', roleMap: { 'Meshbridge.Admin': ['admin'] } });
  });

  test('a bad file is named with every bad field, and nothing starts', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mb-oidc-')), 'oidc.json');
    await writeFile(file, JSON.stringify({ issuer: 'http://idp.example.com', roleMap: { ops: 'root' } }));
    const { code, request, err } = await serveWith(['--oidc-config', file]);
    expect(code).toBe(1);
    expect(request).toBeUndefined();
    expect(err).toContain(`${file}: `);
    expect(err).toContain('issuer: must be https://');
    expect(err).toContain('audience: is required');
    expect(err).toContain('roleMap["ops"]');
  });

  test('a file and the variables together are refused, naming the variables', async () => {
    const { code, err } = await serveWith(['--oidc-config', '/nonexistent.yaml'], {
      MESHBRIDGE_OIDC_AUDIENCE: 'x',
    });
    expect(code).toBe(1);
    expect(err).toContain('unset MESHBRIDGE_OIDC_AUDIENCE');
  });
});
