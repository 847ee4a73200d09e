/** A tiny OIDC identity provider for tests: discovery document and JWKS over real HTTP. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A tiny IdP: its published keys can be changed (rotation), and it counts the fetches of each document. */
export class LocalIdp {
  keys: SigningKey[] = [];
  fetches = { discovery: 0, jwks: 0 };
  private server: Server = createServer((request, response) => {
    // `/other/...` is a discovery document that names this issuer, not `/other`'s.
    if (
      request.url === '/.well-known/openid-configuration' ||
      request.url === '/other/.well-known/openid-configuration'
    ) {
      this.fetches.discovery++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/keys` }));
    } else if (request.url === '/keys') {
      this.fetches.jwks++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: this.keys.map((key) => key.jwk) }));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  issuer = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
