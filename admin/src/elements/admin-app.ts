import type { Me } from '@blog/contract';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, errorText, UNAUTHORIZED_EVENT } from '../api.js';
import { href, inAppLink, mayLeave, NAVIGATE_EVENT, navigate, parseRoute, type Route } from '../router.js';
import { shared } from '../styles.js';
import './audit-page.js';
import './categories-page.js';
import './tags-page.js';
import './import-page.js';
import './media-page.js';
import './profile-page.js';
import './comments-page.js';
import './moderation-page.js';
import './dashboard-page.js';
import './newsletter-page.js';
import './not-allowed-page.js';
import './post-editor.js';
import './posts-page.js';
import './rebuilds-page.js';
import './sign-in-form.js';
import './user-detail.js';
import './users-page.js';

type Section =
  | 'dashboard'
  | 'posts'
  | 'users'
  | 'categories'
  | 'tags'
  | 'media'
  | 'profile'
  | 'comments'
  | 'moderation'
  | 'rebuilds'
  | 'newsletter'
  | 'audit'
  | 'import';

const NAV: Array<{ section: Section; label: string; adminOnly: boolean }> = [
  { section: 'dashboard', label: 'Dashboard', adminOnly: true },
  { section: 'posts', label: 'Posts', adminOnly: false },
  { section: 'comments', label: 'Comments', adminOnly: false },
  { section: 'moderation', label: 'Moderation', adminOnly: true },
  { section: 'users', label: 'Users', adminOnly: true },
  { section: 'categories', label: 'Categories', adminOnly: true },
  { section: 'tags', label: 'Tags', adminOnly: true },
  { section: 'media', label: 'Media', adminOnly: false },
  { section: 'rebuilds', label: 'Builds', adminOnly: true },
  { section: 'newsletter', label: 'Newsletter', adminOnly: true },
  { section: 'audit', label: 'Audit log', adminOnly: true },
  { section: 'import', label: 'Import & export', adminOnly: true },
  { section: 'profile', label: 'Your author page', adminOnly: false },
];

/** The nav section a route belongs to. */
function sectionOf(route: Route): Section | null {
  switch (route.name) {
    case 'user':
      return 'users';
    case 'post':
      return 'posts';
    case 'not-found':
      return null;
    default:
      return route.name;
  }
}

const TITLES: Record<Route['name'], string> = {
  dashboard: 'Dashboard',
  users: 'Users',
  user: 'User',
  posts: 'Posts',
  post: 'Post',
  categories: 'Categories',
  tags: 'Tags',
  media: 'Media library',
  profile: 'Your author page',
  comments: 'Comments',
  moderation: 'Moderation',
  rebuilds: 'Site builds',
  newsletter: 'Newsletter',
  audit: 'Audit log',
  import: 'Import and export',
  'not-found': 'Not found',
};

/**
 * The admin single-page app: checks the session, shows the sign-in form, the "not allowed"
 * page for readers, or the admin frame with its pages (authors get only their posts).
 */
@customElement('admin-app')
export class AdminApp extends LitElement {
  static override styles = [
    shared,
    css`
      .skip {
        position: absolute;
        left: 0.5rem;
        top: -3rem;
        padding: 0.5rem 0.75rem;
        background: var(--bg);
        border-radius: var(--radius);
        z-index: 10;
      }
      .skip:focus {
        top: 0.5rem;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        padding: 0.5rem 1rem;
        border-bottom: 1px solid var(--border);
        background: var(--surface);
      }
      .brand {
        font-weight: 700;
        font-size: 1.1rem;
        color: var(--fg);
        text-decoration: none;
        margin-right: auto;
      }
      .who {
        color: var(--muted);
        font-size: 0.9375rem;
      }
      nav {
        border-bottom: 1px solid var(--border);
      }
      /* Wider screens: every section in view, on a second row where one is not enough. */
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.25rem;
        margin: 0;
        padding: 0 0.5rem;
        list-style: none;
      }
      nav a {
        display: block;
        padding: 0.7rem 0.75rem;
        color: var(--fg);
        text-decoration: none;
        white-space: nowrap;
        border-bottom: 3px solid transparent;
      }
      nav a[aria-current='page'] {
        border-bottom-color: var(--accent);
        font-weight: 700;
      }
      .menu {
        display: none;
      }
      /* Phones: the sections fold behind a Menu button (in a scrolling bar most sat off-screen, unseen). */
      @media (max-width: 47.99rem) {
        nav {
          padding: 0.5rem 1rem;
        }
        .menu {
          display: inline-flex;
        }
        nav ul {
          flex-direction: column;
          padding: 0.5rem 0 0;
        }
        nav ul:not(.open) {
          display: none;
        }
        nav a {
          border-bottom: 0;
          border-left: 3px solid transparent;
        }
        nav a[aria-current='page'] {
          border-left-color: var(--accent);
        }
      }
      main {
        padding: 1.25rem 1rem 3rem;
        max-width: 80rem;
        margin: 0 auto;
      }
      main:focus {
        outline: none;
      }
      .state {
        padding: 3rem 1rem;
        text-align: center;
      }
    `,
  ];

