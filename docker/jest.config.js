import { jestConfig } from '../jest.base.js';

// One file at a time: both container tests build images and would compete for the same layers.
export default jestConfig({ testMatch: ['<rootDir>/test/**/*.test.mjs'], transform: {}, testTimeout: 10 * 60_000, maxWorkers: 1 });
