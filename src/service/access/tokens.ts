/**
 * API tokens for people and automation. A token reads `mb_<id>_<secret>`: the id finds
 * the record, the secret is kept only as its SHA-256 and compared in constant time.
 * Every token expires (at most a year out) and can be revoked; a revoked or expired
 * token is refused like an unknown one, so the answer tells an attacker nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, NotFoundError, ValidationError, type Issue } from '../../core/errors.js';
import { formatGrant, parseGrant, type Grant, type Principal } from '../../core/access/principal.js';
import { isPlainObject } from '../../core/validation/values.js';
import type { AccessRecords, StoredToken } from './access-records.js';

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;
const TOKEN_PATTERN = /^mb_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  name: string;
  grants: Grant[];
  readSecrets: boolean;
  expiresInDays: number;
}

/** What anyone may see of a token: everything but its secret and hash. */
export interface TokenView {
  id: string;
  name: string;
  grants: string[];
  readSecrets: boolean;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function isApiToken(presented: string): boolean {
  return presented.startsWith('mb_');
}

const TOKEN_FIELDS = ['name', 'grants', 'readSecrets', 'expiresInDays'];

function readGrants(grants: unknown, issues: Issue[]): Grant[] {
  if (!Array.isArray(grants) || grants.length === 0 || grants.length > 50) {
    issues.push({ path: 'grants', message: 'must list 1 to 50 grants such as "editor:projectA" or "viewer"' });
    return [];
  }
  const parsed: Grant[] = [];
  grants.forEach((text: unknown, index) => {
    const grant = typeof text === 'string' ? parseGrant(text) : undefined;
    if (grant) parsed.push(grant);
    else
      issues.push({
        path: `grants[${index}]`,
        message: 'must be viewer, editor, deployer or admin, optionally :project',
      });
  });
  return parsed;
}

const isDayCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TOKEN_DAYS;

/** Reads `{name, grants: ["editor:p1"], readSecrets?, expiresInDays?}`, naming every bad field. */
export function readNewToken(body: unknown): NewToken {
  const issues: Issue[] = [];
  if (!isPlainObject(body))
    throw new ValidationError('the token request is not valid', [{ path: '', message: 'must be an object' }]);
  for (const key of Object.keys(body))
    if (!TOKEN_FIELDS.includes(key)) issues.push({ path: key, message: 'is not a field of a token' });
  const { name, readSecrets, expiresInDays = DEFAULT_TOKEN_DAYS } = body;
  if (typeof name !== 'string' || !/^[\w .@:-]{1,100}$/.test(name))
    issues.push({ path: 'name', message: 'must be 1 to 100 letters, digits, spaces or . _ @ : -' });
  const grants = readGrants(body.grants, issues);
  if (readSecrets !== undefined && typeof readSecrets !== 'boolean')
    issues.push({ path: 'readSecrets', message: 'must be true or false' });
  if (!isDayCount(expiresInDays))
    issues.push({ path: 'expiresInDays', message: `must be a whole number of days from 1 to ${MAX_TOKEN_DAYS}` });
  if (issues.length > 0) throw new ValidationError('the token request is not valid', issues);
  return { name: name as string, grants, readSecrets: readSecrets === true, expiresInDays: expiresInDays as number };
}

function stateOf(token: StoredToken, now: string): TokenView['state'] {
  if (token.revokedAt !== null) return 'revoked';
  return token.expiresAt <= now ? 'expired' : 'active';
}

export class TokenService {
  constructor(
    private readonly records: AccessRecords,
    private readonly now: () => Date = () => new Date(),
  ) {}

  view(token: StoredToken): TokenView {
    const { secretHash: _hidden, grants, ...rest } = token;
    return { ...rest, grants: grants.map(formatGrant), state: stateOf(token, this.now().toISOString()) };
  }

  /** The secret is in the answer once, and nowhere else ever. */
  async create(by: Principal, request: NewToken): Promise<TokenView & { token: string }> {
    // Nobody hands on a permission they do not hold themselves.
    if (request.readSecrets && !by.readSecrets)
      throw new ForbiddenError(`${by.name} may not create a token that reads secrets: it cannot read them itself`);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const now = this.now();
    const stored: StoredToken = {
      id,
      name: request.name,
      secretHash: sha256(secret).toString('hex'),
      grants: request.grants,
      readSecrets: request.readSecrets,
      createdBy: by.name,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + request.expiresInDays * DAY_MS).toISOString(),
      revokedAt: null,
    };
    await this.records.insertToken(stored);
    return { ...this.view(stored), token: `mb_${id}_${secret}` };
  }

  async list(): Promise<TokenView[]> {
    return (await this.records.listTokens()).map((token) => this.view(token));
  }

  async revoke(id: string): Promise<TokenView> {
    if (!(await this.records.revokeToken(id, this.now().toISOString()))) throw new NotFoundError(`no token ${id}`);
    return this.view((await this.records.findToken(id))!);
  }

  /** The principal a presented token stands for; undefined when it is unknown, wrong, revoked or expired. */
  async authenticate(presented: string): Promise<Principal | undefined> {
    const match = TOKEN_PATTERN.exec(presented);
    if (!match) return undefined;
    const token = await this.records.findToken(match[1]!);
    if (token === undefined) return undefined;
    const matches = timingSafeEqual(sha256(match[2]!), Buffer.from(token.secretHash, 'hex'));
    if (!matches || stateOf(token, this.now().toISOString()) !== 'active') return undefined;
    return {
      name: `token:${token.id} (${token.name})`,
      via: 'token',
      grants: token.grants,
      readSecrets: token.readSecrets,
    };
  }
}
