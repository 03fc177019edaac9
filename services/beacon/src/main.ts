import { loadBeaconConfig, startBeacon } from './index.js';

// Process entry: a bad variable exits with one line naming it; SIGTERM drains in-flight batches.
await startBeacon(loadBeaconConfig(process.env));
