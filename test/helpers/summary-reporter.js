/**
 * A Jest reporter that ends the run with one plain line, "N passed, N failed", for CI logs.
 * A suite that fails to load (a throw at import or in its top-level code, a missing fixture) runs
 * no test, so Jest counts no failed test for it; it counts here as one failure, so the line never
 * reads "0 failed" for a run that did not run everything.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const unloaded = results.testResults.filter(
      (suite) => suite.testExecError !== undefined && suite.testExecError !== null,
    ).length;
    const failed = results.numFailedTests + unloaded;
    const skipped = results.numPendingTests + results.numTodoTests;
    const notes = [];
    if (skipped) notes.push(`${skipped} skipped`);
    if (unloaded) notes.push(`${unloaded} ${unloaded === 1 ? "suite" : "suites"} failed to load`);
    process.stdout.write(
      `\n${results.numPassedTests} passed, ${failed} failed${notes.map((n) => `, ${n}`).join("")}\n`,
    );
  }
}

module.exports = SummaryReporter;
