/**
 * A machine date (ISO 8601, as page metadata and sidecars give it: "2014-04-02",
 * "2014-04-02T09:00:00Z", "2014-04-02T09:00:00+01:00") shown as a reader writes it,
 * "Wednesday, 2 April 2014". The calendar date is the one the string itself
 * states, in its own zone: a page published at 00:30 local time is dated that
 * day, not the day before in UTC. Any other date (one written in the article's
 * text) is shown as written. Pure.
 */
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** The date's year, month and day when it is a valid machine date, else undefined. */
function machineDate(date: string): { year: number; month: number; day: number } | undefined {
  const match = ISO.exec(date.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const hour = match[4] === undefined ? 0 : Number(match[4]);
  const minute = match[5] === undefined ? 0 : Number(match[5]);
  const check = new Date(Date.UTC(year, month - 1, day));
  // 2014-02-30 is no day at all: shown as written rather than as 2 March.
  const valid = check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day && hour < 24 && minute < 60;
  return valid ? { year, month, day } : undefined;
}

export function isMachineDate(date: string): boolean {
  return machineDate(date) !== undefined;
}

export function readableDate(date: string): string {
  const parts = machineDate(date);
  if (!parts) return date;
  const { year, month, day } = parts;
  return `${WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]}, ${day} ${MONTHS[month - 1]} ${year}`;
}
