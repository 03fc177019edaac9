export * from './overrides.js';
export * from './plan-environment.js';
export * from './provider-mirror.js';
export * from './terraform-cli.js';
