/**
 * <output-options>: format and encoder settings, and the video settings, rendered from the
 * option schemas (OUTPUT_OPTIONS, VIDEO_OPTIONS): one control per option, by its type, shown only
 * for the formats (and other values) it applies to.
 */
import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { OUTPUT_OPTIONS, validateOutput, withFormat, type OutputFormat, type OutputOptions } from '../core/formats';
import { optionApplies, optionChoices, type OptionSchema, type OptionSpec } from '../core/options';
import { VIDEO_OPTIONS, validateVideoOptions, type VideoOptions } from '../core/video-options';
import { focusRing } from './styles';

const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The control's element id: `format`, `out-<option>`, `video-<option>` (kebab case). */
export function controlId(group: 'output' | 'video', key: string): string {
  return group === 'video' ? `video-${kebab(key)}` : key === 'format' ? 'format' : `out-${kebab(key)}`;
}

/**
 * One control for an option, by its type: checkbox, menu, colour well or number field (shown in
 * the spec's display unit; an optional number may be left empty). `set(undefined)` clears it.
 */
function control(
  id: string,
  spec: OptionSpec,
  values: Readonly<Record<string, unknown>>,
  key: string,
  set: (v: unknown) => void,
): TemplateResult {
  const value = values[key];
  const title = spec.help ?? '';
  switch (spec.type) {
    case 'boolean':
      return html`<label title=${title}
        ><input id=${id} type="checkbox" .checked=${value === true} @change=${(e: Event) => set((e.target as HTMLInputElement).checked)} />
        ${spec.label}</label
      >`;
    case 'enum':
      return html`<label title=${title}
        >${spec.label}
        <select id=${id} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
          ${optionChoices(spec, values).map((o) => html`<option value=${o} ?selected=${o === value}>${spec.optionLabels?.[o] ?? o}</option>`)}
        </select></label
      >`;
    case 'color':
      return html`<label title=${title}
        >${spec.label}
        <input id=${id} type="color" .value=${String(value)} @input=${(e: Event) => set((e.target as HTMLInputElement).value)}
      /></label>`;
    case 'text':
      return html`<label title=${title}
        >${spec.label}
        <input
          id=${id}
          type="text"
          spellcheck="false"
          maxlength=${spec.maxLength}
          .value=${typeof value === 'string' ? value : ''}
          @change=${(e: Event) => set((e.target as HTMLInputElement).value)}
      /></label>`;
    case 'number':
    case 'integer': {
      const scale = spec.display?.scale ?? 1;
      const unit = spec.display?.unit ?? spec.unit;
      const unset = 'optional' in spec ? spec.unset : undefined;
      const step = spec.type === 'integer' ? 1 : (spec.step ?? 'any');
      const changed = (e: Event) => {
        const el = e.target as HTMLInputElement;
        if (el.value === '') return set(undefined);
        const v = el.valueAsNumber * scale;
        set(spec.type === 'integer' ? Math.round(v) : v);
      };
      return html`<label title=${title}
        >${spec.label}
        <input
          id=${id}
          type="number"
          min=${spec.min / scale}
          max=${spec.max / scale}
          step=${step}
          .value=${typeof value === 'number' ? String(value / scale) : ''}
          @change=${changed}
        />${unit ? ` ${unit}` : ''} ${unset ? html`<span class="muted">(empty: ${unset})</span>` : nothing}</label
      >`;
    }
  }
}

/** The schema's controls that apply to `format` (all, for a schema without formats). */
function controls(
  group: 'output' | 'video',
  schema: OptionSchema,
  values: Readonly<Record<string, unknown>>,
  format: string,
  set: (key: string, v: unknown) => void,
) {
  // Keyed by option: a control that appears or goes with the format must not hand its element
  // (and a value typed into it) to its neighbour — an overlap of 40 left in the tile-overlap box
  // became the PNG compression's when DZI was switched to PNG, and was applied on blur.
  return repeat(
    Object.entries(schema).filter(([, spec]) => optionApplies(spec, format, values)),
    ([key]) => key,
    ([key, spec]) => control(controlId(group, key), spec, values, key, (v) => set(key, v)),
  );
}

export class OutputOptionsPanel extends LitElement {
  static properties = { value: { attribute: false }, video: { attribute: false }, locked: { type: Boolean } };
  declare value: OutputOptions;
  /** Settings for videos in the input (container, codec, rate, range, analysis export). */
  declare video: VideoOptions;
  /** A batch is running with these settings: every control is disabled until it ends. */
  declare locked: boolean;

  static styles = css`
    ${focusRing}
    :host {
      display: block;
      font-size: 14px;
    }
    label {
      display: block;
      margin: 5px 0;
    }
    select,
    input[type='number'] {
      font: inherit;
      padding: 2px 4px;
      border: 1px solid #b9c2d0;
      border-radius: 6px;
    }
    input[type='number'] {
      width: 5.5em;
    }
    .muted {
      color: #666;
    }
    .err {
      color: #c62828;
      font-size: 13px;
    }
    fieldset {
      border: 0;
      padding: 0;
      margin: 0;
      min-width: 0;
    }
  `;

  private outputError?: string;
  private videoError?: string;

  constructor() {
    super();
    this.value = validateOutput({});
    this.video = validateVideoOptions({});
    this.locked = false;
  }

  /** Applies one output change (a format change takes that format's defaults); a bad value is explained, not applied. */
  private set(key: string, v: unknown) {
    let next: OutputOptions;
    try {
      if (key === 'format') next = withFormat(this.value, v as OutputFormat);
      else {
        const raw: Record<string, unknown> = { ...this.value, [key]: v };
        // An emptied number field means the format's default.
        if (v === undefined) delete raw[key];
        next = validateOutput(raw);
      }
      this.outputError = undefined;
    } catch (e) {
      this.outputError = (e as Error).message;
      this.requestUpdate();
      return;
    }
    this.value = next;
    this.dispatchEvent(new CustomEvent('output-change', { detail: next, bubbles: true, composed: true }));
  }

  private setVideo(key: string, v: unknown) {
    const raw: Record<string, unknown> = { ...this.video, [key]: v };
    if (v === undefined) delete raw[key];
    // An enum whose choices depend on the one changed (the codec on the container) keeps its value if it still fits, else takes the first.
    for (const [k, spec] of Object.entries(VIDEO_OPTIONS as OptionSchema)) {
      const choices = optionChoices(spec, raw);
      if (k !== key && spec.type === 'enum' && spec.optionsBy?.param === key && !choices.includes(String(raw[k]))) raw[k] = choices[0];
    }
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

  render() {
    const v = this.value;
    return html`<fieldset ?disabled=${this.locked}>
      ${controls('output', OUTPUT_OPTIONS, v, v.format, (k, x) => this.set(k, x))}
      ${this.outputError ? html`<p class="err" id="output-error">${this.outputError}</p>` : nothing}
      <details id="video-options">
        <summary>Videos</summary>
        ${controls('video', VIDEO_OPTIONS, this.video, this.video.container, (k, x) => this.setVideo(k, x))}
        <p class="muted" style="font-size:12px;margin:4px 0">
          Resize with a recipe step; odd sizes lose their last column/row (4:2:0 video needs even sides).
        </p>
        ${this.videoError ? html`<p class="err" id="video-error">${this.videoError}</p>` : nothing}
      </details>
    </fieldset>`;
  }
}
customElements.define('output-options', OutputOptionsPanel);
