import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { startTestFrontend, type TestFrontend } from '../web/harness.js';
import { launchChromium, type TestChromium } from './chromium.js';
import { fillCheckForm, signUp, submitNewCheck } from './journey.js';

/**
 * Accounts in a real browser: the owner turns on two-factor sign-in (the code is computed here from the key the
 * page shows), signs out and back in with a code, invites a read-only member who accepts and cannot edit, and
 * reads the audit log. Screenshots: screenshots/accounts-*.png.
 */

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
const READER = { email: 'reader@example.com', password: 'reader password 1' };

let frontend: TestFrontend;
let ownerBrowser: TestChromium;
let readerBrowser: TestChromium;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `accounts-${name}.png`), fullPage: true });
const codeAt = (secret: string, timestamp: number) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  frontend = await startTestFrontend();
  ownerBrowser = await launchChromium(frontend.url);
  readerBrowser = await launchChromium(frontend.url);
}, 60_000);
afterAll(async () => {
  await ownerBrowser?.close();
  await readerBrowser?.close();
  await frontend?.stop();
});

test('two-factor sign-in, a read-only teammate and the audit log', async () => {
  const page = await ownerBrowser.context.newPage();
  await signUp(page, OWNER.email, OWNER.password);
  await page.click('text=New check');
  await fillCheckForm(page, { name: 'Storefront', url: 'https://shop.example.com/' });
  await submitNewCheck(page);
  const checkPath = new URL(page.url()).pathname;

  // Enrol: the QR code is drawn (an SVG data URL, no request elsewhere), the key is readable.
  await page.goto('/settings');
  await page.click('text=Turn on two-factor sign-in');
  await page.waitForURL('**/settings/two-factor');
  const qrWidth = await page.locator('img.qr-code').evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth) // the browser decoded it;
  expect(qrWidth).toBeGreaterThan(0);
  expect(await page.locator('img.qr-code').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  await shot(page, 'enrol');
  const secret = (await page.locator('#totp-secret').textContent())!.trim();
  const enrolledAt = Date.now();
  await page.fill('#code', codeAt(secret, enrolledAt));
  await page.click('text=Confirm and turn on');
  await page.waitForURL('**/settings/two-factor/recovery-codes');
  expect(await page.locator('.recovery-codes li').count()).toBe(10);
  await shot(page, 'recovery-codes');
  await page.click('text=I have saved them');
  await expect(page.locator('#two-factor-heading + p').textContent()).resolves.toContain('10 unused recovery codes');

  // Sign out, then in: the password alone leads to the code step, which nothing else gets around.
  await page.click('text=Sign out');
  await page.waitForURL('**/login?notice=signed-out');
  await page.fill('#email', OWNER.email);
  await page.fill('#password', OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/login/code');
  await shot(page, 'login-code');
  await page.goto('/dashboard');
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.goto('/login/code');
  // The step of the enrolment is used: the next step's code (accepted within the clock-drift window).
  await page.fill('#code', codeAt(secret, enrolledAt + 30_000));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/dashboard');

  // Invite a read-only teammate; the link is shown once to copy.
  await page.click('nav >> text=Team');
  await page.fill('#invite-email', READER.email);
  await page.selectOption('#invite-role', 'read_only');
  await page.click('text=Create invitation link');
  await page.waitForURL('**/team#invitations-heading');
  const link = await page.inputValue('#invitation-link');
  expect(link).toMatch(/\/invitations\/accept\?token=[A-Za-z0-9_-]{43}$/);
  await shot(page, 'team');

  const reader = await readerBrowser.context.newPage();
  await reader.goto(`${new URL(link).pathname}${new URL(link).search}`);
  await expect(reader.locator('h1').textContent()).resolves.toBe('Join the team');
  await reader.fill('#password', READER.password);
  await reader.fill('#confirmPassword', READER.password);
  await reader.getByRole('button', { name: 'Accept and sign in' }).click();
  await reader.waitForURL('**/dashboard');
  expect(await reader.locator('text=Storefront').count()).toBeGreaterThan(0);
  expect(await reader.locator('text=New check').count()).toBe(0);
  expect(await reader.locator('nav >> text=Team').count()).toBe(0);
  await reader.goto(checkPath);
  expect(await reader.locator('text=Edit').count()).toBe(0);
  await shot(reader, 'read-only-check');
  const edit = await reader.goto(`${checkPath}/edit`);
  expect(edit?.status()).toBe(403);
  await expect(reader.locator('main').textContent()).resolves.toContain('Read-only');
  await shot(reader, 'read-only-forbidden');
  const audit = await reader.goto('/audit');
  expect(audit?.status()).toBe(403);

  // The owner reads who did what.
  await page.click('nav >> text=Audit log');
  await page.waitForURL('**/audit');
  const rows = await page.locator('.audit-table tbody tr').allTextContents();
  const flat = rows.map((row) => row.replace(/\s+/g, ' '));
  expect(flat.some((row) => row.includes('owner@example.com') && row.includes('check “Storefront” created'))).toBe(true);
  expect(flat.some((row) => row.includes('owner@example.com') && row.includes('invitation “reader@example.com” created'))).toBe(true);
  expect(flat.some((row) => row.includes('accepted an invitation') && row.includes('member “reader@example.com” created') && row.includes('read_only'))).toBe(true);
  expect(flat.some((row) => row.includes('member “owner@example.com” changed') && row.includes('totp_enabled_at'))).toBe(true);
  expect(flat.join(' ')).not.toContain(secret);
  await shot(page, 'audit-log');

  expect(ownerBrowser.consoleProblems).toEqual([]);
  // The reader's 403 pages log a failed load in the console; nothing else may.
  expect(readerBrowser.consoleProblems.filter((problem) => !/status of 403/.test(problem))).toEqual([]);
}, 120_000);
