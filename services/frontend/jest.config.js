import { jestConfig } from '../../jest.base.js';

export default jestConfig({
  globalSetup: '@pingdummy/shared/jest-global-setup',
  globalTeardown: '@pingdummy/shared/jest-global-teardown',
});
