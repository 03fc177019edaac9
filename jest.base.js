// Shared jest settings of every workspace. They live in infra/ because infra/ must also stand on its
// own (forked out of this monorepo); the rest of the monorepo uses the same settings from there.
export { jestConfig } from './infra/jest.base.js';
