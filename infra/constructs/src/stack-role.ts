import { IamInstanceProfile, type IamInstanceProfileConfig } from '@cdktf/provider-aws/lib/iam-instance-profile/index.js';
import { IamRole, type IamRoleConfig } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { Token } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';

/** IAM path of every role, instance profile and policy the stacks create: the deploy role may only write under it. */
export const STACK_IAM_PATH = '/stack/';

/** What every role created under a scope carries. */
export interface RoleBoundary {
  /** ARN of the permissions boundary (a managed policy, see StackPermissions). */
  readonly permissionsBoundaryArn: string;
  /**
   * IAM path of the roles and instance profiles.
   * @default STACK_IAM_PATH
   */
  readonly path?: string;
}

// Settings by scope (usually a stack); the nearest enclosing scope wins, like aws-cdk's PermissionsBoundary.of(scope).
const boundaries = new WeakMap<IConstruct, RoleBoundary>();

/** Makes every role created with `stackRole` under `scope` carry this boundary and path. */
export function applyRoleBoundary(scope: IConstruct, boundary: RoleBoundary): void {
  if (!Token.isUnresolved(boundary.permissionsBoundaryArn) && !/^arn:aws[\w-]*:iam::\d{12}:policy\//.test(boundary.permissionsBoundaryArn)) {
    throw new Error(`permissionsBoundaryArn "${boundary.permissionsBoundaryArn}" is not an IAM policy ARN`);
  }
  boundaries.set(scope, boundary);
}

/** The boundary in force at `scope`; throws when none was applied, naming the construct. */
export function roleBoundaryOf(scope: IConstruct): Required<RoleBoundary> {
  for (const ancestor of [...scope.node.scopes].reverse()) {
    const found = boundaries.get(ancestor);
    if (found) return { permissionsBoundaryArn: found.permissionsBoundaryArn, path: found.path ?? STACK_IAM_PATH };
  }
  throw new Error(
    `${scope.node.path}: no permissions boundary for its IAM roles; create it inside an EnvironmentStack or call applyRoleBoundary(stack, { permissionsBoundaryArn })`,
  );
}

/** The one way constructs create IAM roles: with the permissions boundary and path of their scope. */
export function stackRole(scope: Construct, id: string, config: Omit<IamRoleConfig, 'path' | 'permissionsBoundary'>): IamRole {
  const boundary = roleBoundaryOf(scope);
  return new IamRole(scope, id, { ...config, path: boundary.path, permissionsBoundary: boundary.permissionsBoundaryArn });
}

/** An instance profile under the same path as the roles (the deploy role may only manage those). */
export function stackInstanceProfile(scope: Construct, id: string, config: Omit<IamInstanceProfileConfig, 'path'>): IamInstanceProfile {
  return new IamInstanceProfile(scope, id, { ...config, path: roleBoundaryOf(scope).path });
}
