import type { SiteLocale } from '@blog/contract/site';
import { en } from './en.js';
import { ko } from './ko.js';

type Catalogue = typeof en;
export type MessageKey = keyof Catalogue;

/** The `{placeholder}` names of a message of the English catalogue. */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** What a message's placeholders are filled with: text, or a number formatted for the language. */
export type MessageParams<K extends MessageKey> = { [P in Placeholders<Catalogue[K]>]: string | number };

/** No argument for a message without placeholders, its params otherwise. */
type ParamArgs<K extends MessageKey, V> = [Placeholders<Catalogue[K]>] extends [never]
  ? []
  : [{ [P in Placeholders<Catalogue[K]>]: V }];

/** The messages that come as a `_one` / `_other` pair, by the name before the suffix. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}_other` ? (`${Base}_one` extends MessageKey ? Base : never) : never;
}[MessageKey];

/** Markup the caller built (and escaped) itself, put into an HTML message as it is. */
export class Html {
  constructor(readonly markup: string) {}
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

const CATALOGUES: Record<SiteLocale, Record<MessageKey, string>> = { en, ko };

/** The tag of each language for Intl, the HTML mail's `lang` and the Content-Language header. */
const TAGS: Record<SiteLocale, string> = { en: 'en', ko: 'ko-KR' };

/** The API's mails in one language: its messages, its number formats and its language tag. */
export interface MailText {
  locale: SiteLocale;
  /** BCP 47: `en`, `ko-KR`. */
  tag: string;
  /** The header fields that name the mail's language (Content-Language). */
  headers: Record<string, string>;
  /** A message as plain text (a subject, a line of the text part). */
  text<K extends MessageKey>(key: K, ...params: ParamArgs<K, string | number>): string;
  /** A message as HTML: its words and text params escaped, `Html` params put in as they are. */
  html<K extends MessageKey>(key: K, ...params: ParamArgs<K, string | number | Html>): string;
  /** The `_one` or `_other` form of a message, as the language's plural rules choose for `count`. */
  plural<B extends PluralKey>(
    base: B,
    count: number,
    params: Omit<MessageParams<`${B}_one`> & MessageParams<`${B}_other`>, 'count'>,
  ): string;
  /** A duration in whole minutes, spelled out ("10 minutes", "10분"). */
  minutes(count: number): string;
  /** A duration in whole days, spelled out ("7 days", "7일"). */
  days(count: number): string;
}

/** The messages and formats of the API's mails in `locale` (SITE_LOCALE). */
export function mailText(locale: SiteLocale): MailText {
  const messages = CATALOGUES[locale];
  const tag = TAGS[locale];
  const number = new Intl.NumberFormat(tag);
  const minutes = new Intl.NumberFormat(tag, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
  const days = new Intl.NumberFormat(tag, { style: 'unit', unit: 'day', unitDisplay: 'long' });
  const plurals = new Intl.PluralRules(tag);

  function fill(key: MessageKey, params: Record<string, string | number | Html>, asHtml: boolean): string {
    return messages[key].replace(/\{(\w+)\}|[&<>"']/g, (match, name: string | undefined) => {
      if (name === undefined) return asHtml ? escapeHtml(match) : match;
      const value = params[name];
      // Placeholders are checked against English by the type checker and across catalogues by a test.
      if (value === undefined) throw new Error(`mail message ${locale}.${key}: no value for {${name}}`);
      if (value instanceof Html) return value.markup;
      const shown = typeof value === 'number' ? number.format(value) : value;
      return asHtml ? escapeHtml(shown) : shown;
    });
  }

  return {
    locale,
    tag,
    headers: { 'Content-Language': tag },
    text: (key, ...params) => fill(key, params[0] ?? {}, false),
    html: (key, ...params) => fill(key, params[0] ?? {}, true),
    plural: (base, count, params) =>
      fill(`${base}_${plurals.select(count) === 'one' ? 'one' : 'other'}`, { ...params, count }, false),
    minutes: (count) => minutes.format(count),
    days: (count) => days.format(count),
  };
}
