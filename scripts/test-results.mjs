// Reads turbo's stream output (`<package>:<task>: <line>`) and counts test results: jest's
// `Tests:` summary of every package, plus one failure for each failed task (turbo's `Failed:` line)
// that reported no failed test itself, such as a lint or build error or a crashed jest setup.

const JEST_SUMMARY = /^(\S+?):(\S+?): Tests: +(.*)$/;
const FAILED_TASKS = /^Failed: +(.+)$/;

function count(summary, word) {
  const match = new RegExp(`(\\d+) ${word}`).exec(summary);
  return match ? Number(match[1]) : 0;
}

/** @returns {{ passed: number, failed: number, failedTasks: string[] }} */
export function countResults(output) {
  let passed = 0;
  let failed = 0;
  const failedTests = new Map();
  const failedTasks = [];
  for (const rawLine of output.split('\n')) {
    // Strip ANSI colours: turbo and jest colour their output on a terminal.
    // eslint-disable-next-line no-control-regex -- the escape character is what is being removed
    const line = rawLine.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
    const summary = JEST_SUMMARY.exec(line);
    if (summary) {
      const [, pkg, task, counts] = summary;
      passed += count(counts, 'passed');
      const taskFailed = count(counts, 'failed');
      failed += taskFailed;
      failedTests.set(`${pkg}#${task}`, (failedTests.get(`${pkg}#${task}`) ?? 0) + taskFailed);
      continue;
    }
    const tasks = FAILED_TASKS.exec(line.trim());
    if (tasks) failedTasks.push(...tasks[1].split(',').map((task) => task.trim()).filter(Boolean));
  }
  for (const task of failedTasks) if (!failedTests.get(task)) failed += 1;
  return { passed, failed, failedTasks };
}
