import { html, nothing, type TemplateResult } from 'lit';

/** One labelled field of the account forms, with its note or its error read out under it. */
export interface AccountField {
  /** The element id (unique on the page); the note's id is `<id>-note`. */
  id: string;
  name: string;
  label: string;
  type: string;
  autocomplete: string;
  note: string;
  value: string;
  /** What is wrong with it (the API's detail), or undefined. */
  error: string | undefined;
}

/** The field as both account islands draw it (a 6-digit `code` field gets the numeric keyboard). */
export function accountField({
  id,
  name,
  label,
  type,
  autocomplete,
  note,
  value,
  error,
}: AccountField): TemplateResult {
  return html`<label for=${id}>${label}</label>
    <input
      id=${id}
      name=${name}
      type=${type}
      autocomplete=${autocomplete}
      .value=${value}
      required
      aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${`${id}-note`}
      inputmode=${name === 'code' ? 'numeric' : nothing}
      maxlength=${name === 'code' ? 6 : nothing}
    />
    <p class=${error ? 'note error' : 'note'} id=${`${id}-note`}>${error ? `${label} ${error}.` : note}</p>`;
}
