import { jestConfig } from '../jest.base.js';

// Synth + terraform plan of every stack runs once per test file; allow for a cold terraform init.
export default jestConfig({ testTimeout: 240_000 });
