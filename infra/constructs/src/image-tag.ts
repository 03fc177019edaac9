import { execFileSync } from 'node:child_process';

/**
 * Validates an image tag for immutable repositories: `latest` (or any tag meant to move) would
 * either fail to push or make deploys irreproducible.
 */
export function assertImmutableImageTag(tag: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new Error(`IMAGE_TAG "${tag}" is not a valid image tag`);
  if (['latest', 'stable', 'main', 'master', 'prod', 'stage'].includes(tag.toLowerCase())) {
    throw new Error(`IMAGE_TAG "${tag}" names a moving target; repositories have immutable tags: use a git SHA or a release version`);
  }
  return tag;
}

/**
 * The image tag to deploy: `IMAGE_TAG` when set, otherwise the current git commit (12 characters),
 * which is what CI tags images with. Fails with a message naming IMAGE_TAG when neither exists.
 */
export function resolveImageTag(environment: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const explicit = environment.IMAGE_TAG?.trim();
  if (explicit) return assertImmutableImageTag(explicit);
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (sha) return assertImmutableImageTag(sha);
  } catch {
    // Not a git checkout: fall through to the error below.
  }
  throw new Error('IMAGE_TAG is not set and no git commit was found: set IMAGE_TAG to the tag of the images to deploy (e.g. the git SHA CI built)');
}
