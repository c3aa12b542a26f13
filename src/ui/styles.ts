import { css } from 'lit';

/**
 * A visible keyboard focus ring, the same in every component (a shadow root gets none of the
 * page's styles). Only for keyboard focus (`:focus-visible`): a mouse click shows no ring.
 */
export const focusRing = css`
  :focus-visible {
    outline: 2px solid #2457d6;
    outline-offset: 2px;
  }
`;

/** The panels' shared look: card, headings, buttons, tables, text colours, file buttons. */
export const panel = css`
  ${focusRing}
  :host {
    display: block;
  }
  .panel {
    background: #fff;
    border: 1px solid #dde1e8;
    border-radius: 10px;
    padding: 14px 16px;
  }
  h2 {
    font-size: 13px;
    text-transform: uppercase;
    letter-spacing: 0.06em;
    color: #5b6475;
    margin: 0 0 10px;
  }
  button {
    font: inherit;
    border: 1px solid #b9c2d0;
    background: #fff;
    border-radius: 7px;
    padding: 6px 12px;
    cursor: pointer;
  }
  button.primary {
    background: #2457d6;
    border-color: #2457d6;
    color: #fff;
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 13px;
  }
  th,
  td {
    text-align: left;
    padding: 4px 8px;
    border-bottom: 1px solid #eef0f4;
  }
  th {
    color: #5b6475;
    font-weight: 600;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  /* #5b6475 keeps 4.5:1 (WCAG AA) on every background it sits on: the page (#f4f5f7, 5.5:1),
     the panels (#fff, 6.0:1) and a selected results row (#e6eefc, 5.1:1). */
  .muted {
    color: #5b6475;
  }
  /* A settings group that a running batch disables as a whole (fieldset[disabled]). */
  fieldset.lock {
    border: 0;
    padding: 0;
    margin: 0;
    min-width: 0;
  }
  fieldset.lock:disabled .file-btn {
    opacity: 0.45;
    cursor: default;
  }
  /* Off screen but still in the accessibility tree and, for a control, in the tab order; a file
     input dressed as a button (.file-btn) is hidden this way so Tab still reaches it. */
  .visually-hidden,
  .file-btn input {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    border: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* A file input dressed as a button: the input stays focusable (Tab reaches it, Enter or Space
     opens the chooser); the label shows its focus. */
  .file-btn {
    position: relative;
    display: inline-block;
    border: 1px solid #b9c2d0;
    border-radius: 7px;
    padding: 6px 12px;
    cursor: pointer;
    background: #fff;
  }
  .file-btn:has(input:focus-visible) {
    outline: 2px solid #2457d6;
    outline-offset: 2px;
  }
  /* #17692e: 5.8:1 on a selected results row, where #1a7f37 was 4.35:1. */
  .ok {
    color: #17692e;
  }
  .bad {
    color: #c62828;
  }
`;
