import ipaddr from 'ipaddr.js';

/** Where RFC 6052 puts the IPv4 address for each prefix length a local-use NAT64 prefix may have. */
const LOCAL_NAT64_PREFIX = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');
const LOCAL_NAT64_IPV4_BYTES: ReadonlyArray<readonly number[]> = [
  [6, 7, 9, 10], // /48 (byte 8 is the reserved "u" octet)
  [7, 9, 10, 11], // /56
  [9, 10, 11, 12], // /64
];
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16');
const TEREDO = ipaddr.IPv6.parseCIDR('2001::/32');
const LOW_32_BITS = [12, 13, 14, 15] as const;

function ipv4At(bytes: readonly number[], positions: readonly number[], invert = false): ipaddr.IPv4 {
  return new ipaddr.IPv4(positions.map((position) => (invert ? bytes[position]! ^ 0xff : bytes[position]!)));
}

/**
 * Every IPv4 address an IPv6 address may stand for, so rules about IPv4 hosts (the metadata
 * endpoints) cannot be dodged by tunnelling or translation:
 * - the low 32 bits, always: IPv4-compatible `::a.b.c.d`, SIIT `::ffff:0:a.b.c.d`, NAT64 with the
 *   well-known `64:ff9b::/96` or any other /96 prefix, ISATAP interface ids;
 * - 6to4 `2002:AABB:CCDD::/48`: bits 16-47;
 * - Teredo `2001:0::/32`: the server (bits 32-63) and the client (low 32 bits, inverted);
 * - local-use NAT64 `64:ff9b:1::/48`: the RFC 6052 positions for /48, /56 and /64 prefixes.
 * Reading the low 32 bits of every address means a global address that merely ends in the same
 * 32 bits as a refused IPv4 host is refused too; that costs one address in 2^32 per refused host.
 */
export function embeddedIPv4Addresses(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const bytes = address.toByteArray();
  const candidates = [ipv4At(bytes, LOW_32_BITS)];
  if (address.match(SIX_TO_FOUR)) candidates.push(ipv4At(bytes, [2, 3, 4, 5]));
  if (address.match(TEREDO)) candidates.push(ipv4At(bytes, [4, 5, 6, 7]), ipv4At(bytes, LOW_32_BITS, true));
  if (address.match(LOCAL_NAT64_PREFIX)) {
    for (const positions of LOCAL_NAT64_IPV4_BYTES) candidates.push(ipv4At(bytes, positions));
  }
  return candidates;
}
