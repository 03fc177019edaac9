import cluster from 'node:cluster';
import { loadBeaconConfig, startBeacon } from './index.js';

// Process entry: a bad variable exits with one line naming it; SIGTERM drains in-flight batches.
// BEACON_PROCESSES > 1 forks that many beacons sharing the port (one event loop per core on a big
// host; in ECS, scale tasks instead). The primary forwards SIGTERM/SIGINT and exits when all have drained.
const config = loadBeaconConfig(process.env);
if (config.processes > 1 && cluster.isPrimary) {
  for (let i = 0; i < config.processes; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', () => {
    if (!stopping) process.exitCode = 1; // a beacon died on its own: say so, keep serving with the rest
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    });
  }
} else {
  await startBeacon(config);
}
