import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../test-support/test-app.js';

const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'orderbridge-openapi-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

// The document is checked by a third-party linter (Redocly CLI, its "recommended" rules), not only
// by our own tests: it must have no errors.
describe('the OpenAPI document under Redocly lint', () => {
  it('has no errors', async () => {
    const { get } = createTestApp();
    const document = await (await get('/openapi.json', null)).json();
    const file = join(directory, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const bin = new URL('../../node_modules/.bin/redocly', import.meta.url);
    const result = await run(
      bin.pathname,
      ['lint', file, '--extends', 'recommended', '--format', 'json'],
      {
        // No telemetry and no update check: the test talks to nothing but this machine.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }));
    const report = JSON.parse(result.stdout) as { problems: LintProblem[] };
    const errors = report.problems
      .filter((problem) => problem.severity === 'error')
      .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`);
    expect(errors).toEqual([]);
  }, 60_000);
});
