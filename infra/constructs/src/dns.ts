import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone/index.js';
import { Construct } from 'constructs';

export interface DnsProps {
  /** VPC the private zone answers in. */
  readonly vpcId: string;
  /**
   * Name of the private zone; services are reachable as `<service>.<privateZoneName>`.
   * @default 'stack.local'
   */
  readonly privateZoneName?: string;
  /**
   * Public domain of the web service (e.g. `pingdummy.example.com`).
   * @default - no public zone
   */
  readonly publicDomainName?: string;
  /**
   * ID of an existing public hosted zone for `publicDomainName`.
   * @default - a new public zone is created when `publicDomainName` is given
   */
  readonly publicZoneId?: string;
  /**
   * Refuse `terraform destroy` of a public zone created here (`prevent_destroy`; production): a
   * new zone gets new name servers, and the delegation in the parent zone would have to be redone.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * Name resolution: a private hosted zone so services find each other by name, and optionally a
 * public zone for the web service (new, or an existing one by ID).
 *
 * @example
 * const dns = new Dns(this, 'dns', { vpcId: network.vpcId, publicDomainName: 'pingdummy.example.com' });
 * // beacon.stack.local, and frontend records in dns.publicZoneId
 */
export class Dns extends Construct {
  /** ID of the private zone. */
  public readonly privateZoneId: string;
  /** Name of the private zone (e.g. `stack.local`). */
  public readonly privateZoneName: string;
  /** ID of the public zone, when there is one. */
  public readonly publicZoneId?: string;
  /** Public domain name, when there is one. */
  public readonly publicDomainName?: string;
  /** Name servers to delegate to, when a public zone was created here. */
  public readonly publicNameServers?: string[];

  constructor(scope: Construct, id: string, props: DnsProps) {
    super(scope, id);
    const privateZoneName = props.privateZoneName ?? 'stack.local';
    const preventDestroy = props.preventDestroy ?? false;
    if (props.publicZoneId && !props.publicDomainName) {
      throw new Error('Dns publicZoneId needs publicDomainName: name the domain the existing zone serves');
    }

    const privateZone = new Route53Zone(this, 'private-zone', {
      name: privateZoneName,
      comment: 'Service discovery inside the VPC',
      vpc: [{ vpcId: props.vpcId }],
    });
    this.privateZoneId = privateZone.zoneId;
    this.privateZoneName = privateZoneName;

    if (props.publicDomainName) {
      this.publicDomainName = props.publicDomainName;
      if (props.publicZoneId) {
        this.publicZoneId = props.publicZoneId;
      } else {
        const publicZone = new Route53Zone(this, 'public-zone', {
          name: props.publicDomainName,
          comment: 'Public web service',
          lifecycle: { preventDestroy },
        });
        this.publicZoneId = publicZone.zoneId;
        this.publicNameServers = publicZone.nameServers;
      }
    }
  }
}
