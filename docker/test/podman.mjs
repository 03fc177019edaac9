// Podman for the container tests: whether it can run here, and the environment that carries this
// machine's settings (docker/podman-env.sh writes them to a project-local containers.conf).
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** One line saying what is missing for the container tests, or undefined when nothing is. */
export function containerEngineProblem() {
  const missing = ['podman', 'podman-compose', 'debootstrap'].filter((tool) => !onPath(tool));
  if (missing.length > 0) return `${missing.join(', ')} not found (Debian: apt-get install podman podman-compose debootstrap runc; .ci/run installs them)`;
  return undefined;
}

/** process.env plus CONTAINERS_CONF from docker/podman-env.sh. */
export function podmanEnvironment() {
  const conf = execFileSync('bash', ['-c', 'source docker/podman-env.sh && printf %s "$CONTAINERS_CONF"'], { cwd: root, encoding: 'utf8' });
  return { ...process.env, CONTAINERS_CONF: conf };
}
