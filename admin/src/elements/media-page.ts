import type { Me, MediaOut } from '@blog/contract';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formatDate } from '../format.js';
import { formPanel, shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import type { Column, ResourceTable, TableSource } from './resource-table.js';
import './confirm-dialog.js';
import './resource-table.js';

/** The smallest WebP (else fallback) variant: the library's thumbnail. */
const thumbOf = (media: MediaOut) =>
  [...media.variants].sort((a, b) => a.width - b.width).find((v) => v.format === 'webp') ?? media.variants[0];

const kilobytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * The media library (authors and admins): upload, search by name or alt text, write alt text,
 * delete (refused while a post shows the image). Images go into posts from the editor.
 */
@customElement('media-page')
export class MediaPage extends LitElement {
  static override styles = [
    shared,
    formPanel,
    css`
      .thumb {
        width: 6rem;
        height: 4rem;
        object-fit: cover;
        border-radius: 4px;
        background: var(--border);
      }
      .alt-form {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        padding: 0;
        margin: 0;
        border: 0;
      }
      .alt-form input {
        min-width: 12rem;
      }
    `,
  ];

  @property({ attribute: false }) me: Me | null = null;
  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private busy = false;
  @query('resource-table') private table?: ResourceTable;
  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;
  @query('input[name="file"]') private fileInput?: HTMLInputElement;
  @query('input[name="upload-alt"]') private altInput?: HTMLInputElement;

  private readonly source: TableSource<MediaOut> = {
    load: (q) => api.media({ q: q.q, page: q.page, limit: q.limit }),
    label: (media) => media.originalName || media.key,
  };

  private mayChange(media: MediaOut) {
    return this.me?.role === 'admin' || media.owner?.id === this.me?.id;
  }

  private readonly columns: Column<MediaOut>[] = [
    {
      key: 'image',
      label: 'Image',
      render: (m) => {
        const thumb = thumbOf(m);
        return thumb
          ? html`<img class="thumb" src=${thumb.url} width=${thumb.width} height=${thumb.height} alt=${m.alt} loading="lazy" />`
          : nothing;
      },
    },
    {
      key: 'name',
      label: 'File',
      primary: true,
      render: (m) =>
        html`${m.originalName || m.key}<br /><span class="hint">${m.width} × ${m.height}, ${kilobytes(m.bytes)}, ${formatDate(m.createdAt)}</span>`,
    },
    {
      key: 'alt',
      label: 'Alt text',
      render: (m) =>
        this.mayChange(m)
          ? html`<form class="alt-form" @submit=${(e: SubmitEvent) => this.saveAlt(e, m)}>
              <input name="alt" maxlength="300" .value=${m.alt} aria-label=${`Alt text of ${m.originalName || m.key}`} />
              <button type="submit">Save<span class="visually-hidden"> alt text of ${m.originalName || m.key}</span></button>
            </form>`
          : m.alt || html`<span class="hint">none</span>`,
    },
    {
      key: 'usedBy',
      label: 'Used by',
      numeric: true,
      render: (m) => (m.usedBy === 1 ? '1 post' : `${m.usedBy} posts`),
    },
    {
      key: 'actions',
      label: 'Actions',
      render: (m) =>
        this.mayChange(m)
          ? html`<div class="row-actions">
              <button type="button" class="danger" @click=${() => this.deleteImage(m)}>
                Delete<span class="visually-hidden"> ${m.originalName || m.key}</span>
              </button>
            </div>`
          : nothing,
    },
  ];

  private async run(work: () => Promise<string>) {
    this.busy = true;
    this.message = null;
    try {
      this.message = { text: await work(), bad: false };
      await this.table?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  private upload(event: SubmitEvent) {
    event.preventDefault();
    const file = this.fileInput?.files?.[0];
    if (!file) return;
    const alt = this.altInput?.value.trim() ?? '';
    return this.run(async () => {
      const media = await api.uploadMedia(file, file.name, alt);
      if (this.fileInput) this.fileInput.value = '';
      if (this.altInput) this.altInput.value = '';
      return `Uploaded “${media.originalName}” (${media.width} × ${media.height}, ${media.variants.length} files).`;
    });
  }

  private saveAlt(event: SubmitEvent, media: MediaOut) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).querySelector('input');
    const alt = input?.value ?? '';
    return this.run(async () => {
      const saved = await api.updateMedia(media.id, alt);
      return `Saved the alt text of “${saved.originalName || saved.key}”.`;
    });
  }

  private async deleteImage(media: MediaOut) {
    const ok = await this.confirmDialog?.ask({
      title: `Delete “${media.originalName || media.key}”?`,
      message: 'The image and all its sizes are deleted. A post that shows it keeps it: delete is refused then.',
      confirmLabel: 'Delete image',
      danger: true,
    });
    if (!ok) return;
    await this.run(async () => {
      await api.deleteMedia(media.id);
      return `Deleted “${media.originalName || media.key}”.`;
    });
  }

  override render() {
    return html`
      <h1 tabindex="-1">Media library</h1>
      <form @submit=${this.upload} aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload an image</h2>
        <label>
          Image file
          <input name="file" type="file" required accept="image/jpeg,image/png,image/webp,image/avif,image/gif" />
        </label>
        <label>
          Alt text
          <input name="upload-alt" maxlength="300" aria-describedby="upload-alt-hint" />
          <span class="hint" id="upload-alt-hint">What the image shows, for readers who cannot see it. Needed for a cover.</span>
        </label>
        <div class="actions wide">
          <button type="submit" class="primary" ?disabled=${this.busy}>Upload</button>
          <span class="hint">JPEG, PNG, WebP, AVIF or GIF (not SVG); sizes for every screen are made once, on upload.</span>
        </div>
      </form>
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
      </div>
      <resource-table
        caption="Images"
        noun="image"
        nouns="images"
        search-label="Search images"
        .source=${this.source}
        .columns=${this.columns}
      ></resource-table>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'media-page': MediaPage;
  }
}
