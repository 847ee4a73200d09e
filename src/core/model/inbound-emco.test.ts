/**
 * The fields of EMCO's inbound server intent that its other sub-controllers act on (serviceMesh, edgeCNF,
 * externalName, externalSupport, external certificates): accepted and stored as EMCO's examples write them,
 * and every bad value named (EMCO's src/dtc/json-schemas/inbound-server.json, narrowed to the values its
 * controllers know).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { prepareIssues } from '../../test-support/prepare-issues.js';
import { PEM_CERT, PEM_KEY } from '../../test-support/scenarios.js';
import { inboundIntentKind } from './inbound.js';
import type { ResourceBody } from './kind.js';
import { prepareBody } from './prepare.js';

const context = { parentKey: null, params: { project: 'demo', compositeApp: 'blue-app', compositeAppVersion: 'v1' } };
const issuesOf = (raw: unknown) => prepareIssues(inboundIntentKind, raw, context);
const prepared = (spec: Record<string, unknown>) =>
  prepareBody(inboundIntentKind, { metadata: { name: 'serverin' }, spec }, context).spec as Record<string, unknown>;

/** The server intent of EMCO's network_policy, service_discovery and sdewan examples. */
const emcoServer = { app: 'http-server', appLabel: 'app=http-server', serviceName: 'http-service', port: 3333 };
const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('EMCO sub-controller fields of an inbound intent', () => {
  test('serviceMesh none (network_policy, service_discovery) is stored; absent means istio', () => {
    expect(prepared({ ...emcoServer, protocol: 'TCP', serviceMesh: 'none' }).serviceMesh).toBe('none');
    expect(prepared({ ...emcoServer, protocol: 'TCP' }).serviceMesh).toBe('istio');
  });

  test('edgeCNF sdewan (sdewan) is stored as given, and not added where absent', () => {
    expect(prepared({ ...emcoServer, protocol: 'TCP', edgeCNF: 'sdewan' }).edgeCNF).toBe('sdewan');
    expect(prepared({ ...emcoServer, protocol: 'TCP' })).not.toHaveProperty('edgeCNF');
  });

  test('externalName without externalSupport (xstream) is stored', () => {
    const spec = prepared({
      app: 'xstream-server',
      appLabel: 'app=xstream-server',
      serviceName: 'xstream-service',
      externalName: 'xstream-client',
      port: 9111,
      protocol: 'TCP',
      serviceMesh: 'istio',
    });
    expect(spec).toMatchObject({ externalName: 'xstream-client', serviceMesh: 'istio' });
    expect(spec).not.toHaveProperty('externalSupport');
  });

  test("external access with EMCO's base64 certificates (external_access) is stored under external.externalCerts", () => {
    const spec = prepared({
      app: 'httpbin',
      appLabel: 'app=httpbin',
      serviceName: 'httpbin',
      externalName: 'httpbin.example.com',
      port: 8000,
      protocol: 'TCP',
      serviceMesh: 'istio',
      externalSupport: true,
      management: { sidecarProxy: 'yes', tlsType: 'MUTUAL' },
      external: {
        externalCerts: {
          serviceCertificate: base64(PEM_CERT),
          servicePrivateKey: base64(PEM_KEY),
          caCertificate: base64(PEM_CERT),
        },
      },
    });
    expect(spec).toMatchObject({
      externalSupport: true,
      management: { sidecarProxy: true, tlsType: 'MUTUAL' },
      external: { externalCerts: { serviceCertificate: base64(PEM_CERT), caCertificate: base64(PEM_CERT) } },
    });
  });

  test("EMCO's JSON schema form, certificates directly under external, moves them to externalCerts", () => {
    const spec = prepared({
      ...emcoServer,
      protocol: 'TCP',
      externalName: 'web.example.com',
      externalSupport: true,
      management: { sidecarProxy: 'yes', tlsType: 'SIMPLE' },
      external: { serviceCertificate: PEM_CERT, servicePrivateKey: PEM_KEY },
    });
    expect(spec.external).toEqual({ externalCerts: { serviceCertificate: PEM_CERT, servicePrivateKey: PEM_KEY } });
  });

  test('every bad value is named at once, with what is allowed', () => {
    const issues = issuesOf({
      metadata: { name: 'serverin' },
      spec: {
        ...emcoServer,
        protocol: 'TCP',
        serviceMesh: 'linkerd',
        edgeCNF: 'vpn',
        externalName: 'Not A Host',
        externalSupport: 'maybe',
        external: { externalCerts: { serviceCertificate: 'x'.repeat(8193) } },
      },
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'spec.edgeCNF',
      'spec.external.externalCerts.serviceCertificate',
      'spec.externalName',
      'spec.externalSupport',
      'spec.serviceMesh',
    ]);
    const message = (path: string) => issues.find((issue) => issue.path === path)?.message;
    expect(message('spec.serviceMesh')).toMatch(/istio.*none/);
    expect(message('spec.edgeCNF')).toMatch(/sdewan.*none/);
    expect(message('spec.externalName')).toContain('DNS name');
  });

  test('external certificates must be PEM, and a certificate goes with its key', () => {
    const issues = issuesOf({
      metadata: { name: 'serverin' },
      spec: {
        ...emcoServer,
        protocol: 'TCP',
        externalName: 'web.example.com',
        externalSupport: true,
        external: { externalCerts: { serviceCertificate: base64('not a certificate'), caCertificate: PEM_KEY } },
      },
    });
    expect(issues).toEqual([
      {
        path: 'spec.external.externalCerts.servicePrivateKey',
        message: 'is required: a certificate and its private key go together',
      },
      { path: 'spec.external.externalCerts.serviceCertificate', message: 'must be a PEM certificate (or its base64)' },
      { path: 'spec.external.externalCerts.caCertificate', message: 'must be a PEM certificate (or its base64)' },
    ]);
  });

  test('externalName is at most 128 characters, as in EMCO', () => {
    const name = `${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
    expect(name.length).toBe(129);
    expect(issuesOf({ metadata: { name: 's' }, spec: { ...emcoServer, protocol: 'TCP', externalName: name } })).toEqual(
      [expect.objectContaining({ path: 'spec.externalName' })],
    );
  });

  test('property: a lower-case DNS name is accepted as externalName, anything with another character is refused', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
    const host = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
    fc.assert(
      fc.property(host, (externalName) => {
        expect(issuesOf({ metadata: { name: 's' }, spec: { ...emcoServer, protocol: 'TCP', externalName } })).toEqual(
          [],
        );
      }),
    );
    const bad = fc
      .tuple(host, fc.constantFrom(' ', 'A', '_', '/', ':', '..', '\n', '$'), host)
      .map(([left, odd, right]) => `${left}${odd}${right}`);
    fc.assert(
      fc.property(bad, (externalName) => {
        const issues = issuesOf({ metadata: { name: 's' }, spec: { ...emcoServer, protocol: 'TCP', externalName } });
        expect(issues.map((issue) => issue.path)).toEqual(['spec.externalName']);
      }),
    );
  });
});

describe('which intents serve one port twice', () => {
  const identity = (spec: Record<string, unknown>) => {
    const body = prepareBody(inboundIntentKind, { metadata: { name: 's' }, spec }, context) as ResourceBody;
    return inboundIntentKind.unique?.identity(body);
  };
  const httpbin = { app: 'httpbin', port: 8000, protocol: 'TCP', externalName: 'httpbin.example.com' };

  test("EMCO's external_access exposes one port outside the mesh twice, by TLS mode: two identities", () => {
    const mutual = identity({
      ...httpbin,
      externalSupport: true,
      management: { sidecarProxy: 'yes', tlsType: 'MUTUAL' },
    });
    const plain = identity({ ...httpbin, externalSupport: true, management: { sidecarProxy: 'yes', tlsType: 'NONE' } });
    expect(mutual).not.toEqual(plain);
  });

  test('two intents for one port inside the mesh are one identity, whatever else differs', () => {
    expect(identity({ ...httpbin, management: { tlsType: 'MUTUAL' } })).toEqual(
      identity({ ...httpbin, management: { tlsType: 'NONE' } }),
    );
    expect(identity({ ...httpbin, externalSupport: false })).toEqual(identity(httpbin));
  });
});
