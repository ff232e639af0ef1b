// Types only: the contract's values would bring zod into the bundle.
import type { ImportFormat, ImportReport } from '@blog/contract';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { shared } from '../styles.js';

const FORMAT_LABELS: Record<ImportFormat, string> = {
  wxr: 'WordPress (WXR .xml)',
  ghost: 'Ghost (JSON export)',
  markdown: 'Markdown files with front matter',
  archive: 'This blog’s archive (JSON)',
};
const FORMATS = Object.keys(FORMAT_LABELS) as ImportFormat[];

/** Import from WordPress, Ghost, Markdown or an archive (progress as it goes, then the report); export the site. */
@customElement('import-page')
export class ImportPage extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        display: grid;
        gap: 0.75rem;
        max-width: 36rem;
        margin-bottom: 1rem;
      }
      progress {
        width: 100%;
        max-width: 36rem;
        height: 1rem;
      }
      .downloads {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
      }
      td.message {
        overflow-wrap: anywhere;
      }
    `,
  ];

  @state() private busy = false;
  @state() private progress: { done: number; total: number } | null = null;
  @state() private report: ImportReport | null = null;
  @state() private error: string | null = null;

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const format = String(data.get('format') ?? '');
    const filesOf = (name: string) => [...((form.elements.namedItem(name) as HTMLInputElement | null)?.files ?? [])];
    const picked = [...filesOf('file'), ...filesOf('folder')];
    if (picked.length === 0) {
      this.error = 'Choose an export file or a folder of Markdown files.';
      return;
    }
    this.busy = true;
    this.error = null;
    this.report = null;
    this.progress = { done: 0, total: 0 };
    try {
      this.report = await api.importSite(
        picked.map((file) => ({ file, name: file.webkitRelativePath || file.name })),
        (FORMATS as string[]).includes(format) ? (format as ImportFormat) : undefined,
        (line) => {
          if (line.type === 'progress') this.progress = { done: line.done, total: line.total };
        },
      );
      form.reset();
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
    }
  }

  private renderReport(report: ImportReport) {
    const { imported } = report;
    return html`
      <h2>Imported</h2>
      <p class="notice good">
        ${imported.posts} of ${report.total} posts, ${imported.comments} comments, ${imported.users} users,
        ${imported.categories} categories${imported.likes ? `, ${imported.likes} likes` : ''}. The site rebuilds now.
        ${report.countDrift ? ` The recount repaired ${report.countDrift} counters.` : ''}
      </p>
      ${
        report.skipped.length
          ? html`<table>
              <caption>Skipped (${report.skipped.length}): each item was left out whole</caption>
              <thead><tr><th scope="col">Item</th><th scope="col">Source</th><th scope="col">Reason</th><th scope="col">Details</th></tr></thead>
              <tbody>
                ${report.skipped.map(
                  (issue) =>
                    html`<tr><td>${issue.kind}</td><td>${issue.ref}</td><td>${issue.reason}</td><td class="message">${issue.message}</td></tr>`,
                )}
              </tbody>
            </table>`
          : html`<p>Nothing was skipped.</p>`
      }
      ${
        report.warnings.length
          ? html`<details>
              <summary>${report.warnings.length} imported with changes</summary>
              <ul>${report.warnings.map((w) => html`<li>${w.kind} ${w.ref}: ${w.message}</li>`)}</ul>
            </details>`
          : nothing
      }
    `;
  }

  override render() {
    const progress = this.progress;
    return html`
      <h1 tabindex="-1">Import and export</h1>
      <h2>Export</h2>
      <p>The whole site as one file: users (never passwords), categories, tags, posts, comments and likes.</p>
      <p class="downloads">
        <a class="button" href="/api/admin/export?format=json" download>Download the archive (JSON)</a>
        <a class="button" href="/api/admin/export?format=markdown" download>Download the posts as Markdown (.tar)</a>
      </p>
      <h2>Import</h2>
      <p class="hint">
        Posts whose address already exists are skipped, so an import can be run again. For WordPress, choose the
        export file and, to bring its images into the media library, its <code>wp-content/uploads</code> folder
        (for large sites: <code>npm run import -- export.xml --uploads wp-content/uploads</code>).
      </p>
      <form @submit=${this.submit}>
        <label>
          Format
          <select name="format">
            <option value="">Recognise from the file</option>
            ${FORMATS.map((format) => html`<option value=${format}>${FORMAT_LABELS[format]}</option>`)}
          </select>
        </label>
        <label>Export file <input type="file" name="file" accept=".xml,.json,.md,.markdown,.mdx" /></label>
        <label>Or a folder: Markdown files, or a WordPress uploads folder <input type="file" name="folder" webkitdirectory multiple /></label>
        <div><button type="submit" class="primary" ?disabled=${this.busy}>Import</button></div>
      </form>
      <div role="status" aria-live="polite">
        ${
          progress && this.busy
            ? html`<label>
                ${progress.total ? `${progress.done} of ${progress.total} posts` : 'Reading the file…'}
                <progress max=${progress.total || 1} .value=${progress.total ? progress.done : 0}></progress>
              </label>`
            : nothing
        }
        ${this.error ? html`<p class="notice bad">${this.error}</p>` : nothing}
      </div>
      ${this.report ? this.renderReport(this.report) : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'import-page': ImportPage;
  }
}
