import { SecurityGroups } from '../src/security-groups.js';
import { resourcesOf, synth } from './helpers.js';

describe('SecurityGroups', () => {
  const out = synth((scope) => new SecurityGroups(scope, 'groups', { name: 'acme-prod', vpcId: 'vpc-1' }));
  const ingress = resourcesOf(out, 'aws_vpc_security_group_ingress_rule');

  it('creates the four groups', () => {
    expect(resourcesOf(out, 'aws_security_group').map((g) => g.name).sort()).toEqual(['acme-prod-cluster', 'acme-prod-database', 'acme-prod-external-lb', 'acme-prod-internal-lb']);
  });

  it('opens only 80 and 443 to the world, on the external load balancer', () => {
    const world = ingress.filter((r) => r.cidr_ipv4 === '0.0.0.0/0' || r.cidr_ipv6 === '::/0');
    expect(world).toHaveLength(4);
    expect(new Set(world.map((r) => r.from_port))).toEqual(new Set([80, 443]));
    expect(world.every((r) => String(r.security_group_id).includes('external-lb'))).toBe(true);
  });

  it('references groups, not address ranges, everywhere else', () => {
    const internal = ingress.filter((r) => r.cidr_ipv4 === undefined && r.cidr_ipv6 === undefined);
    expect(internal.length).toBeGreaterThan(0);
    expect(internal.every((r) => typeof r.referenced_security_group_id === 'string')).toBe(true);
    const database = ingress.find((r) => String(r.security_group_id).includes('database'));
    expect(database).toMatchObject({ from_port: 5432, to_port: 5432 });
  });

  it('can keep IPv6 closed', () => {
    const v4 = synth((scope) => new SecurityGroups(scope, 'groups', { name: 'acme-prod', vpcId: 'vpc-1', allowIpv6: false }));
    expect(resourcesOf(v4, 'aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv6 === '::/0')).toHaveLength(0);
  });
});
