/**
 * <recipe-editor>: builds a recipe step by step. Every control comes from the operation
 * catalogue; values are checked as they change and problems are shown beside the control. Each
 * step shows its plain one-line description, its exact definition one click away. The preset menu
 * shows the preset whose steps the recipe has (derived from the recipe, never remembered apart
 * from it, so it cannot go stale). Emits `recipe-change` (detail: { recipe, valid }) on every edit.
 */
import { LitElement, html, css, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { defaultParams, getOperation, operations, type Category, type ParamSpec, type ParamValue, type Params } from '../core/catalogue';
import { messageOf } from '../core/errors';
import { PRESETS, afterStepEdit, matchingPreset } from '../core/presets';
import { matchingUserPreset } from '../core/user-presets';
import { recipeAssets, validateParams, type Recipe, type RecipeStep } from '../core/recipe';
import { hasAsset, shareAsset } from '../api';
import type { StepTiming } from '../jobs/types';
import { panel } from './styles';

const CATEGORY_LABEL: Record<Category, string> = {
  tone: 'Light & colour',
  filter: 'Filters & effects',
  cv: 'Sharpen, blur, edges & faces',
  transform: 'Size & orientation',
  overlay: 'Watermarks',
};

export class RecipeEditor extends LitElement {
  static properties = {
    recipe: { attribute: false },
    timings: { attribute: false },
    locked: { type: Boolean },
    userPresets: { attribute: false },
  };
  declare recipe: Recipe;
  /** The person's saved presets (core/user-presets.ts), offered after the built-in ones. */
  declare userPresets: Recipe[];
  declare timings?: StepTiming[];
  /** A batch is running with this recipe: every control is disabled until it ends. */
  declare locked: boolean;

  static styles = [
    panel,
    css`
      .head {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
        align-items: center;
        margin-bottom: 8px;
      }
      input.name {
        font: inherit;
        font-weight: 600;
        border: 1px solid transparent;
        border-radius: 6px;
        padding: 2px 4px;
        width: 100%;
        box-sizing: border-box;
      }
      input.name:hover,
      input.name:focus {
        border-color: #b9c2d0;
      }
      ol {
        list-style: none;
        padding: 0;
        margin: 8px 0;
      }
      li.step {
        border: 1px solid #e1e5ec;
        border-radius: 8px;
        padding: 6px 8px;
        margin-bottom: 6px;
        background: #fbfcfe;
      }
      /* A step that does not run: dashed and greyed, without lowering the text's contrast
         (opacity would take it below 4.5:1). */
      li.step.off {
        border-style: dashed;
        background: #f1f3f6;
      }
      li.step.off .title {
        color: #5b6475;
        font-weight: 400;
      }
      .step-head {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .step-head .title {
        flex: 1;
        font-weight: 600;
        font-size: 14px;
      }
      .step-head button {
        padding: 1px 7px;
        font-size: 12px;
      }
      .ms {
        font-size: 12px;
        color: #5b6475;
        font-variant-numeric: tabular-nums;
      }
      .param {
        display: grid;
        grid-template-columns: 110px 1fr 72px;
        gap: 6px;
        align-items: center;
        font-size: 13px;
        margin-top: 4px;
      }
      .param input[type='number'] {
        width: 68px;
        font: inherit;
      }
      .param .err {
        grid-column: 1 / -1;
      }
      .err {
        color: #c62828;
        font-size: 12px;
      }
      select,
      input {
        font: inherit;
      }
      .share {
        width: 100%;
        font-size: 12px;
        margin-top: 6px;
      }
      .desc {
        margin: 2px 0 0;
        font-size: 12px;
        color: #5b6475;
      }
      details.definition {
        font-size: 12px;
        color: #5b6475;
        margin-top: 2px;
      }
      details.definition summary {
        cursor: pointer;
        width: max-content;
      }
      details.definition p {
        margin: 4px 0;
      }
      #preset-description {
        font-size: 13px;
        margin: 0 0 6px;
      }
    `,
  ];

  constructor() {
    super();
    this.userPresets = [];
    this.locked = false;
  }

  /** A step edit: the recipe's name and description follow (core/presets.ts afterStepEdit). */
  private emitSteps(recipe: Recipe) {
    this.emit(afterStepEdit(recipe));
  }

  private emit(recipe: Recipe) {
    this.recipe = recipe;
    const valid = recipe.steps.every((s, i) => !this.stepError(s, i));
    this.dispatchEvent(new CustomEvent('recipe-change', { detail: { recipe, valid }, bubbles: true, composed: true }));
  }

  private stepError(s: RecipeStep, i: number): string | undefined {
    const op = getOperation(s.op);
    if (!op) return `unknown operation "${s.op}"`;
    try {
      validateParams(op, s.params ?? {}, `/steps/${i}/params`);
      // A saved recipe names its logo, but the file itself is not saved with it.
      const missing = recipeAssets([s]).find((name) => !hasAsset(name));
      return missing ? `the image "${missing}" is not loaded in this page: choose the file again` : undefined;
    } catch (e) {
      return messageOf(e);
    }
  }

  private updateStep(i: number, change: Partial<RecipeStep>) {
    const steps = this.recipe.steps.map((s, j) => (j === i ? { ...s, ...change } : s));
    this.emitSteps({ ...this.recipe, steps });
  }

  private setParam(i: number, key: string, value: ParamValue) {
    const s = this.recipe.steps[i];
    this.updateStep(i, { params: { ...(s.params ?? {}), [key]: value } });
  }

  private move(i: number, by: number) {
    const steps = [...this.recipe.steps];
    const j = i + by;
    if (j < 0 || j >= steps.length) return;
    [steps[i], steps[j]] = [steps[j], steps[i]];
    this.emitSteps({ ...this.recipe, steps });
    void this.focusStep(j, by < 0 ? 'up' : 'down');
  }

  private removeStep(i: number) {
    this.emitSteps({ ...this.recipe, steps: this.recipe.steps.filter((_, j) => j !== i) });
    void this.focusStep(Math.min(i, this.recipe.steps.length - 1), 'remove');
  }

  /**
   * Steps are rendered by position, so after a move or a removal the focused button belongs to
   * another step: focus goes to the same button of the step that moved (or of the one now in the
   * removed step's place), another of its buttons when that one is disabled (moved to an end),
   * and the "Add a step" menu when no step is left.
   */
  private async focusStep(i: number, button: 'up' | 'down' | 'remove') {
    await this.updateComplete;
    const li = this.renderRoot.querySelector(`li.step[data-index="${i}"]`);
    const wanted = li?.querySelector<HTMLButtonElement>(`button.${button}`);
    const target = wanted && !wanted.disabled ? wanted : li?.querySelector<HTMLButtonElement>('button:not(:disabled)');
    (target ?? this.renderRoot.querySelector<HTMLSelectElement>('#add-step'))?.focus();
  }

  private add(e: Event) {
    const sel = e.target as HTMLSelectElement;
    const op = getOperation(sel.value);
    sel.value = '';
    if (!op) return;
    this.emitSteps({ ...this.recipe, steps: [...this.recipe.steps, { op: op.name, params: defaultParams(op) }] });
  }

  private choosePreset(e: Event) {
    const key = (e.target as HTMLSelectElement).value;
    // A saved preset brings its output settings with it (the studio applies recipe.output).
    const mine = key.startsWith('mine:') ? this.userPresets[Number(key.slice(5))] : undefined;
    const p = mine ?? PRESETS[key];
    if (p) this.emit(structuredClone(p));
  }

  private send(name: 'save-preset' | 'delete-preset') {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }

  private control(i: number, key: string, spec: ParamSpec, value: ParamValue) {
    const id = `s${i}-${key}`;
    const onNumber = (e: Event) => {
      const v = (e.target as HTMLInputElement).valueAsNumber;
      this.setParam(i, key, Number.isNaN(v) ? (e.target as HTMLInputElement).value : v);
    };
    switch (spec.type) {
      case 'number':
      case 'integer': {
        const step = spec.type === 'integer' ? 1 : (spec.step ?? (spec.max - spec.min) / 100);
        return html`<input
            type="range"
            aria-label=${spec.label}
            min=${spec.min}
            max=${spec.max}
            step=${step}
            .value=${String(value)}
            @input=${onNumber}
          />
          <input
            type="number"
            id=${id}
            data-param=${key}
            min=${spec.min}
            max=${spec.max}
            step=${step}
            .value=${String(value)}
            @change=${onNumber}
          />`;
      }
      case 'boolean':
        return html`<input
            type="checkbox"
            id=${id}
            data-param=${key}
            .checked=${value === true}
            @change=${(e: Event) => this.setParam(i, key, (e.target as HTMLInputElement).checked)}
          /><span></span>`;
      case 'enum':
        return html`<select
            id=${id}
            data-param=${key}
            @change=${(e: Event) => this.setParam(i, key, (e.target as HTMLSelectElement).value)}
          >
            ${spec.options.map((o) => html`<option value=${o} ?selected=${o === value}>${spec.optionLabels?.[o] ?? o}</option>`)}</select
          ><span></span>`;
      case 'color':
        return html`<input
            type="color"
            id=${id}
            data-param=${key}
            .value=${String(value)}
            @input=${(e: Event) => this.setParam(i, key, (e.target as HTMLInputElement).value)}
          /><span></span>`;
      case 'text':
        return html`<input
            type="text"
            id=${id}
            data-param=${key}
            maxlength=${spec.maxLength}
            .value=${String(value)}
            @change=${(e: Event) => this.setParam(i, key, (e.target as HTMLInputElement).value)}
          /><span></span>`;
      case 'image':
        // The file's bytes go to the workers once (shareAsset); the recipe keeps its name.
        return html`<label class="file-btn image-pick"
          >${value ? String(value) : 'Choose image…'}<input
            type="file"
            id=${id}
            data-param=${key}
            accept="image/png,image/jpeg,image/webp"
            @change=${(e: Event) => void this.pickImage(i, key, e.target as HTMLInputElement)}
        /></label>`;
    }
  }

  private async pickImage(i: number, key: string, input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    shareAsset(file.name, new Uint8Array(await file.arrayBuffer()));
    this.setParam(i, key, file.name);
  }

  private renderStep(s: RecipeStep, i: number) {
    const op = getOperation(s.op);
    const params: Params = op ? { ...defaultParams(op), ...(s.params ?? {}) } : {};
    const err = this.stepError(s, i);
    const t = s.enabled !== false ? this.timings?.[this.enabledIndex(i)] : undefined;
    const ms = t?.op === s.op ? t.ms : undefined;
    // The buttons' names say which step they act on ("Move step 2 (Gaussian blur) up"): a list
    // of "↑ ↓ ✕" read out by a screen reader says nothing.
    const name = `step ${i + 1} (${op?.label ?? s.op})`;
    const up = `Move ${name} up`,
      down = `Move ${name} down`,
      remove = `Remove ${name}`;
    return html`<li class="step ${s.enabled === false ? 'off' : ''}" data-op=${s.op} data-index=${i}>
      <div class="step-head">
        <input
          type="checkbox"
          class="toggle"
          title="Run this step"
          aria-label=${`Run ${name}`}
          .checked=${s.enabled !== false}
          @change=${(e: Event) => this.updateStep(i, { enabled: (e.target as HTMLInputElement).checked ? undefined : false })}
        />
        <span class="title">${i + 1}. ${op?.label ?? s.op}</span>
        ${ms !== undefined ? html`<span class="ms">${ms.toFixed(1)} ms</span>` : nothing}
        <button class="up" title=${up} aria-label=${up} ?disabled=${i === 0} @click=${() => this.move(i, -1)}>↑</button>
        <button
          class="down"
          title=${down}
          aria-label=${down}
          ?disabled=${i === this.recipe.steps.length - 1}
          @click=${() => this.move(i, 1)}
        >
          ↓
        </button>
        <button class="remove" title=${remove} aria-label=${remove} @click=${() => this.removeStep(i)}>✕</button>
      </div>
      ${
        op
          ? html`<p class="desc">${op.description}</p>
              <details class="definition">
                <summary>Exact definition</summary>
                ${op.aka ? html`<p>Known as: ${op.aka}.</p>` : nothing}
                <p>${op.definition}</p>
              </details>`
          : nothing
      }
      ${
        op
          ? Object.entries(op.params)
              .filter(([, spec]) => !spec.visibleWhen || spec.visibleWhen.in.includes(String(params[spec.visibleWhen.param])))
              .map(
                ([key, spec]) =>
                  html`<div class="param">
                    <label for=${`s${i}-${key}`} title=${spec.help ?? ''}>${spec.label}</label>${this.control(i, key, spec, params[key])}
                  </div>`,
              )
          : nothing
      }
      ${err ? html`<div class="err step-error" role="alert">${err}</div>` : nothing}
    </li>`;
  }

  /**
   * The recipe's variants (from a recipe file or a preset): listed with what each adds, and each
   * can be removed; the steps above run once per input, before every variant's own.
   */
  private renderVariants() {
    const variants = this.recipe.variants;
    if (!variants?.length) return nothing;
    const label = (op: string) => getOperation(op)?.label ?? op;
    return html`<section id="variants" aria-labelledby="variants-heading">
      <h3 id="variants-heading">Variants: ${variants.length} output${variants.length === 1 ? '' : 's'} per input</h3>
      <p class="muted">
        The steps above run once for each input; then each variant adds its own steps, and its output settings over those below (with the
        default file names, each output's name ends in -variant).
      </p>
      <ul>
        ${variants.map(
          (v, i) =>
            html`<li data-variant=${v.name}>
              <b>${v.name}</b>
              <span class="muted"
                >${(v.output?.format ?? 'as below').toUpperCase()}${v.steps?.length ? ` · ${v.steps.map((st) => label(st.op)).join(', ')}` : ''}</span
              >
              <button
                class="remove-variant"
                aria-label=${`Remove the variant “${v.name}”`}
                @click=${() => {
                  const rest = variants.filter((_, j) => j !== i);
                  const { variants: _drop, ...plain } = this.recipe;
                  this.emit(rest.length ? { ...plain, variants: rest } : plain);
                }}
              >
                ✕
              </button>
            </li>`,
        )}
      </ul>
    </section>`;
  }

  /** Timings come only for enabled steps, in order: map step i to its timing index. */
  private enabledIndex(i: number): number {
    return this.recipe.steps.slice(0, i).filter((s) => s.enabled !== false).length;
  }

  render() {
    const groups = new Map<Category, string[]>();
    for (const op of operations()) groups.set(op.category, [...(groups.get(op.category) ?? []), op.name]);
    const mine = matchingUserPreset(this.userPresets, this.recipe);
    // A recipe with variants is never one of the built-in presets, whatever its shared steps.
    const preset = mine === undefined && !this.recipe.variants ? matchingPreset(this.recipe) : undefined;
    const description = preset !== undefined ? PRESETS[preset].description : this.recipe.description;
    return html`<div class="panel">
      <fieldset class="lock" ?disabled=${this.locked}>
        <h2>2 · Recipe</h2>
        <div class="head">
          <select id="preset" aria-label="Preset" @change=${(e: Event) => this.choosePreset(e)}>
            ${Object.entries(PRESETS).map(([k, r]) => html`<option value=${k} .selected=${live(k === preset)}>${r.name}</option>`)}
            ${
              this.userPresets.length
                ? html`<optgroup label="Your presets">
                    ${this.userPresets.map((r, i) => html`<option value=${`mine:${i}`} .selected=${live(i === mine)}>${r.name}</option>`)}
                  </optgroup>`
                : nothing
            }
            ${preset === undefined && mine === undefined ? html`<option value="" .selected=${live(true)}>Custom</option>` : nothing}
          </select>
          <button
            id="save-preset"
            title="Keep this recipe and its output settings in this browser, under the recipe's name"
            @click=${() => this.send('save-preset')}
          >
            Save as preset
          </button>
          ${
            mine !== undefined
              ? html`<button
                  id="delete-preset"
                  aria-label=${`Delete the preset “${this.userPresets[mine].name}”`}
                  @click=${() => this.send('delete-preset')}
                >
                  Delete preset
                </button>`
              : nothing
          }
          <button id="save-recipe" @click=${() => this.dispatchEvent(new CustomEvent('save-recipe', { bubbles: true, composed: true }))}>
            Save JSON
          </button>
          <label class="file-btn"
            >Load JSON…<input
              id="recipe-input"
              type="file"
              accept=".json,application/json"
              @change=${(e: Event) => this.dispatchEvent(new CustomEvent('load-recipe', { detail: e, bubbles: true, composed: true }))}
          /></label>
          <button id="share-recipe" @click=${() => this.dispatchEvent(new CustomEvent('share-recipe', { bubbles: true, composed: true }))}>
            Share link
          </button>
        </div>
        ${description ? html`<p class="muted" id="preset-description">${description}</p>` : nothing}
        <input
          class="name"
          id="recipe-name"
          aria-label="Recipe name"
          .value=${live(this.recipe.name)}
          @change=${(e: Event) => {
            this.emit({ ...this.recipe, name: (e.target as HTMLInputElement).value || 'Untitled' });
          }}
        />
        <ol id="steps">
          ${this.recipe.steps.map((s, i) => this.renderStep(s, i))}
        </ol>
        ${this.renderVariants()}
        <select id="add-step" aria-label="Add a step" @change=${(e: Event) => this.add(e)}>
          <option value="">Add a step…</option>
          ${[...groups].map(
            ([cat, names]) =>
              html`<optgroup label=${CATEGORY_LABEL[cat]}>
                ${names.map((n) => html`<option value=${n} title=${getOperation(n)!.description}>${getOperation(n)!.label}</option>`)}
              </optgroup>`,
          )}
        </select>
        <slot></slot>
      </fieldset>
    </div>`;
  }
}
customElements.define('recipe-editor', RecipeEditor);
