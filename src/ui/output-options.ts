/** <output-options>: format and encoder settings, shown only where they apply. */
import { LitElement, html, css, nothing } from 'lit';
import { FORMATS, validateOutput, type OutputFormat, type OutputOptions } from '../core/formats';

export class OutputOptionsPanel extends LitElement {
  static properties = { value: { attribute: false } };
  declare value: OutputOptions;

  static styles = css`
    :host { display: block; font-size: 14px; }
    label { display: block; margin: 5px 0; }
    select, input[type=number] { font: inherit; padding: 2px 4px; border: 1px solid #b9c2d0; border-radius: 6px; }
    input[type=number] { width: 4.5em; }
  `;

  constructor() {
    super();
    this.value = validateOutput({});
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
      ${f === 'png' ? this.num('compression', 'Compression (zlib)', 0, 9) : nothing}
      ${f === 'jpeg' ? this.bool('progressive', 'Progressive') : f === 'png' || f === 'gif' ? this.bool('progressive', 'Interlaced') : nothing}
      ${f === 'jpeg' || f === 'avif' ? html`<label>Chroma <select id="out-subsampling" @change=${(e: Event) => this.set('subsampling', (e.target as HTMLSelectElement).value as OutputOptions['subsampling'])}>
        ${(['auto', '4:2:0', '4:4:4'] as const).map((o) => html`<option ?selected=${o === v.subsampling}>${o}</option>`)}</select></label>` : nothing}
      ${f === 'png' ? this.bool('palette', '8-bit palette') : nothing}
      ${f === 'webp' || f === 'avif' ? html`${this.bool('lossless', 'Lossless')}${this.num('effort', 'Effort', 0, 9)}` : nothing}
      <label>Metadata <select id="out-metadata" @change=${(e: Event) => this.set('metadata', (e.target as HTMLSelectElement).value as OutputOptions['metadata'])}>
        <option value="keep" ?selected=${v.metadata === 'keep'}>keep EXIF, ICC, XMP</option><option value="strip" ?selected=${v.metadata === 'strip'}>strip</option></select></label>
      <label>Alpha <select id="out-alpha" @change=${(e: Event) => this.set('alpha', (e.target as HTMLSelectElement).value as OutputOptions['alpha'])}>
        <option value="keep" ?selected=${v.alpha === 'keep'}>keep${FORMATS[f].alpha ? '' : ' (JPEG: flattened)'}</option><option value="flatten" ?selected=${v.alpha === 'flatten'}>flatten onto</option></select>
        <input id="out-background" type="color" .value=${v.background} @input=${(e: Event) => this.set('background', (e.target as HTMLInputElement).value)} /></label>`;
  }
}
customElements.define('output-options', OutputOptionsPanel);
