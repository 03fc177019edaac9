import type { Page } from 'playwright-core';

/**
 * Steps the browser journeys share: signing up through the form, filling and submitting the new-check form,
 * and waiting for something the worker or the page does in its own time.
 */

/** The password the journeys sign up with (long enough for the sign-up rules). */
export const JOURNEY_PASSWORD = 'a long enough password';

/** Signs a new account up through the sign-up form; resolves on the dashboard, signed in. */
export async function signUp(page: Page, email: string, password = JOURNEY_PASSWORD): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/dashboard');
}

export interface CheckFormFields {
  name: string;
  /** An HTTP check's URL; left out for a TCP check, whose host and port the test fills itself. */
  url?: string;
  intervalSeconds?: string;
  timeoutMs?: string;
  failuresBeforeDown?: string;
  /** Labels of checkboxes to tick: channels to alert, "Show on the public status page", … */
  tick?: (string | RegExp)[];
}

/** Fills the new-check form the page is on, without submitting it (a test may expect a field error first). */
export async function fillCheckForm(page: Page, fields: CheckFormFields): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(fields.name);
  if (fields.url !== undefined) await page.getByLabel('URL', { exact: true }).fill(fields.url);
  if (fields.intervalSeconds !== undefined) await page.getByLabel('Interval (seconds)').fill(fields.intervalSeconds);
  if (fields.timeoutMs !== undefined) await page.getByLabel('Timeout (ms)').fill(fields.timeoutMs);
  if (fields.failuresBeforeDown !== undefined) await page.getByLabel('Failed probes before down').fill(fields.failuresBeforeDown);
  for (const label of fields.tick ?? []) await page.getByLabel(label).check();
}

/** Submits the new-check form and waits for the new check's page; returns the check's id. */
export async function submitNewCheck(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Create check' }).click();
  await page.waitForURL(/\/checks\/[0-9a-f-]{36}\?notice=check-created/);
  return /\/checks\/([0-9a-f-]{36})/.exec(page.url())![1]!;
}

/**
 * Polls `probe` every 250 ms until it returns something other than undefined or false, and returns that.
 * `explain` adds what the test knows to the timeout message (e.g. the check's row).
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  explain?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `; ${await explain()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
