import { EcsCapacityProvider } from '@cdktf/provider-aws/lib/ecs-capacity-provider/index.js';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster/index.js';
import { Cluster, ECS_OPTIMIZED_AL2023_AMI } from '../src/cluster.js';
import { onlyResource, resourcesOf, synth } from './helpers.js';

const base = { name: 'acme-prod', subnetIds: ['subnet-a', 'subnet-b'], securityGroupId: 'sg-1' };

describe('Cluster', () => {
  const out = synth((scope) => new Cluster(scope, 'cluster', base));

  it('turns Container Insights on', () => {
    expect(out.text).toHaveResourceWithProperties(EcsCluster, { name: 'acme-prod', setting: [{ name: 'containerInsights', value: 'enabled' }] });
  });

  it('launches the ECS-optimized AL2023 AMI through SSM, IMDSv2 with hop limit 1, encrypted volumes', () => {
    const template = onlyResource(out, 'aws_launch_template');
    expect(template.image_id).toBe(ECS_OPTIMIZED_AL2023_AMI);
    expect(ECS_OPTIMIZED_AL2023_AMI).toBe('resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id');
    expect(template.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(JSON.stringify(template.block_device_mappings)).toContain('"encrypted":"true"');
    const userData = Buffer.from(String(template.user_data), 'base64').toString('utf8');
    expect(userData).toContain('ECS_CLUSTER=acme-prod');
    expect(userData).toContain('ECS_AWSVPC_BLOCK_IMDS=true');
  });

  it('scales through a capacity provider with managed scaling and termination protection', () => {
    expect(out.text).toHaveResourceWithProperties(EcsCapacityProvider, {
      auto_scaling_group_provider: expect.objectContaining({
        managed_termination_protection: 'ENABLED',
        managed_scaling: expect.objectContaining({ status: 'ENABLED', target_capacity: 100 }),
      }),
    });
    expect(onlyResource(out, 'aws_autoscaling_group').protect_from_scale_in).toBe(true);
  });

  it('offers Fargate and Fargate Spot beside EC2, EC2 by default', () => {
    const providers = onlyResource(out, 'aws_ecs_cluster_capacity_providers');
    expect(providers.capacity_providers).toEqual(expect.arrayContaining(['FARGATE', 'FARGATE_SPOT']));
    expect(providers.capacity_providers).toHaveLength(3);
  });

  it('runs Fargate only when EC2 capacity is off', () => {
    const fargate = synth((scope) => new Cluster(scope, 'cluster', { ...base, enableEc2Capacity: false }));
    expect(resourcesOf(fargate, 'aws_autoscaling_group')).toHaveLength(0);
    expect(onlyResource(fargate, 'aws_ecs_cluster_capacity_providers').default_capacity_provider_strategy).toEqual([{ base: 0, capacity_provider: 'FARGATE', weight: 1 }]);
  });

  it('creates the ECS service-linked role before the cluster and the capacity provider, and the cluster before the provider', () => {
    const role = onlyResource(out, 'aws_iam_service_linked_role');
    expect(role.aws_service_name).toBe('ecs.amazonaws.com');
    const roleAddress = `aws_iam_service_linked_role.${Object.keys(out.json.resource!.aws_iam_service_linked_role!)[0]!}`;
    const clusterAddress = `aws_ecs_cluster.${Object.keys(out.json.resource!.aws_ecs_cluster!)[0]!}`;
    expect(onlyResource(out, 'aws_ecs_cluster').depends_on).toEqual([roleAddress]);
    expect(onlyResource(out, 'aws_ecs_capacity_provider').depends_on).toEqual(expect.arrayContaining([roleAddress, clusterAddress]));
  });

  it('leaves the service-linked role out in accounts that have it', () => {
    const without = synth((scope) => new Cluster(scope, 'cluster', { ...base, createServiceLinkedRole: false }));
    expect(resourcesOf(without, 'aws_iam_service_linked_role')).toEqual([]);
    const clusterAddress = `aws_ecs_cluster.${Object.keys(without.json.resource!.aws_ecs_cluster!)[0]!}`;
    expect(onlyResource(without, 'aws_ecs_capacity_provider').depends_on).toEqual([clusterAddress]);
  });

  it('turns ENI trunking on for the account before instances launch, on supported types only', () => {
    const trunked = synth((scope) => new Cluster(scope, 'cluster', { ...base, instanceType: 'm5.large', eniTrunking: true }));
    expect(onlyResource(trunked, 'aws_ecs_account_setting_default')).toMatchObject({ name: 'awsvpcTrunking', value: 'enabled' });
    expect(JSON.stringify(onlyResource(trunked, 'aws_autoscaling_group').depends_on)).toContain('aws_ecs_account_setting_default.');
    expect(resourcesOf(out, 'aws_ecs_account_setting_default')).toEqual([]);
    expect(() => synth((scope) => new Cluster(scope, 'cluster', { ...base, instanceType: 't3.large', eniTrunking: true }))).toThrow(/does not support ENI trunking/);
  });

  it('refuses minSize above maxSize', () => {
    expect(() => synth((scope) => new Cluster(scope, 'cluster', { ...base, minSize: 5, maxSize: 2 }))).toThrow(/minSize \(5\) must not exceed maxSize \(2\)/);
  });
});
