#!/usr/bin/env node
// Writes each stack of the harness's combined plans (`infra/<env>/plan.json`, format stack-plans/1)
// as its own `terraform show -json` file, the input plan scanners (checkov, trivy) expect.
// Usage: split-plans.mjs <plan.json>... <output folder>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const outDir = args.pop();
if (!outDir || args.length === 0) {
  console.error('usage: split-plans.mjs <plan.json>... <output folder>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
for (const file of args) {
  const combined = JSON.parse(readFileSync(file, 'utf8'));
  if (combined.format !== 'stack-plans/1') throw new Error(`${file}: not a stack-plans/1 file`);
  for (const [stack, plan] of Object.entries(combined.stacks)) {
    writeFileSync(path.join(outDir, `${stack}.json`), JSON.stringify(plan));
    console.log(`${stack}.json`);
  }
}
