// infra/ is also used on its own (forked out of the monorepo): copied to an empty folder with none of
// the monorepo around it, it installs from its own lockfile, builds and plans.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const infraDir = path.resolve(import.meta.dirname, '..', '..');
// What a fork copies: the sources, not what a build, a plan or an install leaves behind.
const LEFT_BEHIND = new Set(['node_modules', 'dist', 'cdktf.out', '.terraform', '.tfcli', '.state', 'plan.json', '.scratch']);

test('infra/ copied out alone installs from its own lockfile, builds and plans stage', async () => {
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'infra-fork-')), 'infra');
  cpSync(infraDir, copy, { recursive: true, filter: (source) => !LEFT_BEHIND.has(path.basename(source)) });
  try {
    expect(existsSync(path.join(copy, 'package-lock.json'))).toBe(true);
    // The copy is no git checkout: the image tag to plan with is given, as a pipeline would.
    const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', IMAGE_TAG: 'a1b2c3d4e5f6' };
    const npm = (args: string[]) => exec('npm', args, { cwd: copy, maxBuffer: 64 * 1024 * 1024, env });
    // `npm ci` fails when the lockfile does not match the workspaces' manifests.
    await npm(['ci', '--prefer-offline']);
    await npm(['run', 'build']);
    await npm(['run', 'typecheck']);
    await npm(['run', 'plan', '-w', 'stage']);
    const plan = JSON.parse(readFileSync(path.join(copy, 'stage', 'plan.json'), 'utf8')) as { stacks: Record<string, { resource_changes?: unknown[] }> };
    expect(Object.keys(plan.stacks).sort()).toEqual(['pingdummy-stage-app', 'pingdummy-stage-base', 'pingdummy-stage-bootstrap', 'pingdummy-stage-data']);
    for (const stack of Object.values(plan.stacks)) expect(stack.resource_changes?.length).toBeGreaterThan(0);
  } finally {
    rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}, 20 * 60_000);
