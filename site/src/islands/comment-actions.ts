// The writing half of <blog-comments>, loaded on first use (a reader who reads never downloads
// it): comments, replies, edits, deletions, likes and pins, each shown at once and rolled back
// when the API refuses it. It defines <comment-composer> and <comment-notify> too.
import { compareThreads } from '@blog/contract/comment-order';
import { html, nothing, type TemplateResult } from 'lit';
import { commentAnchor } from '../lib/comments';
import { ACCOUNT_PATH } from '../lib/routes';
import { ApiRequestError, api, errorText } from './api';
import { type ComposeSubmitDetail, drafts } from './comment-composer';
import './comment-notify';
import type { CommentsHost, Found, Key, Problem } from './comments-host';
import type { Comment, CommentThread } from './types';

/** Where a form keeps its draft in sessionStorage ('' for an edit: it starts from the comment). */
const draftKey = (host: CommentsHost, key: Key) =>
  key.startsWith('e') ? '' : `blog-comment-draft:${host.postId}:${key}`;

function find(host: CommentsHost, id: number): Found | undefined {
  for (const list of [host.threads, host.fresh]) {
    for (const thread of list) {
      if (thread.id === id) return { comment: thread, list };
      const reply = thread.replies.find((r) => r.id === id);
      if (reply) return { comment: reply, list: thread.replies };
    }
  }
  return undefined;
}

function thread(host: CommentsHost, id: number): CommentThread | undefined {
  return host.threads.find((thread) => thread.id === id) ?? host.fresh.find((thread) => thread.id === id);
}

function adjustTotal(host: CommentsHost, by: number): void {
  host.total = Math.max(0, (host.total ?? 0) + by);
}

async function openForm(host: CommentsHost, key: Key): Promise<void> {
  host.open = key;
  await host.updateComplete;
  await composerOf(host, key)?.focus();
}

function composerOf(host: CommentsHost, key: Key) {
  return host.querySelector<HTMLElement & { focus(): Promise<void>; clear(): void; restore(text: string): void }>(
    `comment-composer[data-key="${key}"]`,
  );
}

async function reply(host: CommentsHost, at: CommentThread, to: Comment): Promise<void> {
  host.replyTo.set(`r${at.id}`, to);
  await openForm(host, `r${at.id}`);
}

function closeForm(host: CommentsHost): void {
  host.open = null;
}

async function submit(
  host: CommentsHost,
  key: Key,
  body: string,
  spam: Pick<ComposeSubmitDetail, 'website' | 'elapsedMs'>,
): Promise<void> {
  if (!body) return setProblem(host, key, { text: 'Write something first.', code: 'empty' });
  setProblem(host, key, null);
  if (key.startsWith('e')) return edit(host, Number(key.slice(1)), body, key);
  const user = host.user;
  const threadId = key.startsWith('r') ? Number(key.slice(1)) : null;
  const parent = threadId === null ? undefined : thread(host, threadId);
  if (!user || (threadId !== null && !parent)) return;
  const replyTo = host.replyTo.get(key);
  const temp: CommentThread = {
    id: --host.tempId,
    postId: host.postId,
    parentId: threadId,
    author: { id: user.id, name: user.name, avatarUrl: null },
    status: 'visible',
    bodyHtml: '',
    bodyMarkdown: body,
    likesCount: 0,
    pinnedAt: null,
    createdAt: new Date().toISOString(),
    editedAt: null,
    replies: [],
  };
  // Where the new comment belongs in this order: a reply at its thread's end; a thread first
  // under "newest", else last — after the pages not read yet, so it waits below them.
  const list: CommentThread[] = parent
    ? (parent.replies as CommentThread[])
    : host.sort === 'newest' || host.next === null
      ? host.threads
      : host.fresh;
  if (parent || host.sort !== 'newest') list.push(temp);
  else list.splice(host.threads.filter((t) => t.pinnedAt !== null).length, 0, temp);
  host.pending.add(temp.id);
  const composer = composerOf(host, key);
  adjustTotal(host, 1);
  // The new-comment form stays and empties; a reply's closes (its draft stays stored until saved).
  if (parent) closeForm(host);
  else composer?.clear();
  host.requestUpdate();
  try {
    const saved = await api.call('POST /posts/:idOrSlug/comments', {
      params: { idOrSlug: host.postId },
      body: { body, parentId: replyTo?.id ?? threadId, website: spam.website, elapsedMs: spam.elapsedMs },
    });
    // Waiting for approval: only this reader sees it, and it does not count yet.
    if (saved.status === 'pending') adjustTotal(host, -1);
    // Threads need their (empty) replies; on a reply the field is unused.
    const fresh: CommentThread = { ...saved, replies: [] };
    const index = list.indexOf(temp);
    if (index >= 0) list[index] = fresh;
    if (parent) drafts()?.removeItem(draftKey(host, key));
    if (saved.editableUntil && saved.bodyMarkdown !== undefined) {
      host.viewer = {
        ...host.viewer,
        own: [
          ...host.viewer.own,
          { id: saved.id, bodyMarkdown: saved.bodyMarkdown, editableUntil: saved.editableUntil },
        ],
      };
    }
  } catch (error) {
    const index = list.indexOf(temp);
    if (index >= 0) list.splice(index, 1);
    adjustTotal(host, -1);
    if (parent) host.open = key;
    else composerOf(host, key)?.restore(body);
    setProblem(host, key, error);
  } finally {
    host.pending.delete(temp.id);
    host.requestUpdate();
  }
}

