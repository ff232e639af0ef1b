import { css } from 'lit';

/** Rules every element shares (buttons, fields, messages), built on admin.css's custom properties. */
export const shared = css`
  :host {
    display: block;
  }
  [hidden] {
    display: none !important;
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  h1,
  h2,
  h3 {
    line-height: 1.25;
    margin: 0 0 0.75rem;
  }
  h1 {
    font-size: 1.5rem;
  }
  h2 {
    font-size: 1.2rem;
  }
  h1:focus {
    outline: none;
  }
  a {
    color: var(--accent);
  }
  p {
    margin: 0 0 0.75rem;
  }
  button,
  .button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    min-height: 2.5rem;
    padding: 0.4rem 0.9rem;
    border: 1px solid var(--border);
    border-radius: var(--radius);
    background: var(--surface);
    color: var(--fg);
    cursor: pointer;
    text-decoration: none;
  }
  button:hover:not(:disabled) {
    border-color: var(--fg);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button.primary,
  .button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--accent-fg);
  }
  button.danger {
    background: var(--danger);
    border-color: var(--danger);
    color: var(--danger-fg);
  }
  button.link {
    min-height: auto;
    padding: 0;
    border: 0;
    background: none;
    color: var(--accent);
    text-decoration: underline;
  }
  label {
    display: grid;
    gap: 0.25rem;
    /* A label stretched by its grid row keeps its text, field and hint together at the top. */
    align-content: start;
    font-weight: 600;
  }
  input,
  select,
  textarea {
    font: inherit;
    font-weight: 400;
    min-height: 2.5rem;
    padding: 0.4rem 0.6rem;
    border: 1px solid var(--border);
    border-radius: var(--radius);
    background: var(--bg);
    color: var(--fg);
    max-width: 100%;
  }
  input[type='checkbox'] {
    min-height: auto;
    width: 1.25rem;
    height: 1.25rem;
    margin: 0;
  }
  .hint {
    font-weight: 400;
    font-size: 0.875rem;
    color: var(--muted);
  }
  .error {
    color: var(--danger);
    font-weight: 600;
  }
  .notice {
    padding: 0.6rem 0.8rem;
    border: 1px solid var(--border);
    border-left: 4px solid var(--accent);
    border-radius: var(--radius);
    background: var(--surface);
    margin: 0 0 1rem;
  }
  .notice.bad {
    border-left-color: var(--danger);
  }
  .notice.good {
    border-left-color: var(--ok);
  }
  .badge {
    display: inline-block;
    padding: 0 0.5rem;
    border-radius: 999px;
    border: 1px solid currentColor;
    font-size: 0.8125rem;
    white-space: nowrap;
  }
  .badge.good {
    color: var(--ok);
  }
  .badge.bad {
    color: var(--danger);
  }
  .badge.warn {
    color: var(--warn);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  /* Cells of resource tables that pages render. */
  .row-actions {
    display: flex;
    gap: 0.4rem;
    flex-wrap: wrap;
  }
  .row-actions button {
    min-height: 2.25rem;
    padding: 0.2rem 0.6rem;
  }
  .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-width: 40rem;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

/** A form as a bordered panel of fields in a grid (a heading and `.wide` fields span the row). */
export const formPanel = css`
  form {
    display: grid;
    gap: 0.75rem;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    align-items: end;
    padding: 1rem;
    margin-bottom: 1.5rem;
    border: 1px solid var(--border);
    border-radius: var(--radius);
  }
  form h2,
  form .wide {
    grid-column: 1 / -1;
    margin: 0;
  }
  textarea {
    width: 100%;
    min-height: 4rem;
  }
`;
