// Global teardown: prints the line `summary-reporter.js` recorded, after jest's own summary.
module.exports = async () => {
  if (globalThis.__cdkWorkMailSummaryLine) process.stderr.write(`\n${globalThis.__cdkWorkMailSummaryLine}\n`);
};
