// Flat config shared by every workspace (`eslint src test` in each): infra's (infra/ must also stand
// on its own), plus browser globals for the frontend's static scripts.
import globals from 'globals';
import infraConfig from './infra/eslint.config.js';

export default [
  ...infraConfig,
  {
    files: ['**/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
];
