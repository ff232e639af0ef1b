const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/**
 * The tiny page a mail's link lands on (unsubscribe, newsletter confirmation): plain HTML that
 * works without JavaScript or the site's assets. `body` is ours (no user text in it).
 */
export function linkPage({ siteName, title, body }: { siteName: string; title: string; body: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · ${escapeHtml(siteName)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
<p><a href="/">${escapeHtml(siteName)}</a></p></main></body></html>`;
}
