/** "No comments", "1 comment", "12 comments". */
export function commentsLabel(count: number): string {
  if (count === 0) return 'No comments';
  return count === 1 ? '1 comment' : `${count.toLocaleString('en')} comments`;
}

const commentDay = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

/** A comment's date as the page prints it ("Dec 2, 2026"; UTC, so the build and the island agree). */
export const commentDate = (iso: string) => commentDay.format(new Date(iso));

/** A like button's name: its visible count in it (WCAG 2.5.3, label in name), e.g. "Like: 0 likes". */
export const likeButtonLabel = (count: number) => `Like: ${count} ${count === 1 ? 'like' : 'likes'}`;
