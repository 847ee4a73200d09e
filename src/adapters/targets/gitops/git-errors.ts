/** Git failures as the port's `TargetError`s, with any credentials taken out of the message. */
import { TargetError } from '../../../service/deploy/target.js';

/** `https://user:token@host/x.git` → `https://host/x.git`, wherever a URL appears in `text`. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1');
}

/** Failures that another attempt will not fix: wrong address, no access, a broken repository. */
const PERMANENT = [
  /authentication failed/i,
  /permission denied/i,
  /repository .* not found/i,
  /does not appear to be a git repository/i,
  /not a git repository/i,
  /could not read username/i,
  /terminal prompts disabled/i,
  /\[remote rejected\]/i,
];

export function isPermanentGitFailure(message: string): boolean {
  return PERMANENT.some((pattern) => pattern.test(message));
}

/** Wraps anything thrown by git (or by simple-git around it); a `TargetError` passes through unchanged. */
export function gitError(error: unknown, doing: string): TargetError {
  if (error instanceof TargetError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactCredentials(`${doing}: ${raw.trim()}`);
  return new TargetError(message, 'git-error', !isPermanentGitFailure(raw));
}

/** Runs a git step, turning its failure into a `git-error`. */
export async function gitStep<T>(doing: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw gitError(error, doing);
  }
}
