import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone/index.js';
import { Dns } from '../src/dns.js';
import { resourcesOf, synth } from './helpers.js';

describe('Dns', () => {
  it('creates the private zone stack.local in the VPC', () => {
    const out = synth((scope) => new Dns(scope, 'dns', { vpcId: 'vpc-1' }));
    expect(out.text).toHaveResourceWithProperties(Route53Zone, { name: 'stack.local', vpc: [{ vpc_id: 'vpc-1' }] });
    expect(resourcesOf(out, 'aws_route53_zone')).toHaveLength(1);
  });

  it('adds a public zone for the web service, or uses an existing one', () => {
    const created = synth((scope) => new Dns(scope, 'dns', { vpcId: 'vpc-1', publicDomainName: 'acme.example.com' }));
    expect(resourcesOf(created, 'aws_route53_zone').map((z) => z.name).sort()).toEqual(['acme.example.com', 'stack.local']);
    let dns: Dns | undefined;
    const existing = synth((scope) => { dns = new Dns(scope, 'dns', { vpcId: 'vpc-1', publicDomainName: 'acme.example.com', publicZoneId: 'Z123' }); });
    expect(resourcesOf(existing, 'aws_route53_zone')).toHaveLength(1);
    expect(dns!.publicZoneId).toBe('Z123');
  });

  it('refuses a zone ID without its domain', () => {
    expect(() => synth((scope) => new Dns(scope, 'dns', { vpcId: 'vpc-1', publicZoneId: 'Z123' }))).toThrow(/publicZoneId needs publicDomainName/);
  });
});
