import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import type { Construct } from 'constructs';

/**
 * Every IAM policy in this library goes through `aws_iam_policy_document` (evaluated locally,
 * no AWS call) so the policy checks can read statements from the plan.
 */
export function policyDocument(scope: Construct, id: string, statements: DataAwsIamPolicyDocumentStatement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { statement: statements });
}

/** Trust policy for an AWS service principal (ecs-tasks, ec2, fis...). */
export function serviceTrustPolicy(scope: Construct, id: string, service: string): DataAwsIamPolicyDocument {
  return policyDocument(scope, id, [
    { actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: [service] }] },
  ]);
}
