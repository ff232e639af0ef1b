/**
 * Reading time of a post, in whole minutes (at least 1): words of space-separated scripts at 230
 * a minute, Han/Hangul/Kana characters at 500 a minute (they carry a word's worth in fewer
 * characters and are not space-separated the same way), images 10 s each.
 */
const CJK = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

export function readingMinutesOfText(text: string, images = 0): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const words = text
    .replace(CJK, ' ')
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  const minutes = words / 230 + cjk / 500 + images / 6;
  return Math.max(1, Math.round(minutes));
}

/** The same from sanitised HTML (tags dropped, entities as one character, images counted). */
export function readingMinutesOfHtml(html: string): number {
  const images = html.match(/<img\b/gi)?.length ?? 0;
  const text = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[#\w]+;/g, 'x');
  return readingMinutesOfText(text, images);
}
