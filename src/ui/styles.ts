import { css } from 'lit';

export const panel = css`
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
  .muted {
    color: #6b7385;
  }
  .file-btn {
    display: inline-block;
    border: 1px solid #b9c2d0;
    border-radius: 7px;
    padding: 6px 12px;
    cursor: pointer;
    background: #fff;
  }
  .file-btn input {
    display: none;
  }
  .ok {
    color: #1a7f37;
  }
  .bad {
    color: #c62828;
  }
`;
