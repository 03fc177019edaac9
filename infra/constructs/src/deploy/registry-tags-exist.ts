export interface RegistryTagCheck {
  /** `host:port` of an OCI registry on loopback (the rehearsal's stand-in for ECR). */
  readonly registry: string;
  /** Repositories that must hold the tag, e.g. `pingdummy/frontend`. */
  readonly repositories: readonly string[];
  readonly tag: string;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The rehearsal's counterpart of assertImageTagsExist: the tag must be in the local registry (OCI distribution API). */
export async function assertRegistryTagsExist(check: RegistryTagCheck): Promise<string[]> {
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/.test(check.registry)) {
    throw new Error(`REGISTRY must be a loopback host:port for a rehearsal (plain HTTP), got ${check.registry}`);
  }
  const missing: string[] = [];
  const found: string[] = [];
  for (const repository of check.repositories) {
    const response = await fetch(`http://${check.registry}/v2/${repository}/manifests/${check.tag}`, { method: 'HEAD', headers: { accept: MANIFEST_TYPES } });
    if (response.ok) found.push(`image ${repository}:${check.tag} is in registry ${check.registry}`);
    else missing.push(`${repository}:${check.tag} (HTTP ${response.status})`);
  }
  if (missing.length > 0) throw new Error(`image tag ${check.tag} is missing from registry ${check.registry}: ${missing.join(', ')}. Run docker:push with REGISTRY=${check.registry}`);
  return found;
}
