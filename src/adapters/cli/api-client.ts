/**
 * A small client for meshbridge's `/v2` API, on `node:http` rather than `fetch`: Node
 * loads its fetch (undici) on first use, which costs every `get` and `apply` about a
 * tenth of a second of start-up (bench/startup.ts); `node:https` is loaded only for
 * an https server.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { basename } from 'node:path';

/** What the commands read of a response's headers (a `Headers`-like `get`). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface ApiResponse {
  status: number;
  headers: ResponseHeaders;
  body: unknown;
}

/** What the commands ask of the API: a server's (`ApiClient`) or the one in this process (`InProcessClient`). */
export interface Api {
  /** `ifMatch`: the version (ETag) the write is for; `upload`: a file sent with the document (multipart). */
  request(method: string, path: string, body?: unknown, upload?: string, ifMatch?: string): Promise<ApiResponse>;
}

export interface ApiErrorBody {
  error?: string;
  message?: string;
  details?: { path: string; message: string }[];
}

function headersOf(raw: IncomingHttpHeaders | Record<string, string>): ResponseHeaders {
  return {
    get: (name) => {
      const value = raw[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** A filename in a multipart header, escaped as browsers (and undici) do. */
const quotedName = (name: string) => name.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');

/** emcoctl's multipart upload: the resource as `metadata`, the file as `file`. */
async function multipart(body: unknown, upload: string): Promise<{ type: string; data: Buffer }> {
  const boundary = `----meshbridge${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const data = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(body)}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quotedName(basename(upload))}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    await readFile(upload),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { type: `multipart/form-data; boundary=${boundary}`, data };
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

async function send(url: URL, options: RequestOptions, data?: Buffer): Promise<RawResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported scheme ${url.protocol}`);
  const request = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, options, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(data);
  });
}

export class ApiClient implements Api {
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
    return urlBelow(this.server, path);
  }

  /** `ifMatch`: the version (ETag) the write is for. */
  async request(method: string, path: string, body?: unknown, upload?: string, ifMatch?: string): Promise<ApiResponse> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    let data: Buffer | undefined;
    if (upload !== undefined) {
      const form = await multipart(body, upload);
      headers['content-type'] = form.type;
      data = form.data;
    } else if (body !== undefined) {
      data = Buffer.from(JSON.stringify(body));
      headers['content-type'] = 'application/json';
    }
    if (data !== undefined) headers['content-length'] = String(data.length);
    let response: RawResponse;
    try {
      response = await send(new URL(this.url(path)), { method, headers }, data);
    } catch (error) {
      throw new Error(`cannot reach meshbridge at ${this.server}: ${(error as Error).message}`);
    }
    return responseOf(response.status, response.headers, response.text);
  }
}

function urlBelow(server: string, path: string): string {
  if (path.startsWith('/')) return `${server}${path}`;
  return `${server}/v2/${path.replace(/^v2\//, '')}`;
}

/** A response as the commands read it: the body parsed when it is JSON, else its text. */
function responseOf(status: number, headers: IncomingHttpHeaders | Record<string, string>, text: string): ApiResponse {
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status, headers: headersOf(headers), body: parsed };
}

/** The API in this process (offline rendering): answers what a server would have sent, with no socket. */
export interface InProcessExchange {
  exchange(request: {
    method: string;
    url: URL;
    body?: unknown;
    upload?: string;
    ifMatch?: string;
  }): Promise<{ status: number; headers: Record<string, string>; text: string }>;
}

/** Requests as `ApiClient` makes them (the same URLs), answered in this process. */
export class InProcessClient implements Api {
  constructor(private readonly api: InProcessExchange) {}

  async request(method: string, path: string, body?: unknown, upload?: string, ifMatch?: string): Promise<ApiResponse> {
    const url = new URL(urlBelow('http://in-process', path));
    const answer = await this.api.exchange({
      method,
      url,
      ...(body === undefined ? {} : { body }),
      ...(upload === undefined ? {} : { upload }),
      ...(ifMatch === undefined ? {} : { ifMatch }),
    });
    return responseOf(answer.status, answer.headers, answer.text);
  }
}

/** One line that says what went wrong, then one line per bad field. */
export function describeError(response: ApiResponse): string {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as ApiErrorBody;
  const lines = [`${response.status} ${body.message ?? String(response.body ?? '')}`.trim()];
  for (const detail of body.details ?? []) lines.push(`  ${detail.path}: ${detail.message}`);
  return lines.join('\n');
}
