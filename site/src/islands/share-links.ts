/**
 * "Copy link" (the Clipboard API) and "Share…" (the Web Share API: a phone's share sheet) under a
 * post. The markup comes with the page, its room kept but invisible (so nothing below it moves
 * when it shows); each button is shown only where the browser can do what it says, and the row
 * only when one of them is. The words come from the markup (`data-done`, `data-failed`), so the
 * page's language is the only place they are written.
 */
export class ShareLinks extends HTMLElement {
  connectedCallback(): void {
    const url = this.dataset.url || location.href;
    const title = this.dataset.title || document.title;
    const status = this.querySelector<HTMLElement>('[data-status]');
    const copy = this.querySelector<HTMLButtonElement>('button[data-copy]');
    const share = this.querySelector<HTMLButtonElement>('button[data-share]');
    const say = (text: string | undefined) => {
      if (status) status.textContent = text ?? '';
    };
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.onclick = () =>
        navigator.clipboard.writeText(url).then(
          () => say(copy.dataset.done),
          () => say(copy.dataset.failed),
        );
    }
    if (share && typeof navigator.share === 'function') {
      share.hidden = false;
      // Dismissing the share sheet rejects: nothing to say then.
      share.onclick = () => navigator.share({ title, url }).catch(() => undefined);
    }
    this.classList.toggle('ready', !copy?.hidden || !share?.hidden);
  }
}

customElements.define('share-links', ShareLinks);

declare global {
  interface HTMLElementTagNameMap {
    'share-links': ShareLinks;
  }
}
