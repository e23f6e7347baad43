/**
 * The chosen language: its messages, the `lang` of the document, and date formatting. The
 * choice is remembered in local storage; Russian is the default.
 */
import { en } from './en';
import { ru, type Messages } from './ru';

export type { Messages } from './ru';

/** A language the UI speaks. */
export type Locale = 'ru' | 'en';

/** The languages in the order the switch shows them. */
export const LOCALES: readonly Locale[] = ['ru', 'en'];

const CATALOGS: Record<Locale, Messages> = { ru, en };

// Intl locales: British English writes day before month, closer to what Russian readers expect.
const INTL_LOCALES: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

const STORAGE_KEY = 'kabinet.locale';

function isLocale(value: unknown): value is Locale {
  return value === 'ru' || value === 'en';
}

class Localization {
  /** The language in use. */
  locale = $state<Locale>('ru');

  /** Its messages. */
  readonly t: Messages = $derived(CATALOGS[this.locale]);

  readonly #dateTime = $derived(
    new Intl.DateTimeFormat(INTL_LOCALES[this.locale], { dateStyle: 'long', timeStyle: 'short' }),
  );

  readonly #date = $derived(
    new Intl.DateTimeFormat(INTL_LOCALES[this.locale], { dateStyle: 'long' }),
  );

  readonly #decimal = $derived(
    new Intl.NumberFormat(INTL_LOCALES[this.locale], { maximumFractionDigits: 1 }),
  );

  /** Restores the remembered language, if any, and marks the document with it. */
  restore(): void {
    let saved: string | null = null;
    try {
      saved = localStorage.getItem(STORAGE_KEY);
    } catch {
      // Storage may be disabled; the default language is a fine answer then.
    }
    this.set(isLocale(saved) ? saved : 'ru');
  }

  /** Switches the language, remembers it and updates `<html lang>`. */
  set(locale: Locale): void {
    this.locale = locale;
    document.documentElement.lang = locale;
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // Not remembering the choice is harmless: it applies for this run.
    }
  }

  /** The messages of any language, e.g. to name each language in its own words. */
  messagesOf(locale: Locale): Messages {
    return CATALOGS[locale];
  }

  /** An RFC 3339 timestamp as date and time; an unparsable one is shown as it came. */
  dateTime(value: string): string {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : this.#dateTime.format(date);
  }

  /**
   * A size in bytes as people read it: "512 Б", "8,1 МБ". Units are binary (1 МБ is 1024 КБ),
   * as the portal counts its limit; a no-break space keeps the number with its unit.
   */
  size(bytes: number): string {
    const { units } = this.t;
    const steps = [units.bytes, units.kilobytes, units.megabytes, units.gigabytes];
    let value = bytes;
    let step = 0;
    while (value >= 1024 && step < steps.length - 1) {
      value /= 1024;
      step += 1;
    }
    return `${this.#decimal.format(value)}\u00a0${steps[step]}`;
  }

  /** An RFC 3339 timestamp as a date. */
  date(value: string): string {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : this.#date.format(date);
  }
}

/** The UI's language; one for the whole document, as `<html lang>` is. */
export const i18n = new Localization();
