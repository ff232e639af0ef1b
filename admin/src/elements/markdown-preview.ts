import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { type Block, type Inline, parseMarkdown } from '../markdown.js';

const inline = (nodes: Inline[]): TemplateResult[] => nodes.map(inlineNode);

function inlineNode(node: Inline): TemplateResult {
  switch (node.type) {
    case 'text':
      return html`${node.text}`;
    case 'code':
      return html`<code>${node.text}</code>`;
    case 'strong':
      return html`<strong>${inline(node.children)}</strong>`;
    case 'em':
      return html`<em>${inline(node.children)}</em>`;
    case 'link':
      return html`<a href=${node.href} rel="noopener noreferrer nofollow">${inline(node.children)}</a>`;
    case 'image':
      return html`<img src=${node.src} alt=${node.alt} loading="lazy" referrerpolicy="no-referrer" />`;
  }
}

function block(node: Block): TemplateResult {
  switch (node.type) {
    case 'heading': {
      const content = inline(node.children);
      // Preview headings start at h3: the page already has h1 and h2.
      if (node.level === 1) return html`<h3 class="h1">${content}</h3>`;
      if (node.level === 2) return html`<h4 class="h2">${content}</h4>`;
      if (node.level === 3) return html`<h5 class="h3">${content}</h5>`;
      return html`<h6>${content}</h6>`;
    }
    case 'paragraph':
      return html`<p>${inline(node.children)}</p>`;
    case 'code':
      return html`<pre tabindex="0"><code>${node.text}</code></pre>`;
    case 'quote':
      return html`<blockquote>${node.children.map(block)}</blockquote>`;
    case 'list':
      return node.ordered
        ? html`<ol start=${node.start}>${node.items.map((item) => html`<li>${inline(item)}</li>`)}</ol>`
        : html`<ul>${node.items.map((item) => html`<li>${inline(item)}</li>`)}</ul>`;
    case 'rule':
      return html`<hr />`;
  }
}

/**
 * A live preview of Markdown source. The source is parsed into a tree (../markdown.ts) and
 * rendered with Lit templates: text is always a text node, so raw HTML in the source shows as
 * text and cannot run; links keep only http(s), mailto and relative URLs.
 */
@customElement('markdown-preview')
export class MarkdownPreview extends LitElement {
  static override styles = css`
    :host {
      display: block;
      overflow-wrap: anywhere;
    }
    :host > :first-child {
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
    }
    .h1 {
      font-size: 1.5rem;
    }
    .h2 {
      font-size: 1.25rem;
    }
    .h3 {
      font-size: 1.1rem;
    }
    a {
      color: var(--accent);
    }
    .empty {
      color: var(--muted);
    }
  `;

  /** The Markdown source. */
  @property() source = '';

  override render() {
    const blocks = parseMarkdown(this.source);
    return blocks.length ? blocks.map(block) : html`<p class="empty">Nothing to preview yet.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'markdown-preview': MarkdownPreview;
  }
}
