// Probe target for the benchmark: answers every request at once and counts requests per path.
// GET /__hits returns the counts; it runs in its own process so it does not share the prober's CPU.
import { createServer } from 'node:http';

const hits = new Map();
const server = createServer((req, res) => {
  if (req.url === '/__hits') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(Object.fromEntries(hits)));
    return;
  }
  hits.set(req.url, (hits.get(req.url) ?? 0) + 1);
  res.end('ok');
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
