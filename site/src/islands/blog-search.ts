/**
 * The header's search (components/SearchDialog.astro). It turns the "Search" link into a button
 * that opens the modal dialog, also on "/" (outside a text field) and on Ctrl+K / ⌘K, and searches
 * the posts in the browser with Pagefind's JS API over the index the build writes
 * (scripts/search-index.ts). Nothing of the search loads until the dialog first opens: then
 * /pagefind/pagefind.js (a dynamic import, so no page pays for it otherwise) and the manifest
 * saying which delta index to merge and which base pages to leave out.
 *
 * Pagefind's own UI is not used: it is ~30 KB gzip more and writes its results with innerHTML;
 * here a result's title is text and its excerpt keeps only Pagefind's <mark> highlights.
 */

const BUNDLE = '/pagefind/';
/** Results shown at a time ("More results" shows the next ones). */
const PAGE = 10;
/** Quiet time after a keystroke before searching. */
const DEBOUNCE_MS = 150;

/** The part of Pagefind's JS API this uses (https://pagefind.app/docs/api/). */
interface Pagefind {
  options(options: { excerptLength?: number }): Promise<void>;
  mergeIndex(path: string): Promise<void>;
  search(term: string): Promise<{ results: PagefindResult[] } | null>;
}
interface PagefindResult {
  id: string;
  data(): Promise<unknown>;
}
interface Found {
  url: string;
  title: string;
  excerpt: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isPagefind = (module: unknown): module is Pagefind =>
  isObject(module) && ['options', 'mergeIndex', 'search'].every((name) => typeof module[name] === 'function');

/** scripts/search-index.ts's SearchManifest, checked. */
function manifestOf(json: unknown): { delta: string | null; hidden: Set<string> } {
  if (!isObject(json)) throw new Error('bad search manifest');
  const delta = typeof json.delta === 'string' && json.delta.startsWith(BUNDLE) ? json.delta : null;
  const hidden = Array.isArray(json.hidden) ? json.hidden.filter((id) => typeof id === 'string') : [];
  return { delta, hidden: new Set(hidden) };
}

/** A result's data as shown, or null when it is not what Pagefind gives (or leaves the site). */
function foundOf(data: unknown): Found | null {
  if (!isObject(data) || typeof data.url !== 'string' || !/^\/(?!\/)/.test(data.url)) return null;
  const title = isObject(data.meta) && typeof data.meta.title === 'string' ? data.meta.title : data.url;
  return { url: data.url, title, excerpt: typeof data.excerpt === 'string' ? data.excerpt : '' };
}

/** Pagefind's excerpt (escaped text with <mark> around the matches) as text nodes and <mark>s only. */
function excerptNodes(html: string): Node[] {
  // DOMParser's document is inert: nothing in it loads or runs.
  const parsed = new DOMParser().parseFromString(html, 'text/html').body;
  return [...parsed.childNodes].map((node) => {
    if (node.nodeName !== 'MARK') return document.createTextNode(node.textContent ?? '');
    const mark = document.createElement('mark');
    mark.textContent = node.textContent;
    return mark;
  });
}

/** Whether a key press is typing (a field or editable text, in a shadow root too). */
function typing(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0];
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

export class BlogSearch extends HTMLElement {
  private loading: Promise<{ pagefind: Pagefind; hidden: Set<string> }> | null = null;
  /** The latest search: an older one's answer arriving late is dropped. */
  private generation = 0;
  private hits: PagefindResult[] = [];
  private shown = 0;
  /** The URLs listed for the current search: a page is listed once. */
  private listed = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  private readonly onKey = (event: KeyboardEvent) => {
    const dialog = this.querySelector('dialog');
    if (!dialog || dialog.open || event.defaultPrevented || event.altKey) return;
    const modifier = event.ctrlKey || event.metaKey;
    const slash = event.key === '/' && !modifier && !typing(event);
    if (slash || (modifier && !event.shiftKey && event.key.toLowerCase() === 'k')) {
      event.preventDefault();
      this.open();
    }
  };

