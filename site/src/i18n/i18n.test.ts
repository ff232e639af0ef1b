import { describe, expect, it } from 'vitest';
import { en } from './en';
import { CATALOGUES, translator } from './index';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the site's message catalogues", () => {
  it('have the same keys in every language, each with the same placeholders, none empty', () => {
    for (const [locale, messages] of Object.entries(CATALOGUES)) {
      expect(Object.keys(messages).sort(), locale).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(messages)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    }
  });

  it('give each plural key both forms', () => {
    for (const key of Object.keys(en)) {
      const base = key.replace(/_(one|other)$/, '');
      if (base === key) continue;
      expect(Object.keys(en), key).toContain(`${base}_one`);
      expect(Object.keys(en), key).toContain(`${base}_other`);
    }
  });

  it('fill placeholders, pick plural forms and format dates and numbers for the locale', () => {
    const english = translator('en');
    const korean = translator('ko');
    expect(english.plural('comments.count', 1)).toBe('1 comment');
    expect(english.plural('comments.count', 1200)).toBe('1,200 comments');
    expect(korean.plural('comments.count', 1)).toBe('댓글 1개');
    expect(english.t('title.page', { title: 'A', site: 'B' })).toBe('A · B');
    expect(english.date('2026-12-02T10:00:00Z')).toBe('December 2, 2026');
    expect(korean.date('2026-12-02T10:00:00Z')).toBe('2026년 12월 2일');
    expect(korean.lang).toBe('ko-KR');
  });
});
