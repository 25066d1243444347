import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** CI reads the closing line `N passed, N failed`. */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;

  onTestEnd(test: TestCase, result: TestResult): void {
    // Count the final attempt only, so a retried test is counted once.
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    if (result.status === 'passed') {
      this.passed += 1;
      if (result.retry > 0)
        console.log(
          `FLAKY TEST: ${test.location.file}:${test.location.line} > ${test.titlePath().join(' > ')}`,
        );
    } else if (result.status !== 'skipped') {
      this.failed += 1;
      // Repeated at the end of `.ci/run`, whose log CI keeps only the tail of.
      console.log(
        `FAILED TEST: ${test.location.file}:${test.location.line} > ${test.titlePath().join(' > ')}`,
      );
    }
  }

  onEnd(): void {
    console.log(`${this.passed} passed, ${this.failed} failed`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
