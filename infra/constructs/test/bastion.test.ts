import { Bastion } from '../src/bastion.js';
import { onlyResource, resourcesOf, synth } from './helpers.js';

const base = { name: 'acme-prod', vpcId: 'vpc-1', privateSubnetIds: ['subnet-a', 'subnet-b'], publicSubnetIds: ['subnet-c', 'subnet-d'] };

describe('Bastion', () => {
  it('has no inbound rule by default and lives in private subnets, reached through Session Manager', () => {
    const out = synth((scope) => new Bastion(scope, 'bastion', base));
    expect(resourcesOf(out, 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    expect(onlyResource(out, 'aws_autoscaling_group').vpc_zone_identifier).toEqual(['subnet-a', 'subnet-b']);
    expect(onlyResource(out, 'aws_iam_role_policy_attachment').policy_arn).toBe('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
  });

  it('requires IMDSv2 and encrypts its volume', () => {
    const template = onlyResource(synth((scope) => new Bastion(scope, 'bastion', base)), 'aws_launch_template');
    expect(template.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect((template.block_device_mappings as Array<{ ebs: { encrypted: string } }>)[0]!.ebs.encrypted).toBe('true');
  });

  it('opens SSH only to listed ranges, from a public subnet', () => {
    const out = synth((scope) => new Bastion(scope, 'bastion', { ...base, sshAllowedCidrs: ['203.0.113.0/24'] }));
    expect(onlyResource(out, 'aws_vpc_security_group_ingress_rule')).toMatchObject({ cidr_ipv4: '203.0.113.0/24', from_port: 22, to_port: 22 });
    expect(onlyResource(out, 'aws_autoscaling_group').vpc_zone_identifier).toEqual(['subnet-c', 'subnet-d']);
  });

  it('refuses SSH from the whole internet', () => {
    expect(() => synth((scope) => new Bastion(scope, 'bastion', { ...base, sshAllowedCidrs: ['0.0.0.0/0'] }))).toThrow(/must not contain 0\.0\.0\.0\/0/);
  });
});
