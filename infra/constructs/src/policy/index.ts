export * from './check-plan.js';
export * from './plan-model.js';
export * from './rules.js';
