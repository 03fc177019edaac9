import { jestConfig } from '../jest.base.js';

export default jestConfig({ testMatch: ['<rootDir>/test/**/*.test.mjs'], transform: {}, testTimeout: 10 * 60_000 });
