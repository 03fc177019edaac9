import { staleDocs } from '../tools/generate-docs.js';

describe('reference docs', () => {
  it('infra/docs matches the code (regenerate with `npm run docs -w @stack/constructs`)', () => {
    expect(staleDocs()).toEqual([]);
  });
});
