import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestChromium {
  context: BrowserContext;
  /** Console errors, CSP violations and uncaught page errors, in order; tests expect none unless they say why. */
  consoleProblems: string[];
  close(): Promise<void>;
}

/** Debian's headless Chromium with a throwaway profile, 1280x900, relative URLs against `baseURL`. */
export async function launchChromium(baseURL: string): Promise<TestChromium> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'pingdummy-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
    baseURL,
  });
  const consoleProblems: string[] = [];
  context.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy|Refused to/i.test(message.text())) {
      consoleProblems.push(`${message.type()}: ${message.text()}`);
    }
  });
  context.on('weberror', (error) => consoleProblems.push(`page error: ${error.error().message}`));
  return {
    context,
    consoleProblems,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
