#!/usr/bin/env node
// `npm test`: gets the machine ready for the test suites, then runs them all.
// 1. Tools the tests need: Chromium (found on PATH or CHROMIUM_PATH), Podman and podman-compose for
//    the container tests; each installed with apt-get when missing on a Debian machine where we are
//    root. Terraform is checked. What cannot be had is said in one line each.
//    The Terraform provider mirror is found by the infra harness itself (TF_PROVIDER_MIRROR or the
//    usual folders), so `npx turbo run plan` works the same way.
// 2. `turbo run build typecheck lint`, then every package's tests one package at a time, both with
//    --continue: a failing package never hides the results of the others.
// 3. A closing line `tests: N passed, N failed` (jest's counts, plus one per failed task that printed
//    none, e.g. a lint error), and a non-zero exit when anything failed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countResults } from './test-results.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`[test] ${line}\n`);

function onPath(command) {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function findChromium() {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
  for (const name of CHROMIUM_NAMES) {
    const found = onPath(name);
    if (found) return found;
  }
  return undefined;
}

/** apt-get install, when this is a Debian machine and we are root; false when it cannot or fails. */
function aptInstall(packages) {
  if (process.getuid?.() !== 0 || !onPath('apt-get')) return false;
  say(`installing with apt-get: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) return false;
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
  return install.status === 0;
}

// The container tests (docker/): Podman with runc, podman-compose, debootstrap for the local base
// images, what rootful Podman needs for networks and overlay storage, and docker-registry (a real OCI
// registry on loopback) for the image push test and the pipeline rehearsal.
const CONTAINER_TOOLS = ['podman', 'podman-compose', 'debootstrap', 'docker-registry'];
const CONTAINER_PACKAGES = ['podman', 'podman-compose', 'buildah', 'debootstrap', 'docker-registry', 'runc', 'uidmap', 'slirp4netns', 'fuse-overlayfs', 'containernetworking-plugins', 'golang-github-containernetworking-plugin-dnsname', 'iptables', 'ca-certificates'];

function prepareTools() {
  let chromium = findChromium();
  if (!chromium && aptInstall(['chromium', 'fonts-dejavu-core'])) chromium = findChromium();
  if (chromium) {
    process.env.CHROMIUM_PATH = chromium;
    say(`Chromium: ${chromium}`);
  } else {
    say('MISSING Chromium: the browser tests will fail; install it (Debian: `apt-get install chromium`) or set CHROMIUM_PATH to a Chromium binary');
  }
  const terraform = onPath('terraform');
  if (terraform) say(`Terraform: ${terraform}`);
  else say('MISSING terraform: the infra plan tests will fail; install the Terraform CLI (>= 1.10) on PATH');
  let missing = CONTAINER_TOOLS.filter((tool) => !onPath(tool));
  if (missing.length > 0 && aptInstall(CONTAINER_PACKAGES)) missing = CONTAINER_TOOLS.filter((tool) => !onPath(tool));
  if (missing.length === 0) say('Podman: found (container tests run)');
  else say(`MISSING ${missing.join(', ')}: the container tests are skipped; install them (Debian: \`apt-get install ${CONTAINER_PACKAGES.join(' ')}\`)`);
}

/** Runs turbo with the given arguments, echoing its output; resolves to { code, output }. */
function turbo(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/turbo/bin/turbo'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const echo = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

prepareTools();
const checks = await turbo(['run', 'build', 'typecheck', 'lint', '--continue', '--output-logs=errors-only']);
const tests = await turbo(['run', 'test', '--concurrency=1', '--continue']);
const { passed, failed, failedTasks } = countResults(`${checks.output}\n${tests.output}`);
const anyFailure = checks.code !== 0 || tests.code !== 0;
// A non-zero turbo exit always counts as at least one failure, even if no line could be attributed.
const failures = anyFailure ? Math.max(failed, 1) : failed;
if (failedTasks.length > 0) say(`failed tasks: ${failedTasks.join(', ')}`);
console.log(`tests: ${passed} passed, ${failures} failed`);
process.exit(anyFailure ? 1 : 0);
