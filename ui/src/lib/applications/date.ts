/**
 * Dates as people type them (ДД.ММ.ГГГГ, e.g. 12.04.1985) and as the portal stores them (ISO,
 * 1985-04-12). A typed text that is a real date is stored as ISO; any other text is stored as
 * typed, so that nothing the person wrote is lost and the check can point at it.
 */

/** Day, month and year as typed: one or two digits, then a four-digit year. */
const TYPED = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/;

/** An ISO date, which the portal stores and which a person may paste as well. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** How many days the month has (1 to 12), leap years included. */
function daysIn(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one. setUTCFullYear keeps years below 100
  // as they are, which the Date constructor would move to the 1900s; UTC avoids clock changes.
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

/** Whether day, month and year name a day of the calendar. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function iso(year: number, month: number, day: number): string {
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * What to store for a typed date: the ISO date when the text is a real date (as ДД.ММ.ГГГГ,
 * with one-digit day or month allowed, or already as ISO), otherwise the text itself.
 */
export function toStoredDate(typed: string): string {
  const text = typed.trim();
  const parts = TYPED.exec(text);
  if (parts) {
    const [day, month, year] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    return isCalendarDate(year, month, day) ? iso(year, month, day) : typed;
  }

  const isoParts = ISO.exec(text);
  if (isoParts) {
    const [year, month, day] = [Number(isoParts[1]), Number(isoParts[2]), Number(isoParts[3])];
    return isCalendarDate(year, month, day) ? text : typed;
  }
  return typed;
}

/** How a stored answer reads in the field: an ISO date as ДД.ММ.ГГГГ, anything else as is. */
export function toTypedDate(stored: unknown): string {
  if (stored === undefined || stored === null) return '';
  const text = String(stored);
  const parts = ISO.exec(text);
  if (!parts) return text;
  return `${parts[3]}.${parts[2]}.${parts[1]}`;
}

/**
 * What is wrong with a stored date answer that the portal calls malformed: `calendar` when it
 * is written as a date but no such day exists (31.02.2020), `format` when it is not written as
 * a date at all.
 */
export function dateMistake(stored: unknown): 'calendar' | 'format' {
  const text = String(stored ?? '').trim();
  return TYPED.test(text) || ISO.test(text) ? 'calendar' : 'format';
}
