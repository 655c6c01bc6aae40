// Ends a jest run with one line, `N passed, N failed` (`, N skipped` when any), that any reader of a CI log
// can parse. Jest prints its own summary after every configured reporter, so this reporter only records the
// line; `print-summary.js` (the global teardown, which runs after all reporters) prints it.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    globalThis.__cdkWorkMailSummaryLine = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  }
}
module.exports = SummaryReporter;
