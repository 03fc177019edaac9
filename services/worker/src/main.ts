import { loadWorkerConfig } from './config.js';
import { startWorker } from './worker.js';

await startWorker(loadWorkerConfig());
