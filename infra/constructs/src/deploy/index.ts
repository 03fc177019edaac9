export * from './deploy-environment.js';
export * from './registry-tags-exist.js';
export * from './services-rolled-out.js';
export * from './deploy-pingdummy-environment.js';
