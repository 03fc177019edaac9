/** Formatting helpers handed to every template as `it.fmt`. */

const STATE_LABELS: Record<string, string> = {
  up: 'Up',
  down: 'Down',
  degraded: 'Degraded',
  pending: 'Pending',
  paused: 'Paused',
  blocked: 'Blocked by address policy',
  maintenance: 'Maintenance',
};

/** What the dashboard shows: a paused check is "paused" whatever its last state was. */
export function displayState(check: { state: string; paused: boolean }): string {
  return check.paused ? 'paused' : check.state;
}

export function stateLabel(state: string): string {
  return STATE_LABELS[state] ?? state;
}

export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '–';
  const value = ratio * 100;
  if (value === 100) return '100%';
  return `${value >= 99.99 ? value.toFixed(3) : value.toFixed(2)}%`;
}

export function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${Math.round(value)} ms`;
}

/** "2026-11-25 21:58 UTC": unambiguous for a team spread over time zones. */
export function utc(iso: string | Date | null | undefined): string {
  if (!iso) return '–';
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return '–';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function isoString(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  return typeof iso === 'string' ? iso : iso.toISOString();
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'ongoing';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${s % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Days until a TLS certificate expires, with a warning level for the check page. */
export function tlsExpiry(iso: string | null | undefined, now = Date.now()): { text: string; level: 'ok' | 'warn' | 'bad' } | null {
  if (!iso) return null;
  const days = Math.floor((new Date(iso).getTime() - now) / 86_400_000);
  const text = `${utc(iso)} (${days >= 0 ? `in ${days} days` : `expired ${-days} days ago`})`;
  return { text, level: days < 0 ? 'bad' : days < 14 ? 'warn' : 'ok' };
}

/** The colour class of a daily uptime bar: one short incident in a day is not a red day. */
export function barLevel(uptime: number | null): 'none' | 'up' | 'minor' | 'partial' | 'down' {
  if (uptime === null) return 'none';
  if (uptime >= 0.999) return 'up';
  if (uptime >= 0.99) return 'minor';
  if (uptime >= 0.95) return 'partial';
  return 'down';
}

/** What a daily bar's tooltip says: "2026-11-29: 99.65% up, 1 incident" (", maintenance not counted" when there was some). */
export function barSummary(bar: { day: string; uptime: number | null; incidents: number; maintenanceProbes?: number }): string {
  const uptime = bar.uptime === null ? 'no data' : `${percent(bar.uptime)} up`;
  const incidents = bar.incidents === 0 ? 'no incidents' : bar.incidents === 1 ? '1 incident' : `${bar.incidents} incidents`;
  return `${bar.day}: ${uptime}, ${incidents}${bar.maintenanceProbes ? ', maintenance not counted' : ''}`;
}

/** Labels of incident update statuses. */
export function updateStatusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

export const fmt = { displayState, stateLabel, percent, ms, utc, isoString, duration, tlsExpiry, barLevel, barSummary, updateStatusLabel };
