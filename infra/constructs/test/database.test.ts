import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group/index.js';
import { Database } from '../src/database.js';
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

  it('hands services DATABASE_URL without password and PGPASSWORD from the RDS-managed secret', () => {
    let database: Database | undefined;
    const out = synth((scope) => { database = new Database(scope, 'db', base); });
    expect(Object.keys(database!.connectionSecrets).sort()).toEqual(['DATABASE_URL', 'PGPASSWORD']);
    expect(database!.connectionSecrets.PGPASSWORD!.jsonKey).toBe('password');
    const url = String(onlyResource(out, 'aws_secretsmanager_secret_version').secret_string);
    expect(url).toMatch(/^postgres:\/\/app@\$\{aws_db_instance\.[^}]+\.address\}:5432\/app\?sslmode=no-verify$/);
  });

  it('refuses short backups and a single subnet', () => {
    expect(() => synth((scope) => new Database(scope, 'db', { ...base, backupRetentionDays: 3 }))).toThrow(/backupRetentionDays \(3\) must be between 7 and 35/);
    expect(() => synth((scope) => new Database(scope, 'db', { ...base, subnetIds: ['subnet-a'] }))).toThrow(/at least two availability zones/);
  });
});
