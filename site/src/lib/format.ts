/** "No comments", "1 comment", "12 comments". */
export function commentsLabel(count: number): string {
  if (count === 0) return 'No comments';
  return count === 1 ? '1 comment' : `${count.toLocaleString('en')} comments`;
}

const commentDay = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

/** A comment's date as the page prints it ("Dec 2, 2026"; UTC, so the build and the island agree). */
export const commentDate = (iso: string) => commentDay.format(new Date(iso));

/** "3 likes", "1 like", "Like". */
export const likesLabel = (count: number) => (count === 0 ? 'No likes' : count === 1 ? '1 like' : `${count} likes`);
