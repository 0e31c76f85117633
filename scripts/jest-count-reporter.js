// Writes this package's pass/fail counts to test-results/counts.json so that scripts/test-all can
// print one closing "N passed, N failed" line for the whole suite.
const fs = require("node:fs");
const path = require("node:path");

class CountReporter {
  constructor(_globalConfig, options) {
    this.packageDir = options.packageDir;
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(this.packageDir, "test-results");
    fs.mkdirSync(dir, { recursive: true });
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.writeFileSync(path.join(dir, "counts.json"), JSON.stringify(counts));
  }
}

module.exports = CountReporter;
