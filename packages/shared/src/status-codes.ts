/** An inclusive range of HTTP status codes. */
export type StatusRange = [number, number];

/**
 * Parses a status-code spec such as `200-299,301` into ranges; throws an Error with a readable
 * message when an item is not a code (100-599) or a low-high range.
 */
export function parseStatusCodes(spec: string): StatusRange[] {
  const items = spec.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new Error('must list at least one status code, e.g. 200-299');
  if (items.length > 20) throw new Error('must have at most 20 codes or ranges');
  return items.map((item) => {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(item);
    if (!match) throw new Error(`"${item}" is not a status code or range like 200-299`);
    const low = Number(match[1]);
    const high = Number(match[2] ?? match[1]);
    if (low < 100 || high > 599 || low > high) throw new Error(`"${item}" must be within 100-599, low before high`);
    return [low, high];
  });
}

export function statusMatches(status: number, ranges: StatusRange[]): boolean {
  return ranges.some(([low, high]) => status >= low && status <= high);
}
