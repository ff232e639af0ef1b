/** "No comments", "1 comment", "12 comments". */
export function commentsLabel(count: number): string {
  if (count === 0) return 'No comments';
  return count === 1 ? '1 comment' : `${count.toLocaleString('en')} comments`;
}
