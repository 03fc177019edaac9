import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group/index.js';
import { Database } from '../src/database.js';
import { policyDocument } from '../src/policy-document.js';
import { onlyResource, synth } from './helpers.js';

const base = { name: 'acme-prod', subnetIds: ['subnet-a', 'subnet-b'], securityGroupId: 'sg-db' };

describe('Database', () => {
  it('is private, encrypted, backed up, with the password managed by RDS and TLS forced', () => {
    const out = synth((scope) => new Database(scope, 'db', base));
    expect(onlyResource(out, 'aws_db_instance')).toMatchObject({
      engine: 'postgres',
      publicly_accessible: false,
      storage_encrypted: true,
      manage_master_user_password: true,
      backup_retention_period: 7,
      performance_insights_enabled: true,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
      multi_az: false,
      deletion_protection: false,
      skip_final_snapshot: true,
    });
    expect(onlyResource(out, 'aws_db_instance').password).toBeUndefined();
    expect(out.text).toHaveResourceWithProperties(DbParameterGroup, { family: 'postgres17', parameter: expect.arrayContaining([{ name: 'rds.force_ssl', value: '1' }]) });
  });

  it('protects production: multi-AZ, deletion protection, prevent_destroy, final snapshot', () => {
    const out = synth((scope) => new Database(scope, 'db', { ...base, multiAz: true, protect: true, backupRetentionDays: 14 }));
    expect(onlyResource(out, 'aws_db_instance')).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      backup_retention_period: 14,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'acme-prod-final',
      lifecycle: { prevent_destroy: true },
    });
  });

  it('lets services in as their own role with IAM tokens, never as the master user whose password RDS rotates', () => {
    let database: Database | undefined;
    const out = synth((scope) => { database = new Database(scope, 'db', base); });
    const instance = onlyResource(out, 'aws_db_instance');
    expect(instance).toMatchObject({ username: 'dbadmin', iam_database_authentication_enabled: true });
    // The services get a URL naming the app role, no password, and no secret of the master user.
    expect(Object.keys(database!.connectionSecrets)).toEqual(['DATABASE_URL']);
    expect(JSON.stringify(database!.connectionSecrets)).not.toContain('master_user_secret');
    expect(database!.connectionEnvironment).toEqual({ DATABASE_IAM_AUTH: 'true' });
    const url = String(onlyResource(out, 'aws_secretsmanager_secret_version').secret_string);
    expect(url).toMatch(/^postgres:\/\/app@\$\{aws_db_instance\.[^}]+\.address\}:5432\/app\?sslmode=no-verify$/);
    // rds-db:connect on arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/app.
    expect(database!.connectStatement.actions).toEqual(['rds-db:connect']);
    const resolved = synth((scope) => {
      const db = new Database(scope, 'db', base);
      policyDocument(scope, 'task', [db.connectStatement]);
    }).text;
    expect(resolved).toMatch(/arn:aws:rds-db:\$\{element\(split\(\\":\\", aws_db_instance\.[^.]+\.arn\), 3\)\}:\$\{element\(split\(\\":\\", aws_db_instance\.[^.]+\.arn\), 4\)\}:dbuser:\$\{aws_db_instance\.[^.]+\.resource_id\}\/app/);
  });

  it('refuses an application role equal to the master user', () => {
    expect(() => synth((scope) => new Database(scope, 'db', { ...base, masterUsername: 'app', appUsername: 'app' }))).toThrow(/appUsername "app" must differ from masterUsername/);
  });

  it('refuses short backups and a single subnet', () => {
    expect(() => synth((scope) => new Database(scope, 'db', { ...base, backupRetentionDays: 3 }))).toThrow(/backupRetentionDays \(3\) must be between 7 and 35/);
    expect(() => synth((scope) => new Database(scope, 'db', { ...base, subnetIds: ['subnet-a'] }))).toThrow(/at least two availability zones/);
  });
});