async function edit(host: CommentsHost, id: number, body: string, key: Key): Promise<void> {
  const comment = find(host, id)?.comment;
  if (!comment) return;
  const before = { bodyMarkdown: comment.bodyMarkdown, bodyHtml: comment.bodyHtml, editedAt: comment.editedAt };
  Object.assign(comment, { bodyMarkdown: body, bodyHtml: '' });
  host.pending.add(id);
  host.retry.delete(key);
  closeForm(host);
  try {
    const saved = await api.call('PATCH /comments/:id', { params: { id }, body: { body } });
    Object.assign(comment, saved);
    host.viewer = {
      ...host.viewer,
      own: host.viewer.own.map((entry) => (entry.id === id ? { ...entry, bodyMarkdown: body } : entry)),
    };
  } catch (error) {
    Object.assign(comment, before);
    host.retry.set(key, body);
    host.open = key;
    setProblem(host, key, error);
  } finally {
    host.pending.delete(id);
    host.requestUpdate();
  }
}

async function remove(host: CommentsHost, id: number): Promise<void> {
  host.confirming = null;
  const found = find(host, id);
  if (!found) return;
  const { comment, list } = found;
  const index = list.indexOf(comment);
  // Its replies go with it; hidden comments were not counted.
  const replies = comment.parentId === null ? (thread(host, id)?.replies.length ?? 0) : 0;
  const removed = (comment.status === 'visible' ? 1 : 0) + replies;
  list.splice(index, 1);
  adjustTotal(host, -removed);
  setProblem(host, `c${id}`, null);
  host.requestUpdate();
  try {
    await api.call('DELETE /comments/:id', { params: { id } });
  } catch (error) {
    list.splice(index, 0, comment);
    adjustTotal(host, removed);
    setProblem(host, `c${id}`, error);
  }
}

export async function toggleLike(host: CommentsHost, comment: Comment): Promise<void> {
  const liked = host.viewer.liked.includes(comment.id);
  const before = { liked: host.viewer.liked, count: comment.likesCount };
  host.viewer = {
    ...host.viewer,
    liked: liked ? host.viewer.liked.filter((id) => id !== comment.id) : [...host.viewer.liked, comment.id],
  };
  comment.likesCount = Math.max(0, comment.likesCount + (liked ? -1 : 1));
  setProblem(host, `c${comment.id}`, null);
  try {
    const answer = await api.call(liked ? 'DELETE /comments/:id/like' : 'PUT /comments/:id/like', {
      params: { id: comment.id },
    });
    comment.likesCount = answer.likesCount;
  } catch (error) {
    host.viewer = { ...host.viewer, liked: before.liked };
    comment.likesCount = before.count;
    setProblem(host, `c${comment.id}`, error);
  }
  host.requestUpdate();
}

async function togglePin(host: CommentsHost, at: CommentThread): Promise<void> {
  const pinned = at.pinnedAt !== null;
  setProblem(host, `c${at.id}`, null);
  try {
    const saved = await api.call(pinned ? 'DELETE /comments/:id/pin' : 'PUT /comments/:id/pin', {
      params: { id: at.id },
    });
    at.pinnedAt = saved.pinnedAt;
    host.threads = [...host.threads].sort(compareThreads(host.sort));
  } catch (error) {
    setProblem(host, `c${at.id}`, error);
  }
}

