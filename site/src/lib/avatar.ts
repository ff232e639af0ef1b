// Avatars drawn here, not fetched from anyone: the initials of a name on a colour derived from the
// user's id (the same in the static HTML and the island). A Gravatar URL is used only when the
// API sends one (AVATARS=gravatar), because asking Gravatar tells it who reads the page.

/** Up to two letters: the first of the first two words, or the first two of a single word. */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s._-]+/u)
    .filter(Boolean);
  const letters =
    words.length >= 2
      ? [...(words[0] ?? '')].slice(0, 1).concat([...(words[1] ?? '')].slice(0, 1))
      : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toLocaleUpperCase('en') || '?';
}

/** A hue from the id (Knuth's multiplicative hash spreads neighbouring ids apart). */
export const avatarHue = (id: number) => (Math.imul(id, 2654435761) >>> 0) % 360;

/** The colour behind the initials: dark enough for white text (contrast ≥ 4.5:1) in both themes. */
export const avatarColour = (id: number) => `hsl(${avatarHue(id)} 55% 32%)`;

export const AVATAR_SIZE = 40;
