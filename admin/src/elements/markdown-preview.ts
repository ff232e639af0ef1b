import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { api, errorText } from '../api.js';

/** How long typing pauses before the preview asks the server again. */
const DEBOUNCE_MS = 250;

/**
 * A live preview of a post body: the server's own HTML (POST /api/preview, the renderer and
 * sanitiser the post page uses), so what it shows is what the site will publish — tables and all.
 * Headings move down two levels under the editor's own h1 and h2 (the page outline), nothing else
 * changes.
 */
@customElement('markdown-preview')
export class MarkdownPreview extends LitElement {
  static override styles = css`
    :host {
      display: block;
      overflow-wrap: anywhere;
    }
    .body > :first-child {
      margin-top: 0;
    }
    pre {
      overflow-x: auto;
      padding: 0.75rem;
      background: var(--surface);
      border-radius: var(--radius);
    }
    code {
      font-family: var(--mono);
      font-size: 0.9em;
    }
    blockquote {
      margin: 0 0 1rem;
      padding-left: 1rem;
      border-left: 4px solid var(--border);
      color: var(--muted);
    }
    img {
      max-width: 100%;
      height: auto;
    }
    table {
      border-collapse: collapse;
    }
    th,
    td {
      border: 1px solid var(--border);
      padding: 0.25rem 0.5rem;
    }
    .problem {
      color: var(--danger, #b00020);
    }
  `;

  /** The Markdown to preview. */
  @property() source = '';

  @state() private rendered = '';
  @state() private problem = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #asked = 0;

  override updated(changed: Map<string, unknown>): void {
    if (!changed.has('source')) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#render(), this.rendered ? DEBOUNCE_MS : 0);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  async #render(): Promise<void> {
    const asked = ++this.#asked;
    if (!this.source.trim()) {
      this.rendered = '';
      this.problem = '';
      return;
    }
    try {
      const { html: body } = await api.preview(this.source);
      if (asked !== this.#asked) return;
      this.rendered = shiftHeadings(body);
      this.problem = '';
    } catch (error) {
      if (asked === this.#asked) this.problem = errorText(error);
    }
  }

  override render() {
    return html`${this.problem ? html`<p class="problem" role="status">${this.problem}</p>` : nothing}
      <div class="body">${unsafeHTML(this.rendered)}</div>`;
  }
}

/**
 * The server's HTML for the editor's page: h2…h6 moved to h4…h6 under the page's own headings,
 * and code blocks (which scroll sideways) reachable by keyboard. Inert while it is reworked: a
 * template's content runs nothing.
 */
function shiftHeadings(body: string): string {
  const template = document.createElement('template');
  template.innerHTML = body;
  for (const block of template.content.querySelectorAll('pre')) block.tabIndex = 0;
  for (const heading of template.content.querySelectorAll('h2, h3, h4, h5, h6')) {
    const level = Math.min(6, Number(heading.tagName.slice(1)) + 2);
    const moved = document.createElement(`h${level}`);
    moved.append(...heading.childNodes);
    heading.replaceWith(moved);
  }
  return template.innerHTML;
}

declare global {
  interface HTMLElementTagNameMap {
    'markdown-preview': MarkdownPreview;
  }
}
