/** Canonical values for generated fields (see `core/values.ts`): decimals as text, instants as ISO text. */
import { isoDate, isoSeconds } from './moments.js';

/** A datetime, or null. */
export function datetime(ms: number | null): string | null {
  return ms === null ? null : isoSeconds(ms);
}

/** A date, or null. */
export function date(ms: number | null): string | null {
  return ms === null ? null : isoDate(ms);
}

/** An amount in minor units (cents) as a decimal at `scale` (2 or more), or null. */
export function money(cents: number | null, scale = 2): string | null {
  if (cents === null) return null;
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return `${whole}.${fraction}${'0'.repeat(Math.max(0, scale - 2))}`;
}

/** Whole units as a decimal at `scale`, or null. */
export function wholeMoney(units: number | null, scale = 2): string | null {
  return units === null ? null : money(units * 100, scale);
}
