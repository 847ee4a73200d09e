/**
 * `npm run lint:openapi`: lints the OpenAPI document meshbridge serves with Redocly's
 * recommended rules (redocly.yaml); exits 1 on any error. CI runs the same check in
 * src/adapters/http/openapi-lint.test.ts.
 */
import { describeProblems, lintOpenApi, openApiDocument } from '../src/test-support/openapi-lint.js';

const report = await lintOpenApi(await openApiDocument());
if (report.problems.length > 0) console.log(describeProblems(report));
console.log(`OpenAPI document: ${report.totals.errors} errors, ${report.totals.warnings} warnings`);
process.exitCode = report.totals.errors > 0 ? 1 : 0;
