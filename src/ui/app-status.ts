/**
 * <app-status>: the app's own state in the header — "Works offline" once everything is cached,
 * and "Reload to update" when a new version waits (disabled while a batch runs: it never takes
 * over under running work).
 */
import { LitElement, html, css } from 'lit';
import { app, type AppState } from './pwa';
import { focusRing } from './styles';

export class AppStatus extends LitElement {
  static properties = { busy: { type: Boolean }, state: { state: true } };
  /** A batch or benchmark is running. */
  declare busy: boolean;
  declare state: AppState;

  static styles = css`
    ${focusRing}
    :host {
      display: inline-flex;
      gap: 10px;
      align-items: center;
      font-size: 13px;
    }
    .chip {
      color: #1b5e20;
      white-space: nowrap;
    }
    .muted {
      color: #5b6474;
    }
    .update {
      background: #eef3fe;
      border: 1px solid #9db6ef;
      border-radius: 8px;
      padding: 4px 10px;
    }
    button {
      font: inherit;
    }
  `;

  constructor() {
    super();
    this.busy = false;
    this.state = app.state;
  }

  private onChange = () => (this.state = app.state);

  connectedCallback() {
    super.connectedCallback();
    app.addEventListener('change', this.onChange);
    this.state = app.state;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    app.removeEventListener('change', this.onChange);
  }

  render() {
    const s = this.state;
    return html`${s.offlineReady ? html`<span class="chip" id="offline-ready" title="Everything Tessera needs is stored on this device">✓ Works offline</span>` : ''}
    ${s.unsupported ? html`<span class="muted" id="online-only" title=${`Offline use is unavailable: ${s.unsupported}`}>Online only</span>` : ''}
    ${
      s.updateReady
        ? html`<span class="update" id="update-ready" role="status"
            >A new version of Tessera is ready.
            <button id="apply-update" ?disabled=${this.busy} @click=${() => app.applyUpdate()}>
              ${this.busy ? 'Reload to update (after this batch)' : 'Reload to update'}
            </button></span
          >`
        : ''
    }`;
  }
}
customElements.define('app-status', AppStatus);

declare global {
  interface HTMLElementTagNameMap {
    'app-status': AppStatus;
  }
}
