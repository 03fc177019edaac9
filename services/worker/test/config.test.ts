import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseWorkerConfig } from '../src/config.js';

const valid = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  BEACON_URLS: 'eu=http://127.0.0.1:3001, us=http://10.0.0.2:3001/',
  BEACON_TOKEN: 'a-token-of-enough-length',
};

test('parses region=url pairs', () => {
  expect(parseWorkerConfig(valid).BEACON_URLS).toEqual([
    { region: 'eu', url: 'http://127.0.0.1:3001' },
    { region: 'us', url: 'http://10.0.0.2:3001' },
  ]);
});

test('provider API bases default to the documented hosts and lose a trailing slash', () => {
  const config = parseWorkerConfig({ ...valid, TELEGRAM_API_BASE: 'http://127.0.0.1:8081/' });
  expect([config.PAGERDUTY_API_BASE, config.PAGERDUTY_EU_API_BASE, config.OPSGENIE_API_BASE, config.OPSGENIE_EU_API_BASE]).toEqual([
    'https://events.pagerduty.com',
    'https://events.eu.pagerduty.com',
    'https://api.opsgenie.com',
    'https://api.eu.opsgenie.com',
  ]);
  expect(config.TELEGRAM_API_BASE).toBe('http://127.0.0.1:8081');
});

test('probes may start up to 500 ms after their due time unless WORKER_MAX_START_DELAY_MS says otherwise', () => {
  expect(parseWorkerConfig(valid).WORKER_MAX_START_DELAY_MS).toBe(500);
  expect(parseWorkerConfig({ ...valid, WORKER_MAX_START_DELAY_MS: '100' }).WORKER_MAX_START_DELAY_MS).toBe(100);
});

test.each([
  [{ ...valid, BEACON_URLS: 'http://127.0.0.1:3001' }, /^BEACON_URLS: .*region=/],
  [{ ...valid, BEACON_URLS: 'a=http://x:1,a=http://y:1' }, /^BEACON_URLS: names a region twice/],
  [{ ...valid, BEACON_TOKEN: 'short' }, /^BEACON_TOKEN: must be at least 16/],
  [{ ...valid, DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must be a postgres:\/\/ URL/],
  [{ ...valid, WORKER_BATCH_SIZE: 'many' }, /^WORKER_BATCH_SIZE: /],
  [{ ...valid, WORKER_MAX_START_DELAY_MS: '5000' }, /^WORKER_MAX_START_DELAY_MS: /],
  [{ ...valid, SES_REGION: 'Ireland' }, /^SES_REGION: must be an AWS region/],
  [{ ...valid, PAGERDUTY_API_BASE: 'events.pagerduty.com' }, /^PAGERDUTY_API_BASE: must be an http:\/\/ or https:\/\/ URL/],
])('a bad variable is named in the error (%#)', (env, message) => {
  expect(() => parseWorkerConfig(env)).toThrow(message);
});

test('the process stops with one line naming the missing variable', () => {
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  const run = spawnSync(process.execPath, [main], {
    env: { PATH: process.env.PATH, BEACON_URLS: valid.BEACON_URLS, BEACON_TOKEN: valid.BEACON_TOKEN },
    encoding: 'utf8',
  });
  expect(run.status).toBe(1);
  expect(run.stderr.trim()).toMatch(/^config error: DATABASE_URL: is required/);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
});
