import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Maps `/static/...` URLs to `/static/...?v=<content hash>`. Static files are cached for an hour; the
 * hash changes a URL exactly when its file changes, so a deploy never leaves a browser on old code.
 * `mounts` maps URL prefixes to folders (longest prefix wins); hashes are computed once per file.
 */
export function createAssetUrls(mounts: Record<string, string>): (url: string) => string {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const versions = new Map<string, string>();
  return (url) => {
    let version = versions.get(url);
    if (version === undefined) {
      const prefix = prefixes.find((candidate) => url.startsWith(`${candidate}/`));
      try {
        const file = path.join(mounts[prefix!]!, url.slice(prefix!.length));
        version = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
      } catch {
        version = ''; // unknown asset: leave the URL as it is
      }
      versions.set(url, version);
    }
    return version ? `${url}?v=${version}` : url;
  };
}
