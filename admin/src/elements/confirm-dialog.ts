import { css, html, LitElement } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { shared } from '../styles.js';

export interface ConfirmOptions {
  title: string;
  message: string;
  /** The confirm button's label, e.g. "Delete 3 comments". */
  confirmLabel: string;
  /** A destructive action: the confirm button is red. Focus always starts on Cancel. */
  danger?: boolean;
}

/** The focused element, looking through open shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}

/**
 * A modal confirmation built on `<dialog>`: `showModal()` makes the rest of the page inert,
 * Tab and Shift+Tab cycle inside it, Escape cancels, and focus returns to where it was.
 *
 * @example const ok = await this.confirm.ask({ title: 'Delete?', message: '…', confirmLabel: 'Delete' });
 */
@customElement('confirm-dialog')
export class ConfirmDialog extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: contents;
      }
      dialog {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--bg);
        color: var(--fg);
        padding: 1.25rem;
        width: min(28rem, calc(100vw - 2rem));
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.45);
      }
      .actions {
        justify-content: flex-end;
        margin-top: 1rem;
      }
    `,
  ];

  @state() private options: ConfirmOptions | null = null;
  @query('dialog') private dialog?: HTMLDialogElement;
  @query('button.cancel') private cancelButton?: HTMLButtonElement;

  private resolve: ((ok: boolean) => void) | null = null;
  private returnFocus: HTMLElement | null = null;

  /** Opens the dialog; resolves true when confirmed, false when cancelled or dismissed. */
  async ask(options: ConfirmOptions): Promise<boolean> {
    this.resolve?.(false);
    this.returnFocus = deepActiveElement();
    this.options = options;
    await this.updateComplete;
    if (this.dialog && !this.dialog.open) this.dialog.showModal();
    this.cancelButton?.focus();
    return new Promise<boolean>((resolve) => {
      this.resolve = resolve;
    });
  }

  private finish(ok: boolean) {
    if (this.dialog?.open) this.dialog.close();
    const resolve = this.resolve;
    this.resolve = null;
    this.options = null;
    this.returnFocus?.focus();
    this.returnFocus = null;
    resolve?.(ok);
  }

  /** Keeps Tab inside the dialog (showModal leaves an exit to the browser's own UI). */
  private trapTab(event: KeyboardEvent) {
    if (event.key !== 'Tab') return;
    const focusable = [...(this.dialog?.querySelectorAll<HTMLElement>('button:not(:disabled)') ?? [])];
    const first = focusable[0];
    const last = focusable.at(-1);
    const active = this.shadowRoot?.activeElement;
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first?.focus();
    }
  }

  override render() {
    const options = this.options;
    return html`
      <dialog
        aria-labelledby="confirm-title"
        aria-describedby="confirm-message"
        @cancel=${(event: Event) => {
          event.preventDefault();
          this.finish(false);
        }}
        @keydown=${this.trapTab}
      >
        <h2 id="confirm-title">${options?.title ?? ''}</h2>
        <p id="confirm-message">${options?.message ?? ''}</p>
        <div class="actions">
          <button type="button" class="cancel" @click=${() => this.finish(false)}>Cancel</button>
          <button type="button" class=${options?.danger ? 'danger confirm' : 'primary confirm'} @click=${() => this.finish(true)}>
            ${options?.confirmLabel ?? 'Confirm'}
          </button>
        </div>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confirm-dialog': ConfirmDialog;
  }
}
