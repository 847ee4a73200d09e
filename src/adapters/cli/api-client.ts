/** A small client for meshbridge's `/v2` API. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface ApiErrorBody {
  error?: string;
  message?: string;
  details?: { path: string; message: string }[];
}

export class ApiClient {
  private readonly server: string;

  /** `127.0.0.1:9015` is taken as `http://127.0.0.1:9015`, as kubectl takes its --server. */
  /** `token`, when given, is sent as `Authorization: Bearer` (env MESHBRIDGE_TOKEN). */
  constructor(
    server: string,
    private readonly token?: string,
  ) {
    this.server = (/^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`).replace(/\/+$/, '');
  }

  /** `/v2/...` is used as it is; an anchor such as `projects/p` (or `v2/projects/p`) goes below `/v2`. */
  url(path: string): string {
    if (path.startsWith('/')) return `${this.server}${path}`;
    return `${this.server}/v2/${path.replace(/^v2\//, '')}`;
  }

  /** `ifMatch`: the version (ETag) the write is for. */
  async request(method: string, path: string, body?: unknown, upload?: string, ifMatch?: string): Promise<ApiResponse> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    const init: RequestInit = { method, headers };
    if (upload !== undefined) {
      const form = new FormData();
      form.set('metadata', JSON.stringify(body));
      form.set('file', new Blob([await readFile(upload)]), basename(upload));
      init.body = form;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(this.url(path), init);
    } catch (error) {
      throw new Error(
        `cannot reach meshbridge at ${this.server}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`,
      );
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
}

/** One line that says what went wrong, then one line per bad field. */
export function describeError(response: ApiResponse): string {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as ApiErrorBody;
  const lines = [`${response.status} ${body.message ?? String(response.body ?? '')}`.trim()];
  for (const detail of body.details ?? []) lines.push(`  ${detail.path}: ${detail.message}`);
  return lines.join('\n');
}
