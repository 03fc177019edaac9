import { isIP } from 'node:net';

/** DNS limits (RFC 1035): 63 octets per label, 253 characters for the dotted name. */
const MAX_LABEL_LENGTH = 63;
const MAX_NAME_LENGTH = 253;

/**
 * Why a URL's host name can never resolve, or null when it may. Checked before any lookup, so a
 * name DNS cannot carry is an invalid URL rather than a resolver error (glibc answers EINVAL for an
 * over-long name, which would otherwise read as an unknown failure). `hostname` is the WHATWG one,
 * already in ASCII (punycode), which is what DNS measures; IP literals are never refused here.
 */
export function hostNameProblem(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return null;
  const name = bare.endsWith('.') ? bare.slice(0, -1) : bare;
  if (name.length > MAX_NAME_LENGTH) {
    return `host name is ${name.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`;
  }
  const longLabel = name.split('.').find((label) => label.length > MAX_LABEL_LENGTH);
  if (longLabel) {
    return `host name label "${longLabel.slice(0, 20)}..." is ${longLabel.length} characters long; at most ${MAX_LABEL_LENGTH} are allowed`;
  }
  return null;
}