  connectedCallback(): void {
    const dialog = this.querySelector('dialog');
    const button = this.querySelector<HTMLButtonElement>('[data-open]');
    const input = this.querySelector('input');
    const more = this.querySelector<HTMLButtonElement>('[data-more]');
    if (!dialog || !button || !input || !more) return;
    const fallback = this.querySelector<HTMLElement>('[data-fallback]');
    if (fallback) fallback.hidden = true;
    button.hidden = false;
    button.addEventListener('click', () => this.open());
    this.querySelector('[data-close]')?.addEventListener('click', () => dialog.close());
    // A click on the backdrop (outside the dialog's box) closes it, as Escape does.
    dialog.addEventListener('click', (event) => {
      const box = dialog.getBoundingClientRect();
      const outside =
        event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom;
      if (event.target === dialog && outside) dialog.close();
    });
    this.querySelector('form')?.addEventListener('submit', (event) => {
      event.preventDefault();
      clearTimeout(this.timer);
      void this.search(input.value);
    });
    // Escape in a search field would clear it first: here it closes the dialog, the words kept.
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      dialog.close();
    });
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.search(input.value), DEBOUNCE_MS);
    });
    more.addEventListener('click', () => void this.showMore(this.generation, true));
    document.addEventListener('keydown', this.onKey);
    if (this.dataset.openAtLoad !== undefined) {
      input.value = new URLSearchParams(location.search).get('q') ?? '';
      this.open();
    }
  }

  disconnectedCallback(): void {
    document.removeEventListener('keydown', this.onKey);
  }

  /** Opens the dialog with the focus in its field, and starts loading the search. */
  open(): void {
    const dialog = this.querySelector('dialog');
    const input = this.querySelector('input');
    if (!dialog || !input) return;
    if (!dialog.open) dialog.showModal();
    input.focus();
    if (input.value.trim()) void this.search(input.value);
    else this.load().catch(() => this.say('failed'));
  }

  /** Pagefind with this release's delta merged in, and the base pages to leave out; once. */
  private load() {
    this.loading ??= (async () => {
      // A URL in a variable: the bundler leaves the import as it is (no preload helper, no chunk).
      const script = `${BUNDLE}pagefind.js`;
      const [module, manifest] = await Promise.all([
        import(/* @vite-ignore */ script) as Promise<unknown>,
        fetch(`${BUNDLE}search.json`, { cache: 'no-store' }).then((res) => {
          if (!res.ok) throw new Error(`search manifest: ${res.status}`);
          return res.json() as Promise<unknown>;
        }),
      ]);
      if (!isPagefind(module)) throw new Error('/pagefind/pagefind.js is not Pagefind');
      const { delta, hidden } = manifestOf(manifest);
      await module.options({ excerptLength: 24 });
      if (delta) await module.mergeIndex(delta);
      return { pagefind: module, hidden };
    })();
    // A failed load is tried again on the next search.
    this.loading.catch(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private say(key: 'loading' | 'failed' | 'none' | 'one' | 'many' | '', query = '', count = 0): void {
    const status = this.querySelector<HTMLElement>('[data-status]');
    if (!status) return;
    const text = key ? (status.dataset[key] ?? '') : '';
    status.textContent = text.replace('{query}', query).replace('{count}', String(count));
  }

  private async search(term: string): Promise<void> {
    const generation = ++this.generation;
    const query = term.trim();
    const list = this.querySelector('[data-results]');
    const more = this.querySelector<HTMLButtonElement>('[data-more]');
    if (!list || !more) return;
    if (!query) {
      list.replaceChildren();
      more.hidden = true;
      this.say('');
      return;
    }
    let loaded: Awaited<ReturnType<BlogSearch['load']>>;
    try {
      const loading = this.load();
      // Said only while the first load is under way: once loaded, a microtask away.
      const slow = setTimeout(() => this.say('loading'), 100);
      loaded = await loading.finally(() => clearTimeout(slow));
    } catch {
      if (generation === this.generation) this.say('failed');
      return;
    }
    const response = await loaded.pagefind.search(query);
    if (generation !== this.generation || !response) return;
    // The delta replaces some base pages; a page whose indexed text did not change is in both.
    const seen = new Set<string>();
    this.hits = response.results.filter((result) => {
      if (loaded.hidden.has(result.id) || seen.has(result.id)) return false;
      seen.add(result.id);
      return true;
    });
    this.shown = 0;
    this.listed = new Set();
    list.replaceChildren();
    await this.showMore(generation, false);
    if (generation !== this.generation) return;
    const count = this.hits.length;
    this.say(count === 0 ? 'none' : count === 1 ? 'one' : 'many', query, count);
  }

  /** Adds the next PAGE results; after "More results", the focus goes to the first of them. */
  private async showMore(generation: number, focus: boolean): Promise<void> {
    const list = this.querySelector('[data-results]');
    const more = this.querySelector<HTMLButtonElement>('[data-more]');
    if (!list || !more) return;
    const batch = this.hits.slice(this.shown, this.shown + PAGE);
    this.shown += batch.length;
    const found = (await Promise.all(batch.map((result) => result.data()))).map(foundOf);
    if (generation !== this.generation) return;
    const items = found.flatMap((result) => {
      if (!result || this.listed.has(result.url)) return [];
      this.listed.add(result.url);
      return [this.item(result)];
    });
    list.append(...items);
    more.hidden = this.shown >= this.hits.length;
    if (focus) items[0]?.querySelector('a')?.focus();
  }

  private item({ url, title, excerpt }: Found): HTMLLIElement {
    const item = document.createElement('li');
    item.className = 'search-hit';
    const link = document.createElement('a');
    link.href = url;
    const heading = document.createElement('span');
    heading.className = 'search-title';
    heading.textContent = title;
    const text = document.createElement('span');
    text.className = 'search-excerpt';
    text.append(...excerptNodes(excerpt));
    link.append(heading, text);
    item.append(link);
    return item;
  }
}

customElements.define('blog-search', BlogSearch);

declare global {
  interface HTMLElementTagNameMap {
    'blog-search': BlogSearch;
  }
}
