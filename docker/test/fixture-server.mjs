// Probe target and webhook receiver for the compose end-to-end test, run in its own container on
// the compose network. No dependencies: the Node base image runs it as it is.
//   GET|HEAD /target/<name>   200 "ok" (or 500 while failing); hits counted per path
//   POST /webhook             body kept
//   POST /control/fail|/control/recover, POST /control/delay?ms=N (answer /target after N ms),
//   GET /control/state -> { failing, delayMs, hits, webhooks }
import http from 'node:http';

const state = { failing: false, delayMs: 0, hits: {}, webhooks: [] };

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://fixture');
  const path = url.pathname;
  if (path.startsWith('/target/')) {
    state.hits[path] = (state.hits[path] ?? 0) + 1;
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    res.writeHead(state.failing ? 500 : 200, { 'content-type': 'text/plain' });
    return res.end(state.failing ? 'failing' : 'ok');
  }
  if (path === '/webhook' && req.method === 'POST') {
    state.webhooks.push({ headers: req.headers, body: JSON.parse(await readBody(req)) });
    res.writeHead(204);
    return res.end();
  }
  if (path === '/control/fail' || path === '/control/recover') {
    state.failing = path === '/control/fail';
    res.writeHead(204);
    return res.end();
  }
  if (path === '/control/delay') {
    state.delayMs = Number(url.searchParams.get('ms') ?? 0);
    res.writeHead(204);
    return res.end();
  }
  if (path === '/control/state') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(state));
  }
  res.writeHead(404);
  res.end();
});
server.listen(8080, '0.0.0.0', () => console.log('fixture listening on 8080'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
