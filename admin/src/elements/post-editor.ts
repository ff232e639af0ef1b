import type { Build, CategoryOut, Me, PostDetail, PreviewLink, RevisionSummary } from '@blog/contract';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, api, errorText } from '../api.js';
import { formatDate, formatDuration } from '../format.js';
import { guardLeaving, href, navigate } from '../router.js';
import { shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import './confirm-dialog.js';
import './markdown-preview.js';

interface Draft {
  title: string;
  subtitle: string;
  slug: string;
  categoryId: string;
  body: string;
  /** '' (the site's COMMENT_MODERATION), open, first or all. */
  moderation: string;
  /** 'closed' or ''. */
  comments: string;
  /** Tag names, comma-separated as typed. */
  tags: string;
  metaDescription: string;
  customExcerpt: string;
  /** '' → the post's own address. */
  canonicalUrl: string;
  /** '' → none. */
  ogImageUrl: string;
  /** The cover's media id, or ''. */
  coverMediaId: string;
}

const EMPTY: Draft = {
  title: '',
  subtitle: '',
  slug: '',
  categoryId: '',
  body: '',
  moderation: '',
  comments: '',
  tags: '',
  metaDescription: '',
  customExcerpt: '',
  canonicalUrl: '',
  ogImageUrl: '',
  coverMediaId: '',
};
/** The tag names of the comma-separated field (the API trims and deduplicates them too). */
const tagNamesOf = (value: string) =>
  value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
const MODERATION = ['open', 'first', 'all'] as const;
const moderationOf = (value: string) => MODERATION.find((mode) => mode === value) ?? null;
/** How long after the last keystroke a draft saves itself. */
export const AUTOSAVE_MS = 3000;
const POLL_MS = 2000;
const POLL_FOR_MS = 3 * 60_000;

const draftOf = (post: PostDetail): Draft => ({
  title: post.title,
  subtitle: post.subtitle,
  slug: post.slug,
  categoryId: post.category ? String(post.category.id) : '',
  body: post.bodyMarkdown ?? '',
  moderation: post.commentModeration ?? '',
  comments: post.commentsClosed ? 'closed' : '',
  tags: post.tags.map((tag) => tag.name).join(', '),
  metaDescription: post.metaDescription,
  customExcerpt: post.customExcerpt,
  canonicalUrl: post.canonicalUrl ?? '',
  ogImageUrl: post.ogImageUrl ?? '',
  coverMediaId: post.cover ? String(post.cover.mediaId) : '',
});

/** The SEO and sharing fields as the API takes them (an empty URL field: none). */
const seoOf = (draft: Draft) => ({
  metaDescription: draft.metaDescription,
  customExcerpt: draft.customExcerpt,
  canonicalUrl: draft.canonicalUrl.trim() || null,
  ogImageUrl: draft.ogImageUrl.trim() || null,
  coverMediaId: draft.coverMediaId ? Number(draft.coverMediaId) : null,
});

const IMAGE_TYPES = 'image/jpeg,image/png,image/webp,image/avif,image/gif';

/** What the editor shows of a cover: its smallest WebP and its alt text. */
interface CoverView {
  url: string;
  width: number;
  height: number;
  alt: string;
}
const coverViewOf = (
  cover: {
    variants: { url: string; format: string; width: number; height: number }[];
    alt: string;
    url: string;
    width: number;
    height: number;
  } | null,
): CoverView | null => {
  if (!cover) return null;
  const thumb = [...cover.variants].sort((a, b) => a.width - b.width).find((v) => v.format === 'webp');
  return thumb
    ? { url: thumb.url, width: thumb.width, height: thumb.height, alt: cover.alt }
    : { url: cover.url, width: cover.width, height: cover.height, alt: cover.alt };
};

/** A `datetime-local` value (the browser's time zone) for `iso`, and back. */
const localInput = (iso: string | null) => {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : null);

const statusBadge = (status: Build['status']) => {
  const tone = status === 'done' ? 'good' : status === 'failed' ? 'bad' : 'warn';
  return html`<span class="badge ${tone}">${status}</span>`;
};

/**
 * The post editor: title, subtitle, category, slug and a Markdown body with a live preview;
 * save, publish/unpublish (then the site builds that follow, polled from the rebuild list, for
 * admins) and delete.
 */
@customElement('post-editor')
export class PostEditor extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        display: grid;
        gap: 1rem;
      }
      .fields {
        display: grid;
        gap: 1rem;
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
      }
      label.check {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        font-weight: 400;
      }
      label.check input {
        width: auto;
      }
      .columns {
        display: grid;
        gap: 1rem;
      }
      @media (min-width: 60rem) {
        .columns {
          grid-template-columns: 1fr 1fr;
        }
      }
      textarea {
        width: 100%;
        min-height: 22rem;
        font-family: var(--mono);
        font-size: 0.9375rem;
        resize: vertical;
      }
      .preview {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 0.75rem 1rem;
        min-height: 22rem;
        max-height: 70vh;
        overflow: auto;
      }
      fieldset.schedule {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: end;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 0.5rem 1rem 0.75rem;
      }
      details.history {
        margin-top: 1rem;
      }
      details.history summary {
        cursor: pointer;
        font-weight: 600;
      }
      details.history li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        margin: 0.25rem 0;
      }
      fieldset.cover {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: end;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 0.5rem 1rem 0.75rem;
      }
      .cover-now {
        display: flex;
        gap: 0.75rem;
        align-items: center;
        flex-basis: 100%;
      }
      .cover-now img {
        width: 8rem;
        height: auto;
        border-radius: 4px;
      }
      .inline-file {
        display: inline;
        font-weight: 400;
      }
      .inline-file input {
        width: auto;
      }
      details.seo {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 0.5rem 1rem;
      }
      details.seo summary {
        cursor: pointer;
        font-weight: 600;
      }
      details.seo .fields {
        margin-top: 0.75rem;
      }
      .preview h2 {
        font-size: 1rem;
        color: var(--muted);
      }
      .meta {
        color: var(--muted);
      }
      .share input {
        width: 100%;
        font-family: var(--mono);
      }
      .builds ul {
        padding-left: 1.25rem;
        margin: 0.5rem 0 0;
      }
    `,
  ];

  /** A post id, or 'new'. */
  @property({ attribute: false }) postId: number | 'new' = 'new';
  @property({ attribute: false }) me: Me | null = null;

  @state() private post: PostDetail | null = null;
  @state() private draft: Draft = EMPTY;
  @state() private categories: CategoryOut[] = [];
  @state() private loadError: string | null = null;
  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private busy = false;
  /** The builds since the last publish or unpublish (admins), polled until they finish. */
  @state() private builds: { since: number; items: Build[]; watching: boolean; note?: string } | null = null;
  /** The last secret preview link made for this draft (to share before publishing). */
  @state() private shareLink: PreviewLink | null = null;

  /** Another tab or person saved the post since it was loaded: the newer version's number. */
  @state() private conflict: { version: number } | null = null;
  /** When the draft last saved itself (it never does for a published post: that would go live). */
  @state() private autosavedAt: string | null = null;
  /** The `datetime-local` value of the schedule field. */
  @state() private scheduleAt = '';
  /** The post's saved versions, once the history is opened. */
  @state() private history: RevisionSummary[] | null = null;
  @state() private historyOpen = false;
  /** The cover as shown (the saved post's, or one just uploaded). */
  @state() private coverView: CoverView | null = null;
  /** Images on their way up (inserted into the body when they arrive). */
  @state() private uploading = 0;
  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;

  private autosaveTimer: number | undefined;
  private saving: Promise<unknown> | null = null;
  private unguard: (() => void) | null = null;
  private readonly onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!this.dirty) return;
    event.preventDefault();
    event.returnValue = '';
  };

  private pollTimer: number | undefined;

  override connectedCallback() {
    super.connectedCallback();
    // Unsaved work: the browser asks before the tab closes or reloads, the app before it moves on.
    window.addEventListener('beforeunload', this.onBeforeUnload);
    this.unguard = guardLeaving(() =>
      this.dirty ? 'This post has changes that are not saved. Leave the page and lose them?' : null,
    );
    api
      .categories()
      .then((list) => {
        this.categories = list.items;
      })
      .catch(() => {
        this.categories = [];
      });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.clearTimeout(this.pollTimer);
    window.clearTimeout(this.autosaveTimer);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.unguard?.();
    this.unguard = null;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('postId')) return;
    this.shareLink = null;
    if (this.postId === 'new') {
      this.post = null;
      this.draft = EMPTY;
    } else if (this.post?.id !== this.postId) {
      void this.load(this.postId);
    }
  }

  private async load(id: number) {
    this.loadError = null;
    try {
      const post = await api.post(id);
      this.post = post;
      this.draft = draftOf(post);
      this.coverView = coverViewOf(post.cover);
    } catch (error) {
      this.loadError = errorText(error);
    }
  }

  private get dirty(): boolean {
    const saved = this.post ? draftOf(this.post) : EMPTY;
    return JSON.stringify(saved) !== JSON.stringify(this.draft);
  }

  /**
   * Saves a draft a few seconds after typing stops (a new post once it has a title and a body);
   * a published post waits for Save, since its changes would go live.
   */
  private scheduleAutosave() {
    window.clearTimeout(this.autosaveTimer);
    if (this.post?.status === 'published' || this.conflict) return;
    this.autosaveTimer = window.setTimeout(() => void this.autosave(), AUTOSAVE_MS);
  }

  private async autosave() {
    if (!this.dirty || this.busy || this.conflict || this.post?.status === 'published') return;
    if (!this.draft.title.trim() || !this.draft.body.trim()) return;
    if (this.saving) {
      await this.saving;
      return this.scheduleAutosave();
    }
    const post = await this.save();
    if (post) this.autosavedAt = post.updatedAt;
  }

  private field(name: keyof Draft) {
    return (event: Event) => {
      const target = event.target;
      if (
        target instanceof HTMLInputElement ||
        target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement
      ) {
        const value =
          target instanceof HTMLInputElement && target.type === 'checkbox'
            ? target.checked
              ? 'closed'
              : ''
            : target.value;
        this.draft = { ...this.draft, [name]: value };
        this.scheduleAutosave();
      }
    };
  }

  /**
   * Saves the draft (with `extra`: a schedule) on the version it was loaded at; resolves with the
   * saved post, or null after showing why not. `overwrite` saves over a newer version.
   */
  private async save(
    extra: { publishAt?: string | null } = {},
    { overwrite = false }: { overwrite?: boolean } = {},
  ): Promise<PostDetail | null> {
    window.clearTimeout(this.autosaveTimer);
    const sent = this.draft;
    const work = this.write(sent, extra, overwrite);
    this.saving = work;
    try {
      return await work;
    } finally {
      if (this.saving === work) this.saving = null;
    }
  }

  private async write(sent: Draft, extra: { publishAt?: string | null }, overwrite: boolean) {
    const { title, subtitle, slug, categoryId, body, moderation, comments, tags } = sent;
    const category = categoryId ? Number(categoryId) : null;
    const commentRules = { commentModeration: moderationOf(moderation), commentsClosed: comments === 'closed' };
    try {
      const post = this.post
        ? await api.updatePost(this.post.id, {
            title,
            subtitle,
            bodyMarkdown: body,
            categoryId: category,
            tags: tagNamesOf(tags),
            ...seoOf(sent),
            ...commentRules,
            ...extra,
            ...(overwrite ? {} : { version: this.post.version }),
            ...(slug.trim() && slug.trim() !== this.post.slug ? { slug: slug.trim() } : {}),
          })
        : await api.createPost({
            title,
            subtitle,
            bodyMarkdown: body,
            categoryId: category,
            tags: tagNamesOf(tags),
            ...seoOf(sent),
            ...commentRules,
            ...(extra.publishAt ? { publishAt: extra.publishAt } : {}),
            status: 'draft',
            ...(slug.trim() ? { slug: slug.trim() } : {}),
          });
      const created = !this.post;
      this.post = post;
      this.conflict = null;
      this.history = null;
      if (this.historyOpen) void this.loadHistory(post.id);
      // What was typed while the save was on its way stays (and is saved next).
      if (this.draft === sent) {
        this.draft = draftOf(post);
        this.coverView = coverViewOf(post.cover);
      } else this.scheduleAutosave();
      if (created) navigate(href({ name: 'post', id: post.id }), { replace: true });
      return post;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'version_conflict') {
        const version = Number(error.details[0]?.version);
        this.conflict = { version: Number.isInteger(version) ? version : 0 };
        this.message = null;
        return null;
      }
      this.message = { text: errorText(error), bad: true };
      return null;
    }
  }

  /** The conflict's "keep mine": saves this tab's text over the newer version. */
  private async overwrite() {
    this.busy = true;
    const post = await this.save({}, { overwrite: true });
    if (post) this.message = { text: `Saved over the other version ${formatDate(post.updatedAt)}.`, bad: false };
    this.busy = false;
  }

  /** The conflict's "load theirs": this tab's unsaved text is dropped for the saved version. */
  private async loadLatest() {
    const post = this.post;
    if (!post) return;
    this.conflict = null;
    await this.load(post.id);
    this.message = { text: 'Loaded the latest saved version.', bad: false };
  }

  /** Schedules the post for the time in the schedule field (saving its changes with it), or cancels. */
  private async schedule(cancel: boolean) {
    const publishAt = cancel ? null : fromLocalInput(this.scheduleAt);
    if (!cancel && !publishAt) return;
    this.busy = true;
    this.message = null;
    const post = await this.save({ publishAt });
    if (post) {
      this.scheduleAt = '';
      this.message = {
        text: post.publishAt
          ? `Scheduled for ${formatDate(post.publishAt)}.`
          : 'Schedule cancelled: the post is a draft.',
        bad: false,
      };
    }
    this.busy = false;
  }

  private async loadHistory(id: number) {
    try {
      this.history = (await api.revisions(id)).items;
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  private async toggleHistory(event: Event) {
    const open = (event.target as HTMLDetailsElement).open;
    this.historyOpen = open;
    if (open && this.post) await this.loadHistory(this.post.id);
  }

  private async restore(revision: RevisionSummary) {
    const post = this.post;
    if (!post) return;
    const ok = await this.confirmDialog?.ask({
      title: `Restore version ${revision.version}?`,
      message: `The title, subtitle and body become those of “${revision.title}” as saved ${formatDate(revision.createdAt)}. The current text stays in the history.`,
      confirmLabel: 'Restore this version',
    });
    if (!ok) return;
    this.busy = true;
    try {
      const restored = await api.restoreRevision(post.id, revision.version);
      this.post = restored;
      this.draft = draftOf(restored);
      this.history = (await api.revisions(restored.id)).items;
      this.message = { text: `Restored version ${revision.version} as version ${restored.version}.`, bad: false };
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.busy = true;
    this.message = null;
    const post = await this.save();
    if (post) this.message = { text: `Saved ${formatDate(post.updatedAt)}.`, bad: false };
    this.busy = false;
  }

  private async setPublished(publish: boolean) {
    this.busy = true;
    this.message = null;
    try {
      const saved = this.dirty ? await this.save() : this.post;
      if (!saved) return;
      const post = await api.publishPost(saved.id, publish);
      this.post = post;
      this.draft = draftOf(post);
      this.message = { text: publish ? 'Published.' : 'Unpublished: the post is a draft again.', bad: false };
      this.watchBuilds(Date.parse(post.updatedAt));
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  /** Saves pending changes, then makes a secret link to the draft's page as the site will show it. */
  private async makePreviewLink() {
    this.busy = true;
    this.message = null;
    try {
      const saved = this.dirty ? await this.save() : this.post;
      if (!saved) return;
      this.shareLink = await api.previewLink(saved.id);
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  /** Puts `text` where the body's cursor is (or replaces its selection). */
  private insertIntoBody(text: string) {
    const area = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea[name="body"]');
    const body = this.draft.body;
    const start = area?.selectionStart ?? body.length;
    const end = area?.selectionEnd ?? body.length;
    const before = body.slice(0, start);
    const gap = before && !before.endsWith('\n\n') ? (before.endsWith('\n') ? '\n' : '\n\n') : '';
    const inserted = `${gap}${text}\n\n`;
    this.draft = { ...this.draft, body: `${before}${inserted}${body.slice(end)}` };
    void this.updateComplete.then(() => {
      if (!area) return;
      const at = start + inserted.length;
      area.setSelectionRange(at, at);
    });
    this.scheduleAutosave();
  }

  /** Uploads images (a file picker, a drop or a paste) and puts each into the body as Markdown. */
  private async insertImages(files: Iterable<File>) {
    for (const file of files) {
      if (!file.type.startsWith('image/')) continue;
      this.uploading++;
      this.message = { text: `Uploading “${file.name}”…`, bad: false };
      try {
        const media = await api.uploadMedia(file, file.name || 'pasted-image');
        this.insertIntoBody(media.markdown);
        this.message = {
          text: `Inserted “${media.originalName}”. Describe it between the brackets: ![what it shows](…).`,
          bad: false,
        };
      } catch (error) {
        this.message = { text: errorText(error), bad: true };
      } finally {
        this.uploading--;
      }
    }
  }

  private onPickImages(event: Event) {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.insertImages(files);
  }

  private onDragOver(event: DragEvent) {
    if ([...(event.dataTransfer?.types ?? [])].includes('Files')) event.preventDefault();
  }

  private onDrop(event: DragEvent) {
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    void this.insertImages(files);
  }

  private onPaste(event: ClipboardEvent) {
    const files = [...(event.clipboardData?.files ?? [])].filter((file) => file.type.startsWith('image/'));
    if (files.length === 0) return;
    event.preventDefault();
    void this.insertImages(files);
  }

  /** Uploads the chosen file with its alt text and makes it the cover (saved with the post). */
  private async uploadCover() {
    const fileInput = this.renderRoot.querySelector<HTMLInputElement>('input[name="cover-file"]');
    const altInput = this.renderRoot.querySelector<HTMLInputElement>('input[name="cover-alt"]');
    const file = fileInput?.files?.[0];
    const alt = altInput?.value.trim() ?? '';
    if (!file) {
      this.message = { text: 'Choose the cover image first.', bad: true };
      return;
    }
    if (!alt) {
      this.message = { text: 'Write what the cover shows (its alt text) first.', bad: true };
      altInput?.focus();
      return;
    }
    this.uploading++;
    this.message = { text: `Uploading “${file.name}”…`, bad: false };
    try {
      const media = await api.uploadMedia(file, file.name, alt);
      this.draft = { ...this.draft, coverMediaId: String(media.id) };
      this.coverView = coverViewOf({ ...media, alt: media.alt });
      if (fileInput) fileInput.value = '';
      if (altInput) altInput.value = '';
      this.message = { text: `Cover set to “${media.originalName}”. Save to keep it.`, bad: false };
      this.scheduleAutosave();
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.uploading--;
    }
  }

  private removeCover() {
    this.draft = { ...this.draft, coverMediaId: '' };
    this.coverView = null;
    this.scheduleAutosave();
  }

  private renderCover() {
    const cover = this.coverView;
    return html`<fieldset class="cover">
      <legend>Cover image</legend>
      ${
        cover && this.draft.coverMediaId
          ? html`<div class="cover-now">
              <img src=${cover.url} width=${cover.width} height=${cover.height} alt=${cover.alt} />
              <span>${cover.alt}</span>
              <button type="button" @click=${this.removeCover}>Remove cover</button>
            </div>`
          : html`<p class="hint">No cover: the post's masthead shows the site's gradient.</p>`
      }
      <label>
        Cover file
        <input type="file" name="cover-file" accept=${IMAGE_TYPES} />
      </label>
      <label>
        Cover alt text
        <input name="cover-alt" maxlength="300" aria-describedby="cover-alt-hint" />
        <span class="hint" id="cover-alt-hint">What the photo shows. Required.</span>
      </label>
      <button type="button" ?disabled=${this.uploading > 0} @click=${this.uploadCover}>Upload as cover</button>
    </fieldset>`;
  }

  private renderSaveState(post: PostDetail | null) {
    if (this.dirty) {
      const note =
        post?.status === 'published'
          ? 'Unsaved changes (a published post saves only with Save)'
          : 'Unsaved changes: saved automatically when you stop typing';
      return html`<span class="hint" data-save-state="dirty">${note}</span>`;
    }
    return this.autosavedAt
      ? html`<span class="hint" data-save-state="saved">Saved automatically ${formatDate(this.autosavedAt)}</span>`
      : nothing;
  }

  private renderSchedule(post: PostDetail | null) {
    if (post?.status === 'published') return nothing;
    const scheduled = post?.status === 'scheduled';
    return html`<fieldset class="schedule">
      <legend>${scheduled ? `Scheduled for ${formatDate(post?.publishAt)}` : 'Schedule'}</legend>
      <label>
        ${scheduled ? 'New time' : 'Publish at'}
        <input
          type="datetime-local"
          name="publish-at"
          .value=${this.scheduleAt || localInput(post?.publishAt ?? null)}
          @input=${(event: Event) => (this.scheduleAt = (event.target as HTMLInputElement).value)}
        />
      </label>
      <button type="button" ?disabled=${this.busy || !this.scheduleAt} @click=${() => this.schedule(false)}>
        ${scheduled ? 'Reschedule' : 'Schedule'}
      </button>
      ${scheduled ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.schedule(true)}>Cancel schedule</button>` : nothing}
    </fieldset>`;
  }

  private renderConflict() {
    if (!this.conflict) return nothing;
    return html`<div class="notice bad conflict" role="alert">
      <p>
        <strong>Someone saved this post meanwhile</strong> (another tab or another person: it is at version
        ${this.conflict.version}). Nothing was overwritten, and your text is still here.
      </p>
      <div class="actions">
        <button type="button" @click=${this.loadLatest}>Load their version (drop my changes)</button>
        <button type="button" class="danger" @click=${this.overwrite}>Save mine over theirs</button>
      </div>
    </div>`;
  }

  private renderHistory() {
    const history = this.history;
    return html`<details class="history" @toggle=${this.toggleHistory}>
      <summary>History: the last 20 saved versions</summary>
      ${
        history === null
          ? this.historyOpen
            ? html`<p role="status">Loading…</p>`
            : nothing
          : html`<ol>
              ${history.map(
                (revision) => html`<li>
                  <span>Version ${revision.version}: “${revision.title}”, ${formatDate(revision.createdAt)}${revision.by ? ` by ${revision.by.name}` : ''}</span>
                  ${
                    revision.version === this.post?.version
                      ? html`<span class="hint">(current)</span>`
                      : html`<button type="button" ?disabled=${this.busy} @click=${() => this.restore(revision)}>
                          Restore<span class="visually-hidden"> version ${revision.version}</span>
                        </button>`
                  }
                </li>`,
              )}
            </ol>`
      }
    </details>`;
  }

  private renderShareLink() {
    const link = this.shareLink;
    if (!link || !this.post || this.post.status === 'published') return nothing;
    return html`<div class="notice share">
      <label>
        Preview link
        <input readonly .value=${link.url} @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()} />
      </label>
      <p class="hint">
        Anyone with this link can read the draft, as it is when they open it, until ${formatDate(link.expiresAt)}.
        <a href=${link.url} target="_blank" rel="noopener">Open the preview</a>
      </p>
    </div>`;
  }

  /** Polls the rebuild list for the builds that follow a change at `since` (server time). */
  private watchBuilds(since: number) {
    window.clearTimeout(this.pollTimer);
    if (this.me?.role !== 'admin') {
      this.builds = { since, items: [], watching: false, note: 'The site is rebuilt in the background.' };
      return;
    }
    this.builds = { since, items: [], watching: true };
    const started = Date.now();
    const poll = async () => {
      const current = this.builds;
      if (!current || current.since !== since || !this.isConnected) return;
      try {
        const list = await api.rebuilds({ limit: 20 });
        // Builds recorded from one second before the change (the builder's clock is the API's).
        const items = list.items.filter((build) => Date.parse(build.createdAt) >= since - 1000).reverse();
        const settled = items.length > 0 && items.every((b) => b.status === 'done' || b.status === 'failed');
        const expired = Date.now() - started > POLL_FOR_MS;
        const note = expired && items.length === 0 ? 'No build was recorded yet: is the builder running?' : undefined;
        this.builds = { since, items, watching: !settled && !expired, note };
        if (!settled && !expired) this.pollTimer = window.setTimeout(poll, POLL_MS);
      } catch (error) {
        this.builds = { since, items: current.items, watching: false, note: errorText(error) };
      }
    };
    void poll();
  }

  private async deletePost() {
    const post = this.post;
    if (!post) return;
    const ok = await this.confirmDialog?.ask({
      title: `Delete “${post.title}”?`,
      message: 'The post and all its comments are deleted. This cannot be undone.',
      confirmLabel: 'Delete post',
      danger: true,
    });
    if (!ok) return;
    this.busy = true;
    try {
      await api.deletePost(post.id);
      navigate(href({ name: 'posts' }));
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  private renderBuilds() {
    const builds = this.builds;
    if (!builds) return nothing;
    return html`
      <div class="notice builds">
        <strong>Site build:</strong>
        ${builds.watching && builds.items.length === 0 ? html` waiting for the builder…` : nothing}
        ${
          builds.items.length
            ? html`<ul>
              ${builds.items.map(
                (build) => html`<li data-build=${build.id}>
                  #${build.id} ${statusBadge(build.status)} ${build.reason}
                  ${build.durationMs !== null ? html` · ${formatDuration(build.durationMs)}` : nothing}
                  ${build.pages !== null ? html` · ${build.pages} pages` : nothing}
                  ${build.error ? html`<div class="error">${build.error}</div>` : nothing}
                </li>`,
              )}
            </ul>`
            : nothing
        }
        ${builds.note ? html`<p>${builds.note}</p>` : nothing}
        ${this.me?.role === 'admin' ? html`<p><a href=${href({ name: 'rebuilds' })}>All builds</a></p>` : nothing}
      </div>
    `;
  }

  // One heading element in every state: focus put on it by the app stays there.
  override render() {
    return html`<p><a href=${href({ name: 'posts' })}>← Posts</a></p>
      <h1 tabindex="-1">${this.postId === 'new' ? 'New post' : 'Edit post'}</h1>
      ${this.renderBody()}`;
  }

  private renderBody() {
    if (this.loadError) return html`<p class="notice bad" role="alert">${this.loadError}</p>`;
    const post = this.post;
    if (this.postId !== 'new' && !post) return html`<p role="status">Loading…</p>`;
    const draft = this.draft;
    const published = post?.status === 'published';
    return html`
      ${
        post
          ? html`<p class="meta">
            <span class="badge ${published ? 'good' : 'warn'}" data-status>${post.status}</span>
            ${post.publishAt ? html`for ${formatDate(post.publishAt)}` : nothing}
            by ${post.author.name} · updated ${formatDate(post.updatedAt)} · version ${post.version}
            ${published ? html` · <a href="/posts/${post.slug}/">View on the site</a>` : nothing}
          </p>`
          : nothing
      }
      <form @submit=${this.onSubmit}>
        <div class="fields">
          <label>
            Title
            <input name="title" required maxlength="200" .value=${draft.title} @input=${this.field('title')} />
          </label>
          <label>
            Subtitle
            <input name="subtitle" maxlength="300" .value=${draft.subtitle} @input=${this.field('subtitle')} />
          </label>
          <label>
            Category
            <select name="category" @change=${this.field('categoryId')}>
              <option value="" ?selected=${draft.categoryId === ''}>No category</option>
              ${this.categories.map(
                (c) =>
                  html`<option value=${String(c.id)} ?selected=${draft.categoryId === String(c.id)}>${c.name}</option>`,
              )}
            </select>
          </label>
          <label>
            Tags
            <input
              name="tags"
              maxlength="1300"
              aria-describedby="tags-hint"
              autocomplete="off"
              .value=${draft.tags}
              @input=${this.field('tags')}
            />
            <span class="hint" id="tags-hint">Separated by commas, at most 20; new ones are created.</span>
          </label>
          <label>
            Slug
            <input
              name="slug"
              maxlength="100"
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              aria-describedby="slug-hint"
              .value=${draft.slug}
              @input=${this.field('slug')}
            />
            <span class="hint" id="slug-hint">Lower-case letters, digits and hyphens. Empty: made from the title.</span>
          </label>
          <label>
            Comment moderation
            <select name="moderation" @change=${this.field('moderation')}>
              <option value="" ?selected=${draft.moderation === ''}>The site's setting</option>
              <option value="open" ?selected=${draft.moderation === 'open'}>Open: visible at once</option>
              <option value="first" ?selected=${draft.moderation === 'first'}>
                First comment waits: until one of a reader's is approved
              </option>
              <option value="all" ?selected=${draft.moderation === 'all'}>Every comment waits for approval</option>
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              name="comments-closed"
              .checked=${draft.comments === 'closed'}
              @change=${this.field('comments')}
            />
            Comments closed (no new comments; the existing ones stay)
          </label>
        </div>
        ${this.renderCover()}
        <details class="seo" ?open=${!!(draft.metaDescription || draft.customExcerpt || draft.canonicalUrl || draft.ogImageUrl)}>
          <summary>SEO and sharing</summary>
          <div class="fields">
            <label>
              Meta description
              <textarea
                name="meta-description"
                maxlength="300"
                rows="3"
                aria-describedby="meta-hint"
                .value=${draft.metaDescription}
                @input=${this.field('metaDescription')}
              ></textarea>
              <span class="hint" id="meta-hint">What search engines show. Empty: the summary line or the excerpt.</span>
            </label>
            <label>
              Custom excerpt
              <textarea
                name="custom-excerpt"
                maxlength="300"
                rows="3"
                aria-describedby="excerpt-hint"
                .value=${draft.customExcerpt}
                @input=${this.field('customExcerpt')}
              ></textarea>
              <span class="hint" id="excerpt-hint">Shown in previews and the feed. Empty: the start of the body.</span>
            </label>
            <label>
              Canonical URL
              <input
                name="canonical-url"
                type="url"
                maxlength="2000"
                placeholder="https://…"
                aria-describedby="canonical-hint"
                .value=${draft.canonicalUrl}
                @input=${this.field('canonicalUrl')}
              />
              <span class="hint" id="canonical-hint">Only for a post first published elsewhere. Empty: this post's address.</span>
            </label>
            <label>
              Sharing image URL (og:image)
              <input
                name="og-image-url"
                maxlength="2000"
                placeholder="https://… or /media/…"
                aria-describedby="og-hint"
                .value=${draft.ogImageUrl}
                @input=${this.field('ogImageUrl')}
              />
              <span class="hint" id="og-hint">The picture link previews show. Empty: none.</span>
            </label>
          </div>
        </details>
        <div class="columns">
          <div class="body-field">
            <label>
              Body (Markdown)
              <textarea
                name="body"
                required
                aria-describedby="body-hint"
                .value=${draft.body}
                @input=${this.field('body')}
                @dragover=${this.onDragOver}
                @drop=${this.onDrop}
                @paste=${this.onPaste}
              ></textarea>
            </label>
            <p class="hint" id="body-hint">
              Drop or paste images into the text, or
              <label class="inline-file">
                <input type="file" name="body-images" multiple accept=${IMAGE_TYPES} @change=${this.onPickImages} />
                <span>choose images to insert</span>
              </label>.
              ${this.uploading > 0 ? html`<span role="status">Uploading…</span>` : nothing}
            </p>
          </div>
          <section class="preview" aria-labelledby="preview-heading" tabindex="0">
            <h2 id="preview-heading">Preview</h2>
            <markdown-preview .source=${draft.body}></markdown-preview>
          </section>
        </div>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this.busy}>${post ? 'Save' : 'Save draft'}</button>
          ${
            published
              ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.setPublished(false)}>Unpublish</button>`
              : html`<button type="button" ?disabled=${this.busy} @click=${() => this.setPublished(true)}>Publish</button>`
          }
          ${
            post && !published
              ? html`<button type="button" ?disabled=${this.busy} @click=${this.makePreviewLink}>Share preview link</button>`
              : nothing
          }
          ${post ? html`<button type="button" class="danger" ?disabled=${this.busy} @click=${this.deletePost}>Delete</button>` : nothing}
          ${this.renderSaveState(post)}
        </div>
        ${this.renderSchedule(post)}
      </form>
      ${this.renderConflict()}
      ${post ? this.renderHistory() : nothing}
      ${this.renderShareLink()}
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
        ${this.renderBuilds()}
      </div>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'post-editor': PostEditor;
  }
}
