import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import type { Construct } from 'constructs';

/** Blocks every kind of public access to a bucket (ACLs and policies), as id `public-access-block`. */
export function blockPublicAccess(scope: Construct, bucketId: string): S3BucketPublicAccessBlock {
  return new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    bucket: bucketId,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}
