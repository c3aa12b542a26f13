/** <output-options>: format and encoder settings, shown only where they apply. */
import { LitElement, html, css, nothing } from 'lit';
import { FORMATS, validateOutput, type OutputFormat, type OutputOptions } from '../core/formats';
import { CONTAINER_CODECS, VIDEO_CODECS, VIDEO_CONTAINERS, validateVideoOptions, type VideoContainer, type VideoOptions } from '../core/video-options';

export class OutputOptionsPanel extends LitElement {
  static properties = { value: { attribute: false }, video: { attribute: false } };
  declare value: OutputOptions;
  /** Settings for videos in the input (container, codec, rate, range, analysis export). */
  declare video: VideoOptions;

  static styles = css`
    :host { display: block; font-size: 14px; }
    label { display: block; margin: 5px 0; }
    select, input[type=number] { font: inherit; padding: 2px 4px; border: 1px solid #b9c2d0; border-radius: 6px; }
    input[type=number] { width: 4.5em; }
  `;

  constructor() {
    super();
    this.value = validateOutput({});
    this.video = validateVideoOptions({});
  }

  private setVideo(patch: Partial<VideoOptions> & Record<string, unknown>) {
    const raw: Record<string, unknown> = { ...this.video, ...patch };
    if (patch.container) raw.codec = CONTAINER_CODECS[patch.container as VideoContainer][0];
    for (const k of Object.keys(raw)) if (raw[k] === undefined || (typeof raw[k] === 'number' && Number.isNaN(raw[k]))) delete raw[k];
    try {
      this.video = validateVideoOptions(raw);
      this.videoError = undefined;
    } catch (e) {
      this.videoError = (e as Error).message;
      this.requestUpdate();
      return;
    }
    this.dispatchEvent(new CustomEvent('video-change', { detail: this.video, bubbles: true, composed: true }));
  }

  private videoError?: string;

  private renderVideo() {
    const v = this.video;
    const numOrUndef = (e: Event) => {
      const el = e.target as HTMLInputElement;
      return el.value === '' ? undefined : el.valueAsNumber;
    };
    return html`<details id="video-options"><summary>Videos</summary>
      <label>Container <select id="video-container" @change=${(e: Event) => this.setVideo({ container: (e.target as HTMLSelectElement).value as VideoContainer })}>
        ${Object.entries(VIDEO_CONTAINERS).map(([k, d]) => html`<option value=${k} ?selected=${k === v.container}>${d.label}</option>`)}</select></label>
      <label>Codec <select id="video-codec" @change=${(e: Event) => this.setVideo({ codec: (e.target as HTMLSelectElement).value as VideoOptions['codec'] })}>
        ${CONTAINER_CODECS[v.container].map((c) => html`<option value=${c} ?selected=${c === v.codec}>${VIDEO_CODECS[c].label}</option>`)}</select></label>
      <label>Quality <input id="video-quality" type="number" min="1" max="100" .value=${String(v.quality)} @change=${(e: Event) => this.setVideo({ quality: Math.round(numOrUndef(e) ?? 60) })} />
        or bitrate <input id="video-bitrate" type="number" min="10" step="100" title="empty: from quality" .value=${v.bitrate ? String(v.bitrate / 1000) : ''}
          @change=${(e: Event) => { const kb = numOrUndef(e); this.setVideo({ bitrate: kb === undefined ? undefined : Math.round(kb * 1000) }); }} /> kbit/s <span class="muted">(empty: from quality)</span></label>
      <label>From <input id="video-start" type="number" min="0" step="0.1" .value=${String(v.start)} @change=${(e: Event) => this.setVideo({ start: numOrUndef(e) ?? 0 })} /> s
        to <input id="video-end" type="number" min="0" step="0.1" title="empty: to the end" .value=${v.end !== undefined ? String(v.end) : ''} @change=${(e: Event) => this.setVideo({ end: numOrUndef(e) })} /> s <span class="muted">(empty: to the end)</span></label>
      <label><input id="video-audio" type="checkbox" .checked=${v.audio === 'copy'} @change=${(e: Event) => this.setVideo({ audio: (e.target as HTMLInputElement).checked ? 'copy' : 'drop' })} /> Copy the audio track (when the container takes its codec)</label>
      <label><input id="video-analysis" type="checkbox" .checked=${v.analysis} @change=${(e: Event) => this.setVideo({ analysis: (e.target as HTMLInputElement).checked })} /> Per-frame analysis (<code>name.analysis.json</code>)</label>
      <p class="muted" style="font-size:12px;margin:4px 0">Resize with a recipe step; odd sizes lose their last column/row (4:2:0 video needs even sides).</p>
      ${this.videoError ? html`<p class="err" id="video-error" style="color:#c62828;font-size:13px">${this.videoError}</p>` : nothing}
    </details>`;
  }

