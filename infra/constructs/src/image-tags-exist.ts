import type { ECRClient } from '@aws-sdk/client-ecr';

export interface ImageTagCheck {
  /** Repositories that must hold the tag, e.g. `pingdummy/frontend`. */
  readonly repositories: readonly string[];
  /** The image tag about to be deployed. */
  readonly tag: string;
  /**
   * Region of the repositories (credentials come from the environment, as for `cdktf deploy`).
   * @default - the client's region
   */
  readonly region?: string;
  /**
   * ECR client to use.
   * @default - a client for `region` with the default credential chain
   */
  readonly client?: ECRClient;
}

/**
 * Refuses to deploy a tag some repository does not hold: without this, the apply succeeds, ECS
 * cannot pull the image, and the circuit breaker rolls back long after the deploy looked green.
 * Lists every missing repository and tag at once.
 */
export async function assertImageTagsExist(check: ImageTagCheck): Promise<void> {
  // Loaded here, not at import: synth never needs the ECR client.
  const { DescribeImagesCommand, ECRClient } = await import('@aws-sdk/client-ecr');
  if (!check.client && !check.region) throw new Error('assertImageTagsExist needs region or client');
  const client = check.client ?? new ECRClient({ region: check.region });
  const missing: string[] = [];
  for (const repositoryName of check.repositories) {
    try {
      await client.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: check.tag }] }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'ImageNotFoundException') missing.push(`${repositoryName}:${check.tag} (no such tag)`);
      else if (name === 'RepositoryNotFoundException') missing.push(`${repositoryName} (no such repository)`);
      else throw error;
    }
  }
  if (missing.length > 0) {
    throw new Error(`image tag ${check.tag} is missing from ECR: ${missing.join(', ')}. Push the images (CI tags them with the git SHA) or set IMAGE_TAG to a tag that exists`);
  }
}
