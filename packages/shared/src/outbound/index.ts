export * from './address-policy.js';
export * from './classify-error.js';
export * from './guarded-agent.js';
export * from './guarded-socket.js';
export * from './host-name.js';
export * from './redirects.js';
