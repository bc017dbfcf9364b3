// Prints "N passed, N failed" from vitest's JSON report: the line CI reads. A run that executed no
// test prints "0 passed, 0 failed" and exits non-zero, so it cannot pass unnoticed.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-results.json';
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`test-summary: ${file} was not written; the test run did not complete`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults: Array<{ status: string; message?: string; name: string }>;
};
// A file that failed to load (syntax error, missing import) has no test results of its own.
const brokenFiles = report.testResults.filter(
  (result) => result.status === 'failed' && result.message,
);
for (const broken of brokenFiles) console.error(`test-summary: ${broken.name}: ${broken.message}`);
const failed = report.numFailedTests + brokenFiles.length;
console.log(`${report.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 || report.numPassedTests === 0 ? 1 : 0);
