/**
 * The dashboard row's inline SVGs, drawn on the server: a response-time sparkline and the 30-day uptime bars.
 * The page and /dashboard.json (the 10 s refresh) carry the same markup, so the script only swaps it in and
 * there is one drawing code. Colours come from CSS classes (light and dark themes).
 */
import type { CheckGlance, GlanceDay } from '../data/dashboard-glance.js';
import { barLevel, ms, percent } from './format.js';

/** As wide as the 30 bars below it. */
const SPARK_WIDTH = 119;
const SPARK_HEIGHT = 24;
/** Room for the stroke at the top and bottom edges. */
const SPARK_PAD = 2;
const BAR_WIDTH = 3;
const BAR_GAP = 1;
const BAR_HEIGHT = 16;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);
const round = (value: number) => Math.round(value * 10) / 10;

/**
 * The sparkline's path: one point per hour, scaled between the lowest and highest hour so a change shows;
 * an hour without samples breaks the line, and a point without neighbours is drawn as a dot.
 */
export function sparklinePath(values: readonly (number | null)[]): string {
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return '';
  const low = Math.min(...present);
  const high = Math.max(...present);
  const step = values.length > 1 ? (SPARK_WIDTH - 2 * SPARK_PAD) / (values.length - 1) : 0;
  const yOf = (value: number) =>
    high === low ? SPARK_HEIGHT / 2 : SPARK_HEIGHT - SPARK_PAD - ((value - low) / (high - low)) * (SPARK_HEIGHT - 2 * SPARK_PAD);
  let path = '';
  values.forEach((value, index) => {
    if (value === null) return;
    const point = `${round(SPARK_PAD + index * step)},${round(yOf(value))}`;
    const joined = index > 0 && values[index - 1] !== null;
    const alone = !joined && (index === values.length - 1 || values[index + 1] === null);
    path += joined ? `L${point}` : alone ? `M${point}h0.1` : `M${point}`;
  });
  return path;
}

export function sparklineSvg(glance: CheckGlance): string {
  const present = glance.hourlyAvgMs.filter((value): value is number => value !== null);
  if (present.length === 0) {
    return `<svg class="spark spark-empty" viewBox="0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}" width="${SPARK_WIDTH}" height="${SPARK_HEIGHT}" role="img"><title>No response times in the last 24 hours</title><line x1="${SPARK_PAD}" y1="${SPARK_HEIGHT / 2}" x2="${SPARK_WIDTH - SPARK_PAD}" y2="${SPARK_HEIGHT / 2}"/></svg>`;
  }
  const latest = [...glance.hourlyAvgMs].reverse().find((value) => value !== null)!;
  const label = `Response time, last 24 hours: ${ms(Math.min(...present))} to ${ms(Math.max(...present))}, latest hour ${ms(latest)}`;
  return `<svg class="spark" viewBox="0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}" width="${SPARK_WIDTH}" height="${SPARK_HEIGHT}" role="img"><title>${escapeXml(label)}</title><path d="${sparklinePath(glance.hourlyAvgMs)}"/></svg>`;
}

function dayTitle(day: GlanceDay): string {
  return `${day.day}: ${day.uptime === null ? 'no data' : `${percent(day.uptime)} up`}`;
}

/**
 * 30 bars, oldest first. Fully-up days and days without data are one path per colour (a rect per day would
 * triple the page's size); the other days are rects with a tooltip, the whole graphic has a summary title.
 */
export function uptimeBarsSvg(glance: CheckGlance): string {
  const width = glance.days.length * (BAR_WIDTH + BAR_GAP) - BAR_GAP;
  let probes = 0;
  let ups = 0;
  const plain = { up: '', none: '' };
  const marked: string[] = [];
  glance.days.forEach((day, index) => {
    const level = barLevel(day.uptime);
    const x = index * (BAR_WIDTH + BAR_GAP);
    probes += day.probes;
    ups += (day.uptime ?? 0) * day.probes;
    if (level === 'up' || level === 'none') plain[level] += `M${x} 0h${BAR_WIDTH}v${BAR_HEIGHT}h-${BAR_WIDTH}z`;
    else marked.push(`<rect class="bar-${level}" x="${x}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}"><title>${escapeXml(dayTitle(day))}</title></rect>`);
  });
  const uptime = probes > 0 ? `${percent(ups / probes)} uptime` : 'no data yet';
  const below = marked.length === 0 ? 'no day' : marked.length === 1 ? '1 day' : `${marked.length} days`;
  const label = `Last ${glance.days.length} days: ${uptime}, ${below} below 99.9%`;
  const paths = (['up', 'none'] as const).map((level) => (plain[level] ? `<path class="bar-${level}" d="${plain[level]}"/>` : '')).join('');
  return `<svg class="uptime-bars" viewBox="0 0 ${width} ${BAR_HEIGHT}" width="${width}" height="${BAR_HEIGHT}" role="img"><title>${escapeXml(label)}</title>${paths}${marked.join('')}</svg>`;
}
