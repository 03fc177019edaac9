import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy/index.js';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository/index.js';
import { Construct } from 'constructs';

export interface RegistryProps {
  /** Repository names, e.g. `['pingdummy/frontend', 'pingdummy/beacon']`. */
  readonly repositories: string[];
  /**
   * How many tagged images each repository keeps (older ones are expired).
   * @default 50
   */
  readonly keepImages?: number;
  /**
   * Days after which untagged images are expired.
   * @default 7
   */
  readonly untaggedExpiryDays?: number;
  /**
   * Allow `terraform destroy` to delete repositories that still hold images.
   * @default false
   */
  readonly forceDelete?: boolean;
  /**
   * Refuse `terraform destroy` of the repositories (`prevent_destroy`; production).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * ECR repositories with scan on push, immutable tags (a tag always means the same image, so a
 * deploy is reproducible) and a lifecycle policy.
 *
 * @example
 * const registry = new Registry(this, 'registry', { repositories: ['pingdummy/beacon', 'pingdummy/worker'] });
 * const image = `${registry.repositoryUrls['pingdummy/beacon']}:${imageTag}`;
 */
export class Registry extends Construct {
  /** Repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`) by repository name. */
  public readonly repositoryUrls: Record<string, string>;
  /** Repository ARN by repository name. */
  public readonly repositoryArns: Record<string, string>;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const keepImages = props.keepImages ?? 50;
    const untaggedExpiryDays = props.untaggedExpiryDays ?? 7;
    const forceDelete = props.forceDelete ?? false;
    const preventDestroy = props.preventDestroy ?? false;
    if (props.repositories.length === 0) throw new Error('Registry repositories must name at least one repository');

    this.repositoryUrls = {};
    this.repositoryArns = {};
    for (const name of props.repositories) {
      if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(name)) {
        throw new Error(`Registry repository name "${name}" is not a valid ECR name (lowercase, digits, . _ - /)`);
      }
      const idPart = name.replace(/[^a-z0-9]/g, '-');
      const repository = new EcrRepository(this, idPart, {
        name,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'AES256' }],
        forceDelete,
        lifecycle: { preventDestroy },
      });
      new EcrLifecyclePolicy(this, `${idPart}-lifecycle`, {
        repository: repository.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: `Expire untagged images after ${untaggedExpiryDays} days`,
              selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: untaggedExpiryDays },
              action: { type: 'expire' },
            },
            {
              rulePriority: 2,
              description: `Keep the last ${keepImages} images`,
              selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepImages },
              action: { type: 'expire' },
            },
          ],
        }),
      });
      this.repositoryUrls[name] = repository.repositoryUrl;
      this.repositoryArns[name] = repository.arn;
    }
  }
}
