/**
 * The page's calls to meshbridge's own API, same origin. With authentication on, a call
 * that answers 401 asks for a token (the admin token, an API token or an OIDC JWT) in a
 * dialog, keeps it in sessionStorage (gone when the tab closes) and tries once more.
 */
const TOKEN_KEY = 'meshbridge.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function headers(accept: string): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { accept, authorization: `Bearer ${token}` } : { accept };
}

/** Shows the token dialog; resolves with the token given, or undefined when cancelled. */
function askForToken(reason: string): Promise<string | undefined> {
  const dialog = document.getElementById('token-dialog') as HTMLDialogElement;
  const input = dialog.querySelector('input') as HTMLInputElement;
  const why = dialog.querySelector('.why') as HTMLElement;
  why.textContent = reason;
  input.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'ok' && input.value.trim() !== '' ? input.value.trim() : undefined),
      { once: true },
    );
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: string };
    return body.message ?? text;
  } catch {
    return text || response.statusText;
  }
}

let pendingToken: Promise<string | undefined> | undefined;

async function call(path: string, accept: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(path, { ...init, headers: { ...headers(accept), ...(init.headers ?? {}) } });
    if (response.status !== 401 || attempt > 2) {
      if (!response.ok) throw new ApiError(response.status, `${response.status}: ${await errorText(response)}`);
      return response;
    }
    // Many calls may answer 401 at once: one dialog serves them all.
    pendingToken ??= askForToken(await errorText(response)).finally(() => (pendingToken = undefined));
    const token = await pendingToken;
    if (token === undefined) throw new ApiError(401, 'no token given');
    sessionStorage.setItem(TOKEN_KEY, token);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await call(path, 'application/json')).json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await call(path, 'text/plain, application/json')).text();
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}