  private set<K extends keyof OutputOptions>(key: K, v: OutputOptions[K]) {
    const next = key === 'format' ? validateOutput({ ...this.value, format: v, quality: FORMATS[v as OutputFormat].defaultQuality, effort: FORMATS[v as OutputFormat].defaultEffort }) : { ...this.value, [key]: v };
    this.value = next;
    this.dispatchEvent(new CustomEvent('output-change', { detail: next, bubbles: true, composed: true }));
  }

  private num<K extends 'quality' | 'compression' | 'effort'>(key: K, label: string, min: number, max: number) {
    return html`<label>${label} <input id=${`out-${key}`} type="number" min=${min} max=${max} .value=${String(this.value[key])}
      @change=${(e: Event) => this.set(key, Math.min(max, Math.max(min, Math.round((e.target as HTMLInputElement).valueAsNumber || min))))} /></label>`;
  }

  private bool<K extends 'progressive' | 'palette' | 'lossless'>(key: K, label: string) {
    return html`<label><input id=${`out-${key}`} type="checkbox" .checked=${this.value[key]} @change=${(e: Event) => this.set(key, (e.target as HTMLInputElement).checked)} /> ${label}</label>`;
  }

  render() {
    const v = this.value;
    const f = v.format;
    return html`
      <label>Format <select id="format" @change=${(e: Event) => this.set('format', (e.target as HTMLSelectElement).value as OutputFormat)}>
        ${Object.entries(FORMATS).map(([k, d]) => html`<option value=${k} ?selected=${k === f}>${d.label}</option>`)}
      </select></label>
      ${f === 'jpeg' || f === 'webp' || f === 'avif' ? this.num('quality', 'Quality', 1, 100) : nothing}
      ${f === 'png' ? this.num('compression', 'Compression (1 fast · 2–9 zlib level)', 0, 9) : nothing}
      ${f === 'jpeg' ? this.bool('progressive', 'Progressive') : f === 'png' || f === 'gif' ? this.bool('progressive', 'Interlaced') : nothing}
      ${f === 'jpeg' || f === 'avif' ? html`<label>Chroma <select id="out-subsampling" @change=${(e: Event) => this.set('subsampling', (e.target as HTMLSelectElement).value as OutputOptions['subsampling'])}>
        ${(['auto', '4:2:0', '4:4:4'] as const).map((o) => html`<option ?selected=${o === v.subsampling}>${o}</option>`)}</select></label>` : nothing}
      ${f === 'png' ? this.bool('palette', '8-bit palette') : nothing}
      ${f === 'webp' || f === 'avif' ? html`${this.bool('lossless', 'Lossless')}${this.num('effort', 'Effort', 0, 9)}` : nothing}
      <label>Metadata <select id="out-metadata" @change=${(e: Event) => this.set('metadata', (e.target as HTMLSelectElement).value as OutputOptions['metadata'])}>
        <option value="keep" ?selected=${v.metadata === 'keep'}>keep EXIF, ICC, XMP</option><option value="strip" ?selected=${v.metadata === 'strip'}>strip</option></select></label>
      <label>Alpha <select id="out-alpha" @change=${(e: Event) => this.set('alpha', (e.target as HTMLSelectElement).value as OutputOptions['alpha'])}>
        <option value="keep" ?selected=${v.alpha === 'keep'}>keep${FORMATS[f].alpha ? '' : ' (JPEG: flattened)'}</option><option value="flatten" ?selected=${v.alpha === 'flatten'}>flatten onto</option></select>
        <input id="out-background" type="color" .value=${v.background} @input=${(e: Event) => this.set('background', (e.target as HTMLInputElement).value)} /></label>
      ${this.renderVideo()}`;
  }
}
customElements.define('output-options', OutputOptionsPanel);
