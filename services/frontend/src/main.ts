import { createLogger, loadConfig } from '@pingdummy/shared';
import { frontendConfigSchema, parseFrontendConfig } from './config.js';
import { startFrontend } from './index.js';

// Validate with a one-line error and exit code 1 on a bad variable; migrations run before this (npm start).
loadConfig(frontendConfigSchema(process.env.NODE_ENV));
const config = parseFrontendConfig(process.env);
await startFrontend(config, { logger: createLogger('frontend', config.logLevel) });
