import type { ProbeSettings } from './run-probe.js';

/**
 * Memoizes `make` per settings object: what a beacon builds from its settings (an allow-list parsed into
 * an agent factory or a socket connector) is built once per beacon, not once per probe.
 */
export function onePerSettings<T>(make: (settings: ProbeSettings) => T): (settings: ProbeSettings) => T {
  const made = new WeakMap<ProbeSettings, T>();
  return (settings) => {
    let value = made.get(settings);
    if (value === undefined) {
      value = make(settings);
      made.set(settings, value);
    }
    return value;
  };
}
