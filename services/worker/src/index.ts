export { parseWorkerConfig, loadWorkerConfig, workerConfigSchema, type WorkerConfig } from './config.js';
export { startWorker, type RunningWorker, type StartWorkerOptions } from './worker.js';
export { decideState } from './decide-state.js';
