import { describe, expect, it } from '@jest/globals';
import { countResults } from '../test-results.mjs';

const jestLine = (pkg, counts) => `${pkg}:test: Tests:       ${counts}`;

describe('countResults', () => {
  it("adds up jest's summaries across packages, skipped tests aside", () => {
    const output = [jestLine('@pingdummy/shared', '40 passed, 40 total'), jestLine('@pingdummy/frontend', '2 failed, 1 skipped, 77 passed, 80 total')].join('\n');
    expect(countResults(output)).toEqual({ passed: 117, failed: 2, failedTasks: [] });
  });

  it('counts a failed task that ran no test (lint, build, crashed setup) as one failure', () => {
    const output = [
      jestLine('@pingdummy/frontend', '1 failed, 79 passed, 80 total'),
      ' Tasks:    3 successful, 6 total',
      'Failed:    @pingdummy/beacon#lint, @pingdummy/frontend#test, @stack/prod#test',
    ].join('\n');
    expect(countResults(output)).toEqual({ passed: 79, failed: 3, failedTasks: ['@pingdummy/beacon#lint', '@pingdummy/frontend#test', '@stack/prod#test'] });
  });

  it('reads coloured terminal output', () => {
    const output = `\u001b[2m@pingdummy/worker:test: \u001b[0m\u001b[1mTests:       \u001b[22m\u001b[1m\u001b[32m5 passed\u001b[39m\u001b[22m, 5 total`;
    expect(countResults(output).passed).toBe(5);
  });
});
