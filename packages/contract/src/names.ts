// Letters that look like Latin ones in the scripts people use to impersonate (Cyrillic, Greek),
// and digits read as letters: enough to catch "Аdmin" with a Cyrillic А or "Gr4ce". Compared
// after NFKD with the marks dropped, lower-cased.
const LOOK_ALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  μ: 'u',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  i: 'l',
  ı: 'l',
  '|': 'l',
};

/** At most two combining marks in a row (enough for any script; "Zalgo" text stacks dozens). */
const MARK_RUNS = /(\p{M}{2})\p{M}+/gu;

/**
 * A display name as the blog stores and shows it: NFKC (full-width and ligature forms folded),
 * without control, invisible or bidi-control characters (zero-width spaces and joiners,
 * RLO/LRI…, soft hyphens), with runs of combining marks cut to two and whitespace collapsed.
 */
export function normalizeDisplayName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(MARK_RUNS, '$1')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** What a name looks like, for comparing two names: marks, case, spacing and look-alikes ignored. */
export function nameSkeleton(name: string): string {
  return [...normalizeDisplayName(name).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()]
    .map((char) => LOOK_ALIKES[char] ?? char)
    .join('')
    .replace(/[^\p{L}\p{N}]/gu, '');
}
