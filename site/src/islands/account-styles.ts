// The look of the account forms, shared by <blog-account> and <blog-account-settings>.
import { css } from 'lit';

export const accountStyles = css`
  :host {
    font-family: var(--sans);
  }
  .trigger {
    font: inherit;
    font-weight: 600;
    color: inherit;
    background: none;
    border: 0;
    padding: 0;
    cursor: pointer;
  }
  .trigger:hover {
    text-decoration: underline;
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  dialog {
    box-sizing: border-box;
    width: min(26rem, calc(100% - 2rem));
    padding: 1.5rem;
    border: 1px solid var(--rule);
    border-radius: 8px;
    color: var(--fg);
    background: var(--bg);
    text-align: left;
    font-size: 1rem;
    line-height: 1.5;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.55);
  }
  h2 {
    margin: 0 0 1rem;
    font-size: 1.35rem;
  }
  label {
    display: block;
    margin-top: 0.75rem;
    font-weight: 600;
  }
  input {
    display: block;
    box-sizing: border-box;
    width: 100%;
    margin-top: 0.25rem;
    padding: 0.5rem;
    font: inherit;
    color: inherit;
    background: var(--bg);
    border: 1px solid var(--muted);
    border-radius: 4px;
  }
  input[aria-invalid='true'] {
    border-color: var(--focus);
  }
  p {
    margin: 0.5rem 0;
  }
  .note {
    margin: 0.2rem 0 0;
    font-size: 0.85rem;
    color: var(--muted);
  }
  .error {
    color: var(--focus);
    font-weight: 600;
  }
  .note.error {
    color: var(--focus);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 1rem;
  }
  button:not(.trigger),
  .provider {
    font: inherit;
    padding: 0.45rem 1rem;
    border: 1px solid var(--muted);
    border-radius: 4px;
    color: var(--fg);
    background: var(--bg);
    cursor: pointer;
    text-decoration: none;
  }
  button[type='submit'] {
    color: var(--bg);
    background: var(--accent);
    border-color: var(--accent);
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  .link {
    border-color: transparent !important;
    color: var(--accent) !important;
    padding-inline: 0 !important;
  }
  ul {
    list-style: none;
    margin: 1rem 0 0;
    padding: 0;
  }
  .provider {
    display: block;
    margin-top: 0.5rem;
    text-align: center;
  }
  section {
    margin-top: 2rem;
    padding-top: 1rem;
    border-top: 1px solid var(--rule);
  }
  h3 {
    margin: 0 0 0.5rem;
    font-size: 1.15rem;
  }
  .sessions li {
    margin: 0.5rem 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: baseline;
    justify-content: space-between;
  }
  .warning {
    border-left: 4px solid var(--focus);
    padding-left: 0.75rem;
  }
`;
