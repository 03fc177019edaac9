import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Testing } from 'cdktf';
import { defineOpsAccount, definePingdummyEnvironment } from '../src/environment-program.js';

type StackJson = { terraform: { backend: Record<string, Record<string, unknown>> }; resource: Record<string, Record<string, Record<string, unknown>>> };

describe('environment programs', () => {
  const outdir = Testing.app().outdir;
  const app = new App({ outdir, stackTraces: false });
  definePingdummyEnvironment(app, {
    name: 'pingdummy', environment: 'stage', accountId: '222233334444', opsAccountId: '111122223333', region: 'eu-west-1',
    domainName: 'stage.example.com', githubRepository: 'acme/pingdummy', imageTag: 'abc123def456',
  });
  defineOpsAccount(app, { name: 'pingdummy', accountId: '111122223333', region: 'eu-west-1', environments: [{ environment: 'stage', accountId: '222233334444' }] });
  app.synth();
  const stack = (name: string) => JSON.parse(readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;

  it('adds a bootstrap stack with the state bucket, the roles for the ops account and the GitHub deploy role', () => {
    const bootstrap = stack('pingdummy-stage-bootstrap');
    expect(Object.values(bootstrap.resource.aws_s3_bucket!)[0]).toMatchObject({ bucket: 'pingdummy-stage-tfstate-222233334444' });
    expect(Object.values(bootstrap.resource.aws_iam_role!).map((r) => r.name).sort()).toEqual(['pingdummy-stage-deploy', 'stage-admin', 'stage-readonly']);
  });

  it('gives the deploy role the deploy policy only, trusted by the GitHub environment and main branch', () => {
    const bootstrap = stack('pingdummy-stage-bootstrap');
    expect(Object.values(bootstrap.resource.aws_iam_policy!).map((p) => p.name).sort()).toEqual(['pingdummy-stage-deploy', 'pingdummy-stage-permissions-boundary']);
    const attachments = Object.values(bootstrap.resource.aws_iam_role_policy_attachment!).map((a) => String(a.policy_arn));
    expect(attachments.some((arn) => /AdministratorAccess|IAMFullAccess|PowerUserAccess/.test(arn))).toBe(false);
    const documents = JSON.stringify((bootstrap as unknown as { data: unknown }).data);
    expect(documents).toContain('"repo:acme/pingdummy:environment:stage","repo:acme/pingdummy:ref:refs/heads/main"');
    expect(documents).not.toContain('repo:acme/pingdummy:*');
  });

  it('gives every role of every stack the permissions boundary; stack roles live under /stack/, bootstrap roles outside', () => {
    const boundary = 'arn:aws:iam::222233334444:policy/pingdummy-stage-permissions-boundary';
    for (const name of ['pingdummy-stage-base', 'pingdummy-stage-app']) {
      const roles = Object.values(stack(name).resource.aws_iam_role!);
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) expect(role).toMatchObject({ path: '/stack/', permissions_boundary: boundary });
    }
    for (const role of Object.values(stack('pingdummy-stage-bootstrap').resource.aws_iam_role!)) {
      expect(role).toMatchObject({ path: '/', permissions_boundary: expect.stringMatching(/^\$\{aws_iam_policy\.permissions_boundary_[\w]+\.arn\}$/) });
    }
  });

  it('keeps bootstrap and ops state local, outside cdktf.out', () => {
    expect(stack('pingdummy-stage-bootstrap').terraform.backend).toEqual({ local: { path: '../../../.state/pingdummy-stage-bootstrap.tfstate' } });
    expect(stack('pingdummy-ops').terraform.backend).toEqual({ local: { path: '../../../.state/pingdummy-ops.tfstate' } });
    expect(Object.keys(stack('pingdummy-stage-app').terraform.backend)).toEqual(['s3']);
  });

  it('moves bootstrap and ops state into their own buckets when the config says s3', () => {
    const movedOut = Testing.app().outdir;
    const moved = new App({ outdir: movedOut, stackTraces: false });
    definePingdummyEnvironment(moved, {
      name: 'pingdummy', environment: 'stage', accountId: '222233334444', opsAccountId: '111122223333', region: 'eu-west-1',
      domainName: 'stage.example.com', githubRepository: 'acme/pingdummy', imageTag: 'abc123def456', bootstrapStateBackend: 's3',
    });
    defineOpsAccount(moved, { name: 'pingdummy', accountId: '111122223333', region: 'eu-west-1', environments: [{ environment: 'stage', accountId: '222233334444' }], stateBackend: 's3' });
    moved.synth();
    const movedStack = (name: string) => JSON.parse(readFileSync(path.join(movedOut, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;
    expect(movedStack('pingdummy-stage-bootstrap').terraform.backend).toEqual({
      s3: { bucket: 'pingdummy-stage-tfstate-222233334444', key: 'pingdummy/stage/bootstrap.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    expect(movedStack('pingdummy-ops').terraform.backend).toEqual({
      s3: { bucket: 'pingdummy-ops-tfstate-111122223333', key: 'pingdummy/ops/accounts.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });
});
