import { startTestFrontend, type TestFrontend } from './harness.js';

let frontend: TestFrontend;
beforeAll(async () => {
  frontend = await startTestFrontend();
});
afterAll(async () => {
  await frontend.stop();
});

test('pages link static files by content hash, and the versioned URLs are served', async () => {
  const html = await (await fetch(`${frontend.url}/login`)).text();
  const links = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((match) => match[1]!);
  expect(links.length).toBeGreaterThanOrEqual(2);
  for (const link of links) {
    expect(link).toMatch(/\?v=[0-9a-f]{12}$/);
    const response = await fetch(`${frontend.url}${link}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('max-age=3600');
  }
  const again = await (await fetch(`${frontend.url}/login`)).text();
  expect([...again.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((match) => match[1])).toEqual(links);
});