  /** undefined while the session is being checked; null when signed out. */
  @state() private me: Me | null | undefined = undefined;
  @state() private route: Route = parseRoute(location.pathname);
  @state() private sessionError: string | null = null;
  /** Whether the phone menu shows the sections (wider screens always show them). */
  @state() private menuOpen = false;
  @query('main') private main?: HTMLElement;
  @query('.menu') private menuButton?: HTMLButtonElement;

  private readonly onLocation = () => {
    const before = this.route;
    this.route = parseRoute(location.pathname);
    this.menuOpen = false;
    // A new post saved (perhaps by itself, mid-sentence) gets its address: the same page, focus stays.
    const saved = before.name === 'post' && before.id === 'new' && this.route.name === 'post';
    if (!saved) void this.focusPage();
  };
  private readonly onUnauthorized = () => {
    this.me = null;
  };
  private readonly onClick = (event: MouseEvent) => {
    const path = inAppLink(event);
    if (path === null) return;
    event.preventDefault();
    if (path !== location.pathname + location.search + location.hash && mayLeave()) navigate(path);
  };

  override connectedCallback() {
    super.connectedCallback();
    // index.html's "Loading…" placeholder: the shadow root has no slot, so it only lingers in the DOM.
    this.replaceChildren();
    window.addEventListener('popstate', this.onLocation);
    window.addEventListener(NAVIGATE_EVENT, this.onLocation);
    window.addEventListener(UNAUTHORIZED_EVENT, this.onUnauthorized);
    this.addEventListener('click', this.onClick);
    void this.checkSession();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onLocation);
    window.removeEventListener(NAVIGATE_EVENT, this.onLocation);
    window.removeEventListener(UNAUTHORIZED_EVENT, this.onUnauthorized);
    this.removeEventListener('click', this.onClick);
  }

  private async checkSession() {
    try {
      this.me = (await api.session()).user;
      this.sessionError = null;
    } catch (error) {
      this.sessionError = errorText(error);
    }
  }

  private async signOut() {
    try {
      await api.logout();
    } catch {
      // Signed out already, or the API is away: the form is what the user wants next either way.
    }
    this.me = null;
  }

  /** Folds the phone menu; focus goes back to its button, since the links it was on disappear. */
  private closeMenu() {
    if (!this.menuOpen) return;
    this.menuOpen = false;
    this.menuButton?.focus();
  }

  /** After navigating, move focus to the new page's heading (what a page load would announce). */
  private async focusPage() {
    await this.updateComplete;
    const page = this.main?.firstElementChild;
    if (page instanceof LitElement) await page.updateComplete;
    const heading = page?.shadowRoot?.querySelector('h1') ?? null;
    if (heading instanceof HTMLElement) heading.focus();
    else this.main?.focus();
  }

  protected override updated() {
    const route = this.route;
    const title = this.me === null ? 'Sign in' : TITLES[route.name];
    document.title = `${title} · Blog admin`;
  }

  /** The page for the route; authors only reach their posts and the editor. */
  private renderPage(me: Me): TemplateResult {
    const route = this.route;
    const admin = me.role === 'admin';
    if (!admin && !['posts', 'post', 'dashboard', 'comments', 'profile', 'media'].includes(route.name)) {
      return html`<section>
        <h1 tabindex="-1">Admins only</h1>
        <p>This page is for admins. As an author you can write and publish <a href=${href({ name: 'posts' })}>your posts</a>.</p>
      </section>`;
    }
    switch (route.name) {
      case 'dashboard':
        return admin ? html`<dashboard-page></dashboard-page>` : html`<posts-page .me=${me}></posts-page>`;
      case 'users':
        return html`<users-page></users-page>`;
      case 'user':
        return html`<user-detail .userId=${route.id} .selfId=${me.id}></user-detail>`;
      case 'posts':
        return html`<posts-page .me=${me}></posts-page>`;
      case 'post':
        return html`<post-editor .postId=${route.id} .me=${me}></post-editor>`;
      case 'categories':
        return html`<categories-page></categories-page>`;
      case 'tags':
        return html`<tags-page></tags-page>`;
      case 'profile':
        return html`<profile-page></profile-page>`;
      case 'media':
        return html`<media-page .me=${me}></media-page>`;
      case 'comments':
        return html`<comments-page .me=${me}></comments-page>`;
      case 'moderation':
        return html`<moderation-page></moderation-page>`;
      case 'rebuilds':
        return html`<rebuilds-page></rebuilds-page>`;
      case 'newsletter':
        return html`<newsletter-page></newsletter-page>`;
      case 'audit':
        return html`<audit-page></audit-page>`;
      case 'import':
        return html`<import-page></import-page>`;
      case 'not-found':
        return html`<section>
          <h1 tabindex="-1">Page not found</h1>
          <p><a href=${href({ name: 'dashboard' })}>Go to the start page</a></p>
        </section>`;
    }
  }

  override render() {
    const me = this.me;
    if (this.sessionError) {
      return html`<main class="state">
        <h1>Cannot reach the server</h1>
        <p class="error" role="alert">${this.sessionError}</p>
        <button type="button" @click=${() => this.checkSession()}>Try again</button>
      </main>`;
    }
    if (me === undefined) return html`<main class="state" aria-busy="true"><p role="status">Loading…</p></main>`;
    if (me === null) {
      return html`<main>
        <sign-in-form
          @signed-in=${(event: CustomEvent<Me>) => {
            this.me = event.detail;
            void this.focusPage();
          }}
        ></sign-in-form>
      </main>`;
    }
    if (me.role === 'user') {
      return html`<main><not-allowed-page .user=${me} @sign-out=${this.signOut}></not-allowed-page></main>`;
    }
    const current = sectionOf(this.route);
    const home = me.role === 'admin' ? 'dashboard' : 'posts';
    return html`
      <a
        class="skip"
        href="#main"
        @click=${(event: Event) => {
          event.preventDefault();
          this.main?.focus();
        }}
        >Skip to content</a
      >
      <header>
        <a class="brand" href=${href({ name: 'dashboard' })}>Blog admin</a>
        <span class="who">${me.name} · ${me.role}</span>
        <button type="button" @click=${this.signOut}>Sign out</button>
      </header>
      <nav
        aria-label="Admin sections"
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === 'Escape') this.closeMenu();
        }}
      >
        <button
          type="button"
          class="menu"
          aria-expanded=${this.menuOpen ? 'true' : 'false'}
          aria-controls="sections"
          @click=${() => {
            this.menuOpen = !this.menuOpen;
          }}
        >
          <span aria-hidden="true">☰</span> Menu
        </button>
        <ul id="sections" class=${this.menuOpen ? 'open' : ''} @click=${this.closeMenu}>
          ${NAV.filter((item) => me.role === 'admin' || !item.adminOnly).map(
            (item) =>
              html`<li>
                <a
                  href=${href({ name: item.section })}
                  aria-current=${current === item.section || (item.section === home && current === 'dashboard') ? 'page' : nothing}
                  >${item.section === 'posts' && me.role !== 'admin' ? 'Your posts' : item.label}</a
                >
              </li>`,
          )}
          <li><a href="/">View the blog</a></li>
        </ul>
      </nav>
      <main id="main" tabindex="-1">${this.renderPage(me)}</main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'admin-app': AdminApp;
  }
}
