import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A Jest reporter that writes each project's totals to `<workspace>/tmp/test-results/<name>.json`,
 * so `tools/test-all` can print one closing line for the whole workspace.
 */
export default class SummaryReporter {
  constructor(globalConfig, options = {}) {
    this.name = options.name ?? 'project';
    this.dir = options.dir;
  }

  onRunComplete(_contexts, results) {
    if (!this.dir) return;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(
      join(this.dir, `${this.name}.json`),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        suitesFailed: results.numFailedTestSuites + results.numRuntimeErrorTestSuites,
      }),
    );
  }
}
