import { en, type MessageKey, type Messages } from './en';
import { ko } from './ko';

export type Locale = 'en' | 'ko';
export const CATALOGUES: Record<Locale, Messages> = { en, ko };
/** BCP 47 tags for Intl (and `<html lang>`). */
export const LANGUAGE_TAGS: Record<Locale, string> = { en: 'en', ko: 'ko-KR' };

/** Keys with plural forms, without their `_one`/`_other` suffix. */
type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}_other` ? Base : never) : never;

export interface Translator {
  locale: Locale;
  /** `<html lang>`. */
  lang: string;
  /** The message `key` with its `{placeholders}` filled in. */
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** The plural form of `key` for `count` (also `{count}`, formatted for the locale). */
  plural(key: PluralKey, count: number, params?: Record<string, string | number>): string;
  /** A date as the pages print it (UTC, so every machine prints the same day). */
  date(iso: string, style?: 'long' | 'medium'): string;
  number(value: number): string;
}

/** Fills `{name}` placeholders; one unknown to `params` stays as written (a test catches those). */
export const fill = (text: string, params: Record<string, string | number> = {}) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

const translators = new Map<Locale, Translator>();

/** The site's words, dates and numbers in `locale` (SITE_LOCALE, from the API's GET /site/info). */
export function translator(locale: Locale): Translator {
  const cached = translators.get(locale);
  if (cached) return cached;
  const messages = CATALOGUES[locale];
  const lang = LANGUAGE_TAGS[locale];
  const plurals = new Intl.PluralRules(lang);
  const numbers = new Intl.NumberFormat(lang);
  const dates = {
    long: new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }),
    medium: new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }),
  };
  const made: Translator = {
    locale,
    lang,
    t: (key, params) => fill(messages[key], params),
    plural: (key, count, params) => {
      const form = plurals.select(count) === 'one' ? 'one' : 'other';
      return fill(messages[`${key}_${form}` as MessageKey], { ...params, count: numbers.format(count) });
    },
    date: (iso, style = 'long') => dates[style].format(new Date(iso)),
    number: (value) => numbers.format(value),
  };
  translators.set(locale, made);
  return made;
}
