export * from './overrides.js';
export * from './plan-environment.js';
export * from './terraform-cli.js';
export * from './moto-server.js';
export * from './rehearsal-exceptions.js';
export * from './rehearsal-override.js';
export * from './rehearsal-assertions.js';
export * from './rehearse-environment.js';
