/**
 * The OpenAPI document as meshbridge serves it, and Redocly CLI's verdict on it under
 * the checked-in redocly.yaml (recommended rules). Used by openapi-lint.test.ts (CI)
 * and `npm run lint:openapi`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sqliteApi } from './api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');
const CONFIG = join(ROOT, 'redocly.yaml');

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

export interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

/** The document of a freshly built app (in-memory SQLite): what `GET /v2/openapi.json` answers. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const api = await sqliteApi();
  try {
    await api.app.ready();
    return api.app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await api.close();
  }
}

/** Runs `redocly lint --format=json` on the document; the report, whatever the verdict. */
export async function lintOpenApi(document: object): Promise<LintReport> {
  const folder = await mkdtemp(join(tmpdir(), 'meshbridge-openapi-'));
  const file = join(folder, 'openapi.json');
  try {
    await writeFile(file, JSON.stringify(document));
    const args = ['lint', file, '--config', CONFIG, '--format=json', '--max-problems=1000'];
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    // Redocly exits 1 when it finds errors; the JSON report on stdout is the answer either way.
    const stdout = await promisify(execFile)(REDOCLY, args, { env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).then(
      (result) => result.stdout,
      (error: { stdout?: string; stderr?: string }) => {
        if (!error.stdout) throw new Error(`redocly lint did not run: ${error.stderr ?? String(error)}`);
        return error.stdout;
      },
    );
    return JSON.parse(stdout) as LintReport;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** One line per problem, for a test's failure message or the script's output. */
export function describeProblems(report: LintReport): string {
  return report.problems
    .map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`)
    .join('\n');
}
