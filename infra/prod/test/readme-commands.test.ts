import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'cdktf';
import { defineOpsAccount, definePingdummyEnvironment } from '@stack/constructs';
import { config, environmentAccounts, opsStateBackend } from '../config.js';

/**
 * Every command infra/README.md shows (fenced `sh` blocks, and inline code starting like a
 * command) is checked against what it names: stacks and their dependencies in the synthesized
 * prod program (`<env>` read as prod), Terraform outputs, workspace scripts, turbo tasks, files.
 * External CLIs (aws, dig) are checked against the operations listed below. A command of a form
 * this test does not know fails it: add a check, do not skip.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const readme = readFileSync(path.join(repoRoot, 'infra/README.md'), 'utf8');

/** AWS CLI operations the README uses (they need AWS to run; their names are checked here). */
const AWS_OPERATIONS = new Set([
  'secretsmanager put-secret-value', 'secretsmanager get-secret-value', 'ssm start-session',
  'route53 change-resource-record-sets', 'fis start-experiment',
]);
const TERRAFORM_SUBCOMMANDS = new Set(['init', 'plan', 'apply', 'output']);
const CDKTF_DEPLOY_FLAGS = new Set(['--ignore-missing-stack-dependencies', '--auto-approve']);

// The prod program, synthesized as `npm run synth` does, into a scratch folder.
const outdir = mkdtempSync(path.join(os.tmpdir(), 'readme-commands-'));
const app = new App({ outdir, stackTraces: false });
definePingdummyEnvironment(app, { ...config, imageTag: '3f2a91c0ab12' });
defineOpsAccount(app, { name: config.name, accountId: config.opsAccountId, region: config.region, environments: environmentAccounts, stateBackend: opsStateBackend });
app.synth();
const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
const stackOutputs = (stack: string) => Object.keys((JSON.parse(readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { output?: object }).output ?? {});

/** Workspace folder by package name. */
const workspaces = new Map<string, string>();
for (const pattern of (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces) {
  const folders = pattern.endsWith('/*') ? readdirSync(path.join(repoRoot, pattern.slice(0, -2))).map((f) => `${pattern.slice(0, -2)}/${f}`) : [pattern];
  for (const folder of folders) {
    const file = path.join(repoRoot, folder, 'package.json');
    if (existsSync(file)) workspaces.set((JSON.parse(readFileSync(file, 'utf8')) as { name: string }).name, folder);
  }
}
const scriptsOf = (folder: string) => Object.keys((JSON.parse(readFileSync(path.join(repoRoot, folder, 'package.json'), 'utf8')) as { scripts?: object }).scripts ?? {});
const workspaceFolder = (name: string) => workspaces.get(name.replace('<env>', 'prod'));

/** The README's commands, each with the lines run before it in the same block (for `cd`). */
function readmeCommands(markdown: string): string[][] {
  const blocks: string[][] = [];
  for (const match of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    blocks.push(match[1]!.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
  }
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  for (const match of prose.matchAll(/`([^`\n]+)`/g)) {
    const code = match[1]!;
    if (/^(cd|npx|npm|node|terraform|aws|dig) /.test(code) || /^[A-Z_]+=\S* +\S/.test(code)) blocks.push([code]);
  }
  return blocks;
}

/** Problems of one command run in `cwd` (repository-relative); returns the cwd after it. */
function check(command: string, cwd: string, problems: string[]): string {
  // A trailing `# ...` is the README's explanation, not part of the command.
  for (const part of command.replace(/\s+#.*$/, '').split(' && ')) {
    const words = part.trim().split(/\s+/).filter((w) => !/^[A-Z_]+=/.test(w));
    const line = words.join(' ');
    const [tool, ...args] = words;
    const complain = (message: string) => problems.push(`\`${part.trim()}\` (in ${cwd || '.'}): ${message}`);
    if (tool === undefined) continue;
    if (tool === 'cd') {
      const target = path.posix.normalize(path.posix.join(cwd, args[0]!.replaceAll('<env>', 'prod')));
      const stack = /^infra\/prod\/cdktf\.out\/stacks\/([^/]+)$/.exec(target)?.[1];
      if (stack ? !manifest.stacks[stack] : !existsSync(path.join(repoRoot, target))) complain(`no such folder or stack ${target}`);
      cwd = target;
    } else if (line.startsWith('npx cdktf deploy')) {
      if (!/^infra\/(prod|stage)$/.test(cwd)) complain('cdktf runs in an environment folder (infra/<env>), where cdktf.json is');
      const named = args.slice(2).filter((a) => !a.startsWith('--')).map((a) => a.replaceAll('<env>', 'prod'));
      for (const flag of args.filter((a) => a.startsWith('--'))) if (!CDKTF_DEPLOY_FLAGS.has(flag)) complain(`unknown flag ${flag}`);
      for (const stack of named) if (!manifest.stacks[stack]) complain(`no stack ${stack}`);
      const missing = named.flatMap((stack) => manifest.stacks[stack]?.dependencies ?? []).filter((dependency) => !named.includes(dependency));
      if (missing.length > 0 && !args.includes('--ignore-missing-stack-dependencies')) {
        complain(`deploys without ${[...new Set(missing)].join(', ')}, which it depends on: cdktf refuses unless given --ignore-missing-stack-dependencies`);
      }
    } else if (tool === 'npm' && args[0] === 'ci') {
      if (!existsSync(path.join(repoRoot, cwd, 'package-lock.json'))) complain(`no package-lock.json in ${cwd || '.'} for npm ci`);
    } else if (tool === 'npm' && args[0] === 'test') {
      if (!scriptsOf(cwd).includes('test')) complain(`no script test in ${cwd}/package.json`);
    } else if (tool === 'npm' && (args[0] === 'run' || args[0] === 'install')) {
      const w = args.indexOf('-w');
      const folder = w >= 0 ? workspaceFolder(args[w + 1]!) : cwd;
      if (folder === undefined) complain(`no workspace ${args[w + 1]}`);
      else if (args[0] === 'run' && !scriptsOf(folder).includes(args[1]!)) complain(`no script ${args[1]} in ${folder}/package.json`);
    } else if (line.startsWith('npx turbo run')) {
      const tasks = args.slice(2).filter((a) => !a.startsWith('--'));
      const filters = args.filter((a) => a.startsWith('--filter=')).map((a) => a.slice('--filter='.length));
      if (filters.length === 0) complain('runs turbo without --filter');
      const folders = filters.map((filter) => workspaceFolder(filter) ?? (complain(`no workspace ${filter}`), undefined)).filter((f): f is string => f !== undefined);
      // turbo runs a task in the filtered packages that define it: at least one must.
      for (const task of tasks) if (!folders.some((folder) => scriptsOf(folder).includes(task))) complain(`no script ${task} in ${folders.join(', ')}`);
    } else if (line.startsWith('npx jest')) {
      if (!existsSync(path.join(repoRoot, cwd, 'jest.config.js'))) complain('runs jest outside a package with jest.config.js');
    } else if (tool === 'node') {
      const file = args.find((a) => a.endsWith('.ts') || a.endsWith('.js'));
      if (!file || !existsSync(path.join(repoRoot, cwd, file))) complain(`no file ${file}`);
    } else if (tool === 'terraform') {
      const stack = /^infra\/prod\/cdktf\.out\/stacks\/([^/]+)$/.exec(cwd)?.[1];
      const subcommands = args[0]!.split('/');
      if (!subcommands.every((s) => TERRAFORM_SUBCOMMANDS.has(s))) complain(`terraform ${args[0]} is not a subcommand this README may use`);
      if (args.includes('-migrate-state') && !stack) complain('migrates state outside a stack folder');
      if (args[0] === 'output' && (!stack || !stackOutputs(stack).includes(args[1]!))) complain(`no output ${args[1]} in ${stack ?? 'this folder'}`);
    } else if (tool === 'aws') {
      if (!AWS_OPERATIONS.has(`${args[0]} ${args[1]}`)) complain(`aws ${args[0]} ${args[1]} is not in AWS_OPERATIONS`);
    } else if (tool === 'dig') {
      // DNS lookup of the delegation: external, nothing to check offline.
    } else {
      complain('a command this test does not know how to check');
    }
  }
  return cwd;
}

test('every command in infra/README.md names stacks, outputs, scripts and files that exist, and deploys one stack only with --ignore-missing-stack-dependencies', () => {
  const blocks = readmeCommands(readme);
  expect(blocks.flat().length).toBeGreaterThan(20);
  const problems: string[] = [];
  for (const block of blocks) {
    let cwd = '';
    for (const command of block) cwd = check(command, cwd, problems);
  }
  expect(problems).toEqual([]);
});

test('the checks catch the first-deploy step that omitted --ignore-missing-stack-dependencies', () => {
  const problems: string[] = [];
  check('cd infra/<env> && IMAGE_TAG=<sha> npx cdktf deploy pingdummy-<env>-app', '', problems);
  expect(problems).toEqual([expect.stringMatching(/deploys without pingdummy-prod-base, pingdummy-prod-data, which it depends on/)]);
  const more: string[] = [];
  check('npm run nope -w prod && cd infra/prod/cdktf.out/stacks/pingdummy-prod-base && terraform output no_such_output', '', more);
  expect(more).toEqual([expect.stringMatching(/no script nope/), expect.stringMatching(/no output no_such_output/)]);
});