/** The form of `key` (<comment-composer>, defined by this module). */
export function composer(
  host: CommentsHost,
  key: Key,
  label: string,
  submitLabel: string,
  opts: { value?: string; replyTo?: Comment },
): TemplateResult {
  const to = opts.replyTo;
  return html`<comment-composer
    data-key=${key}
    label=${label}
    submit-label=${submitLabel}
    ?cancel=${key !== 'n'}
    draft-key=${draftKey(host, key)}
    .value=${host.retry.get(key) ?? opts.value ?? ''}
    .replyTo=${to ? { anchor: commentAnchor(to.id), name: to.author.name } : null}
    @compose-submit=${(event: CustomEvent<ComposeSubmitDetail>) => submit(host, key, event.detail.text, event.detail)}
    @compose-cancel=${() => closeForm(host)}
  ></comment-composer>${key === 'n' ? html`<comment-notify post-id=${host.postId}></comment-notify>` : nothing}`;
}

/** A signed-in reader's buttons on a comment: reply, edit (own, in the window), pin, delete. */
export function buttons(
  host: CommentsHost,
  comment: Comment,
  at: CommentThread,
  { own, editable, key }: { own: boolean; editable: boolean; key: Key },
): TemplateResult {
  const id = comment.id;
  return html`${
    host.user?.emailVerified && at.status === 'visible' && at.id > 0
      ? html`<button type="button" @click=${() => reply(host, at, comment)}>Reply</button>`
      : nothing
  }
    ${editable ? html`<button type="button" @click=${() => openForm(host, key)}>Edit</button>` : nothing}
    ${
      host.viewer.canPin && comment.parentId === null
        ? html`<button type="button" @click=${() => togglePin(host, at)}>${comment.pinnedAt ? 'Unpin' : 'Pin'}</button>`
        : nothing
    }
    ${
      own || host.viewer.canModerate
        ? host.confirming === id
          ? html`<span>Delete this comment${comment.parentId === null ? ' and its replies' : ''}?</span>
              <button type="button" @click=${() => remove(host, id)}>Yes, delete</button>
              <button
                type="button"
                @click=${() => {
                  host.confirming = null;
                }}
              >
                Keep it
              </button>`
          : html`<button
              type="button"
              @click=${() => {
                host.confirming = id;
              }}
            >
              Delete
            </button>`
        : nothing
    }`;
}

const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' && value !== null && !(value instanceof Error) && 'text' in value && 'code' in value;

/** Shows what went wrong with form `key` (an API error, or a problem of the form's own); null clears it. */
function setProblem(host: CommentsHost, key: Key, error: unknown): void {
  if (error === null) host.problems.delete(key);
  else if (isProblem(error)) host.problems.set(key, error);
  else
    host.problems.set(key, { text: errorText(error), code: error instanceof ApiRequestError ? error.code : 'error' });
  host.requestUpdate();
}

/** What went wrong with form `key`, with the way out (sign in, enter the code). */
export function problem(host: CommentsHost, key: Key): TemplateResult | typeof nothing {
  const problem = host.problems.get(key);
  if (!problem) return nothing;
  const link = (label: string) =>
    html` <a href=${ACCOUNT_PATH} @click=${(event: Event) => host.ask(event)}>${label}</a>`;
  const text =
    problem.code === 'email_not_verified'
      ? 'Verify your email address first.'
      : problem.code === 'banned'
        ? 'This account is banned: it can read comments but not write them.'
        : problem.text;
  return html`<p class="error" role="alert">
    ${text}${problem.code === 'unauthorized' ? link('Sign in') : nothing}${
      problem.code === 'email_not_verified' ? link('Enter the code we mailed you') : nothing
    }
  </p>`;
}

/** What depends on the signed-in reader: one small request per view. */
export async function loadViewer(host: CommentsHost): Promise<void> {
  try {
    host.viewer = await api.call('GET /posts/:idOrSlug/comments/viewer', { params: { idOrSlug: host.postId } });
    // Their comments waiting for approval, with their badge: new threads after the others,
    // replies in their thread (nobody else's pages have them).
    for (const waiting of host.viewer.pending) {
      if (find(host, waiting.id)) continue;
      const parent = waiting.parentId === null ? undefined : thread(host, waiting.parentId);
      if (parent) parent.replies.push(waiting);
      else if (waiting.parentId === null) host.fresh = [...host.fresh, { ...waiting, replies: [] }];
    }
    // The static page is behind (the re-render of a change, the reader's own comment perhaps, is
    // under way): this reader reads the API's pages.
    if (host.viewer.total !== host.total) host.readFromApi();
  } catch {
    // Without it the reader still reads; likes and edit buttons wait for the next view.
  }
}
