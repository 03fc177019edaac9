import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { embeddedIPv4Addresses } from './embedded-ipv4.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One parsed entry of an allow-list, e.g. `10.0.0.0/8`. */
export type AllowedCidr = { readonly address: Address; readonly prefixLength: number; readonly text: string };

/**
 * AWS's link-local service endpoints: refused even when an allow-list covers them (0.0.0.0/0 and
 * ::/0 included). The credential endpoints hand out the instance's, task's or pod's AWS credentials;
 * Time Sync and the DNS resolver hand out nothing, but no monitor or webhook has a reason to reach
 * them either, so the whole family is refused alike, as "cloud metadata endpoint".
 */
const METADATA_ADDRESSES: ReadonlySet<string> = new Set([
  '169.254.169.254', // EC2 instance metadata (IMDS)
  'fd00:ec2::254', // IMDS over IPv6
  '169.254.170.2', // ECS task metadata and credentials
  '169.254.170.23', // EKS Pod Identity credentials
  'fd00:ec2::23', // EKS Pod Identity over IPv6
  '169.254.169.123', // Amazon Time Sync
  'fd00:ec2::123', // Amazon Time Sync over IPv6
  '169.254.169.253', // Amazon DNS resolver
  'fd00:ec2::253', // Amazon DNS resolver over IPv6
]);

/** IANA's global unicast block; everything outside it is reserved, multicast or local. */
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/** A destination the outbound policy refuses; classified by callers as `blocked_address`. */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
  readonly code = 'ERR_BLOCKED_ADDRESS';
  constructor(
    /** The refused address as dialled (or the literal from the URL). */
    readonly address: string,
    /** Why: the range the address belongs to, e.g. `loopback`. */
    readonly reason: string,
    /** The host name that resolved to it, when there was one. */
    readonly hostname?: string,
  ) {
    super(
      hostname && hostname !== address
        ? `${hostname} resolves to ${address} (${reason}), which is not allowed`
        : `${address} (${reason}) is not allowed`,
    );
  }
}

export type AddressVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Parses a CIDR allow-list (`10.0.0.0/8`, `fd12::/64`, or a bare address meaning a single host);
 * throws an Error naming the first bad item.
 */
export function parseAllowCidrs(items: readonly string[]): AllowedCidr[] {
  return items.map((item) => {
    const text = item.trim();
    try {
      if (text.includes('/')) {
        const [address, prefixLength] = ipaddr.parseCIDR(text);
        return { address: unmap(address), prefixLength: unmappedPrefix(address, prefixLength), text };
      }
      const address = unmap(ipaddr.parse(text));
      return { address, prefixLength: address.kind() === 'ipv4' ? 32 : 128, text };
    } catch {
      throw new Error(`"${text}" is not a CIDR such as 10.0.0.0/8 or fd00::/8`);
    }
  });
}

/** `::ffff:a.b.c.d` becomes `a.b.c.d`, so one rule decides both spellings of the same host. */
function unmap(address: Address): Address {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

function unmappedPrefix(address: Address, prefixLength: number): number {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? Math.max(0, prefixLength - 96) : prefixLength;
}

/**
 * Decides whether the outbound client may dial an address. Steps:
 * 1. Parse; anything that is not a plain IPv4/IPv6 address (zone ids included) is refused.
 * 2. Unmap IPv4-mapped IPv6 (`::ffff:127.0.0.1`) and decide on the IPv4 address.
 * 3. Cloud metadata addresses are refused, allow-list or not, and so is any IPv6 address that
 *    embeds one (NAT64, 6to4, Teredo, IPv4-compatible, SIIT; see embeddedIPv4Addresses).
 * 4. An address inside an allow-list entry passes.
 * 5. Otherwise only global unicast passes: ipaddr.js names every special range (loopback, private,
 *    link-local, CGNAT, benchmarking, documentation, NAT64, 6to4, Teredo, ...), and IPv6 must also
 *    lie in 2000::/3, which rules out IPv4-compatible `::a.b.c.d` and unassigned space.
 */
export function checkAddress(ip: string, allowCidrs: readonly AllowedCidr[] = []): AddressVerdict {
  let parsed: Address;
  try {
    // Dotted-quad IPv4 (what every dialled IPv4 socket reports) skips ipaddr.parse's IPv6 attempt;
    // both parsers read that form alike, and any other spelling still goes through ipaddr.parse.
    parsed = isIP(ip) === 4 ? ipaddr.IPv4.parse(ip) : ipaddr.parse(ip);
  } catch {
    return { allowed: false, reason: 'not an IP address' };
  }
  // A zone id picks an interface, which only makes sense for link-local destinations.
  if (parsed instanceof ipaddr.IPv6 && parsed.zoneId) return { allowed: false, reason: 'scoped address' };
  const address = unmap(parsed);
  const normalized = address.toString();
  if (METADATA_ADDRESSES.has(normalized)) return { allowed: false, reason: 'cloud metadata endpoint' };
  if (address instanceof ipaddr.IPv6) {
    const embedded = embeddedIPv4Addresses(address).find((ipv4) => METADATA_ADDRESSES.has(ipv4.toString()));
    if (embedded) {
      const reason = `embeds cloud metadata endpoint ${embedded.toString()}`;
      const range = specialRange(address);
      return { allowed: false, reason: range ? `${range}, ${reason}` : reason };
    }
  }

  for (const cidr of allowCidrs) {
    if (cidr.address.kind() === address.kind() && address.match(cidr.address, cidr.prefixLength)) {
      return { allowed: true };
    }
  }

  const range = specialRange(address);
  return range ? { allowed: false, reason: range } : { allowed: true };
}

/** The special-purpose range an address lies in, e.g. `loopback`; null for global unicast. */
function specialRange(address: Address): string | null {
  const range = address.range();
  if (range !== 'unicast') return describeRange(range);
  if (address instanceof ipaddr.IPv6 && !address.match(IPV6_GLOBAL_UNICAST)) return 'not global unicast';
  return null;
}

/** True when `ip` may be dialled under the given allow-list (see checkAddress). */
export function isAddressAllowed(ip: string, allowCidrs: readonly AllowedCidr[] = []): boolean {
  return checkAddress(ip, allowCidrs).allowed;
}

/** Throws a BlockedAddressError unless `ip` may be dialled. */
export function assertAddressAllowed(ip: string, allowCidrs: readonly AllowedCidr[], hostname?: string): void {
  const verdict = checkAddress(ip, allowCidrs);
  if (!verdict.allowed) throw new BlockedAddressError(ip, verdict.reason, hostname);
}

const RANGE_NAMES: Record<string, string> = {
  carrierGradeNat: 'carrier-grade NAT',
  linkLocal: 'link-local',
  uniqueLocal: 'unique local',
  rfc6052: 'NAT64',
  rfc6145: 'IPv4-translated',
  '6to4': '6to4',
  teredo: 'Teredo',
  ipv4Mapped: 'IPv4-mapped',
  deprecatedSiteLocal: 'site-local',
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? range.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
