import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group/index.js';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log/index.js';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';
import { Network } from '../src/network.js';
import { AZS, onlyResource, resourcesOf, synth } from './helpers.js';

describe('Network', () => {
  it('creates a VPC with DNS, one public and one private subnet per zone, carved from one block', () => {
    const out = synth((scope) => new Network(scope, 'network', { name: 'acme-prod', availabilityZones: AZS, cidr: '10.40.0.0/16' }));
    expect(out.text).toHaveResourceWithProperties(Vpc, { cidr_block: '10.40.0.0/16', enable_dns_hostnames: true, enable_dns_support: true });
    const subnets = resourcesOf(out, 'aws_subnet');
    const tier = (name: string) => subnets.filter((s) => (s.tags as Record<string, string>).Tier === name).map((s) => s.cidr_block).sort();
    expect(tier('public')).toEqual(['10.40.0.0/20', '10.40.16.0/20', '10.40.32.0/20']);
    expect(tier('private')).toEqual(['10.40.48.0/20', '10.40.64.0/20', '10.40.80.0/20']);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it('puts a NAT gateway in each zone by default and one shared NAT when asked', () => {
    const perZone = synth((scope) => new Network(scope, 'network', { name: 'acme-prod', availabilityZones: AZS }));
    expect(resourcesOf(perZone, 'aws_nat_gateway')).toHaveLength(3);
    expect(resourcesOf(perZone, 'aws_route_table')).toHaveLength(4);
    const shared = synth((scope) => new Network(scope, 'network', { name: 'acme-stage', availabilityZones: AZS, singleNatGateway: true }));
    expect(resourcesOf(shared, 'aws_nat_gateway')).toHaveLength(1);
    expect(resourcesOf(shared, 'aws_route_table')).toHaveLength(2);
    expect(resourcesOf(shared, 'aws_route_table_association')).toHaveLength(6);
  });

  it('turns flow logs on with a retention and closes the default security group', () => {
    const out = synth((scope) => new Network(scope, 'network', { name: 'acme-prod', availabilityZones: AZS }));
    expect(out.text).toHaveResourceWithProperties(FlowLog, { traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    expect(onlyResource(out, 'aws_cloudwatch_log_group').retention_in_days).toBe(30);
    const closed = onlyResource(out, 'aws_default_security_group');
    expect(closed.ingress).toBeUndefined();
    expect(closed.egress).toBeUndefined();
    expect(out.text).toHaveResource(DefaultSecurityGroup);
  });

  it('can leave flow logs off', () => {
    const out = synth((scope) => new Network(scope, 'network', { name: 'acme-dev', availabilityZones: AZS, enableFlowLog: false }));
    expect(resourcesOf(out, 'aws_flow_log')).toHaveLength(0);
  });

  it('refuses a block too small for the zones and an empty zone list', () => {
    expect(() => synth((scope) => new Network(scope, 'n', { name: 'acme', availabilityZones: AZS, subnetNewBits: 2 }))).toThrow(/subnetNewBits 2/);
    expect(() => synth((scope) => new Network(scope, 'n', { name: 'acme', availabilityZones: [] }))).toThrow(/at least one zone/);
    expect(() => synth((scope) => new Network(scope, 'n', { name: 'Acme', availabilityZones: AZS }))).toThrow(/Network name "Acme"/);
  });
});
