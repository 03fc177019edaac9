/**
 * IPv4 CIDR arithmetic done at synth time, so subnet ranges are known in the plan
 * (Terraform's cidrsubnet() would give the same result, but only at apply time for reviewers).
 */

function parseCidr(cidr: string): { base: number; prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) throw new Error(`Invalid IPv4 CIDR block "${cidr}": expected a.b.c.d/n`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`Invalid IPv4 CIDR block "${cidr}"`);
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base, prefix };
}

function formatAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Same contract as Terraform's cidrsubnet(prefix, newbits, netnum). */
export function cidrSubnet(cidr: string, newBits: number, netNum: number): string {
  const { base, prefix } = parseCidr(cidr);
  const newPrefix = prefix + newBits;
  if (newPrefix > 32) throw new Error(`cidrSubnet: ${cidr} has no room for ${newBits} more bits`);
  if (netNum < 0 || netNum >= 2 ** newBits) {
    throw new Error(`cidrSubnet: network number ${netNum} does not fit in ${newBits} bits of ${cidr}`);
  }
  const blockSize = 2 ** (32 - newPrefix);
  const network = base - (base % 2 ** (32 - prefix));
  return `${formatAddress(network + netNum * blockSize)}/${newPrefix}`;
}
