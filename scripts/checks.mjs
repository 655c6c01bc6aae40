// The report of the CI check scripts (construct-hub-check, python-package): one `ok` or `FAIL` line per check, with
// what it found or why it failed, and a last line `<name>: N checks passed, N failed`.
export function checks(name) {
  let passed = 0;
  let failed = 0;
  return {
    /** Runs `fn`: a throw is a failure (its message, or a child process's output); a returned string is printed. */
    check(what, fn) {
      try {
        const detail = fn();
        passed++;
        console.log(`  ok   ${what}${typeof detail === 'string' ? `: ${detail}` : ''}`);
      } catch (error) {
        failed++;
        const reason = error.stdout || error.stderr ? `${error.stdout ?? ''}${error.stderr ?? ''}` : error.message;
        console.log(`  FAIL ${what}\n       ${String(reason).trim().replace(/\n/g, '\n       ')}`);
      }
    },
    /** Prints the count and exits: 1 on any failure. */
    done() {
      console.log(`${name}: ${passed} checks passed, ${failed} failed`);
      process.exit(failed === 0 ? 0 : 1);
    },
  };
}
