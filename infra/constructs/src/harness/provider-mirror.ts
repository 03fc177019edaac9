import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where a provider mirror is looked for when TF_PROVIDER_MIRROR is unset. */
export interface MirrorSearch {
  /** Folders that are a mirror themselves (Terraform's implied local mirror directories). */
  readonly mirrors: readonly string[];
  /** Folders whose direct children may be a mirror (`/opt/<name>/registry.terraform.io`, ...). */
  readonly parents: readonly string[];
}

/**
 * Terraform's implied local mirror directories on Unix (see "Provider Installation" in the
 * Terraform CLI docs), then the folders where machines usually keep a mirror made with
 * `terraform providers mirror`.
 */
export function defaultMirrorSearch(environment: NodeJS.ProcessEnv = process.env): MirrorSearch {
  const home = environment.HOME ?? os.homedir();
  const dataHome = environment.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const dataDirs = (environment.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  return {
    mirrors: [path.join(home, '.terraform.d', 'plugins'), path.join(dataHome, 'terraform', 'plugins'), ...dataDirs.map((dir) => path.join(dir, 'terraform', 'plugins'))],
    parents: ['/opt', '/usr/local/share', '/usr/share', '/srv', home],
  };
}

/** True when `folder` holds the AWS provider in the filesystem-mirror layout. */
function holdsAwsProvider(folder: string): boolean {
  return existsSync(path.join(folder, 'registry.terraform.io', 'hashicorp', 'aws'));
}

function childFolders(parent: string): string[] {
  try {
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(parent, entry.name))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The Terraform provider mirror to plan with: TF_PROVIDER_MIRROR when set, else the first folder of
 * `search` that holds the AWS provider; undefined when there is none.
 */
export function findProviderMirror(environment: NodeJS.ProcessEnv = process.env, search: MirrorSearch = defaultMirrorSearch(environment)): string | undefined {
  if (environment.TF_PROVIDER_MIRROR) return environment.TF_PROVIDER_MIRROR;
  const candidates = [...search.mirrors, ...search.parents.flatMap(childFolders)];
  return candidates.find(holdsAwsProvider);
}

/** The one line printed when no mirror can be found. */
export const MISSING_MIRROR_MESSAGE =
  'no Terraform provider mirror found: set TF_PROVIDER_MIRROR to the folder holding registry.terraform.io/ ' +
  '(make one with `terraform providers mirror <folder>` in a synthesized stack folder, on a machine with internet)';
