import { SITE_LOCALES } from '@blog/contract/site';
import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { Html, mailText } from './index.js';
import { ko } from './ko.js';

const catalogues = { en, ko };

/** A message's placeholder names, sorted and each once. */
const placeholders = (message: string) => [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('the mail catalogues', () => {
  it('has one catalogue for every SITE_LOCALE', () => {
    expect(Object.keys(catalogues).sort()).toEqual([...SITE_LOCALES].sort());
  });

  it.each(SITE_LOCALES.filter((locale) => locale !== 'en'))('%s has exactly the keys of English', (locale) => {
    expect(Object.keys(catalogues[locale]).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(SITE_LOCALES.filter((locale) => locale !== 'en'))('%s has the placeholders of English, per key', (locale) => {
    const catalogue: Record<string, string> = catalogues[locale];
    for (const [key, message] of Object.entries(en)) {
      expect(placeholders(catalogue[key] ?? ''), `${locale}.${key}`).toEqual(placeholders(message));
    }
  });

  it('writes every Korean message with words in Hangul (no English left untranslated)', () => {
    for (const [key, message] of Object.entries(ko)) {
      const words = message.replace(/\{\w+\}/g, '');
      if (/\p{L}/u.test(words)) expect(words, `ko.${key}`).toMatch(/\p{Script=Hangul}/u);
    }
  });

  it('has no stray braces that a placeholder would not fill', () => {
    for (const [locale, catalogue] of Object.entries(catalogues)) {
      for (const [key, message] of Object.entries(catalogue)) {
        expect(message.replace(/\{\w+\}/g, ''), `${locale}.${key}`).not.toMatch(/[{}]/);
      }
    }
  });
});

describe('mailText', () => {
  it('fills placeholders and formats numbers for the language', () => {
    expect(mailText('en').text('verifySubject', { code: '012345', siteName: 'Blog' })).toBe(
      '012345 is your Blog verification code',
    );
    expect(mailText('ko').text('verifySubject', { code: '012345', siteName: '블로그' })).toBe(
      '[블로그] 인증 코드: 012345',
    );
    expect(mailText('en').plural('digestModeration', 1234, {})).toBe('1,234 comments waiting for approval');
    expect(mailText('ko').plural('digestModeration', 1234, {})).toBe('승인을 기다리는 댓글 1,234개');
  });

  it('chooses the plural form by the language’s rules', () => {
    expect(mailText('en').plural('digestReplies', 1, {})).toBe('1 new reply to your comment');
    expect(mailText('en').plural('digestReplies', 2, {})).toBe('2 new replies to your comments');
    expect(mailText('ko').plural('digestReplies', 1, {})).toBe('내 댓글에 새 답글 1개');
  });

  it('spells out durations', () => {
    expect(mailText('en').minutes(1)).toBe('1 minute');
    expect(mailText('en').minutes(10)).toBe('10 minutes');
    expect(mailText('en').days(7)).toBe('7 days');
    expect(mailText('ko').minutes(10)).toBe('10분');
    expect(mailText('ko').days(7)).toBe('7일');
  });

  it('names the language: the tag and the Content-Language header', () => {
    expect(mailText('en')).toMatchObject({ tag: 'en', headers: { 'Content-Language': 'en' } });
    expect(mailText('ko')).toMatchObject({ tag: 'ko-KR', headers: { 'Content-Language': 'ko-KR' } });
  });

  it('escapes words and text params in HTML, and puts Html params in as they are', () => {
    const t = mailText('en');
    expect(t.html('confirmAsk', { siteName: '<b>Ben & Jerry</b>' })).toBe(
      'Please confirm that you want new posts of &lt;b&gt;Ben &amp; Jerry&lt;/b&gt; by mail:',
    );
    expect(t.html('digestItemLink', { author: new Html('<strong>Ann</strong>'), postTitle: 'A < B' })).toBe(
      '<strong>Ann</strong> on A &lt; B:',
    );
    // Text is for subjects and the text part: nothing is escaped there.
    expect(t.text('confirmAsk', { siteName: 'Ben & Jerry' })).toContain('Ben & Jerry by mail');
  });

  it('checks params against the English placeholders at compile time', () => {
    const t = mailText('ko');
    // @ts-expect-error a message with placeholders needs its params
    expect(() => t.text('greeting')).toThrow(/no value for \{name\}/);
    // @ts-expect-error `nam` is not a placeholder of `greeting`
    expect(() => t.text('greeting', { nam: 'Ann' })).toThrow(/no value for \{name\}/);
    expect(t.text('greetingNoName')).toBe('안녕하세요.');
  });
});
