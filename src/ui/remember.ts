/**
 * The studio's memory between visits, as a Lit controller so the studio itself only hosts it:
 * the last recipe, output options, output kind and worker count (localStorage,
 * `io/settings-store.ts`), the chosen output folder (IndexedDB, `io/handle-store.ts`) with the
 * permission it needs again after a reload, and the browser-storage note (`io/storage.ts`,
 * `core/storage-space.ts`).
 *
 * Order of precedence at start-up: the studio's defaults, then what is remembered (restored when
 * the studio first connects, before it reads the URL), then a recipe in the URL hash — a shared
 * link wins over the remembered recipe and its output options, because the studio reads the hash
 * after this controller has run.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { OutputOptions } from '../core/formats';
import type { Recipe } from '../core/recipe';
import type { RememberedSettings } from '../core/remembered-settings';
import { isLowOnSpace, storageLabel, type StorageEstimateLike } from '../core/storage-space';
import type { FolderAccess } from '../io/handle-store';
import { messageOf } from '../core/errors';
import * as api from '../api';

/** What the controller reads and sets on the studio. */
export interface RememberHost extends ReactiveControllerHost {
  recipe: Recipe;
  recipeValid: boolean;
  output: OutputOptions;
  outputKind: 'folder' | 'zip';
  workers: number;
  outDir?: FileSystemDirectoryHandle;
  /** Applies a recipe the way a loaded file does (validated; the editor's preset menu follows). */
  useRecipe(recipe: unknown): void;
}

/** Saves wait for this pause in changes (a dragged slider writes once); a page hide saves at once. */
const SAVE_DELAY_MS = 300;

/** The output folder's state when it is not simply usable. */
type FolderNote = { name: string; state: Exclude<FolderAccess, 'granted'> | 'gone' };

export class RememberController implements ReactiveController {
  private restored = false;
  private saveTimer?: ReturnType<typeof setTimeout>;
  private pending?: RememberedSettings;
  /** The settings last seen on the host, to tell a change from a re-render. */
  private seen?: RememberedSettings;
  /** The last valid recipe: an invalid edit in progress is not remembered over it. */
  private goodRecipe?: Recipe;
  /** The output folder last seen on the host (the restored one included), to tell a new choice. */
  private seenDir?: FileSystemDirectoryHandle;
  /** The stored output kind was 'folder': applied once the folder itself is restored. */
  private wantFolder = false;
  private folder?: FolderNote;
  private space?: StorageEstimateLike;

  /**
   * @param host the studio
   * @param canPickFolder whether this browser has the folder picker (else 'folder' is only
   *   possible with a restored folder)
   */
  constructor(
    private readonly host: RememberHost,
    private readonly canPickFolder: boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('pagehide', this.flush);
    if (this.restored) return; // back on the page after a removal: its state is the newer
    this.restored = true;
    this.restoreSettings();
    void this.restoreFolder();
    void this.refreshSpace();
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.flush);
    this.flush();
  }

  hostUpdated(): void {
    const h = this.host;
    if (h.recipeValid) this.goodRecipe = h.recipe;
    const now: RememberedSettings = { recipe: this.goodRecipe, output: h.output, outputKind: h.outputKind, workers: h.workers };
    const s = this.seen;
    if (!s || s.recipe !== now.recipe || s.output !== now.output || s.outputKind !== now.outputKind || s.workers !== now.workers) {
      this.seen = now;
      this.pending = now;
      clearTimeout(this.saveTimer);
      this.saveTimer = setTimeout(this.flush, SAVE_DELAY_MS);
    }
    if (h.outDir !== this.seenDir) {
      // A folder chosen now (picker or useOutputFolder): remembered, and whatever was said about
      // the previous one no longer applies.
      this.seenDir = h.outDir;
      if (h.outDir) void api.saveOutputFolder(h.outDir);
      void this.refreshSpace(); // re-renders when it has the estimate, which drops the old note too
      this.folder = undefined;
    }
  }

  /** Writes pending settings now (the debounce's end, a page hide, the studio's removal). */
  readonly flush = (): void => {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.pending) api.saveSettings(this.pending);
    this.pending = undefined;
  };

  private restoreSettings(): void {
    const s = api.loadSettings();
    const h = this.host;
    if (s.recipe) h.useRecipe(s.recipe); // also sets the output options the recipe carries…
    if (s.output) h.output = s.output; // …which the remembered ones, as last edited, replace
    if (s.workers) h.workers = s.workers;
    if (s.outputKind === 'zip' || (s.outputKind === 'folder' && this.canPickFolder)) h.outputKind = s.outputKind;
    this.wantFolder = s.outputKind === 'folder';
  }

  private async restoreFolder(): Promise<void> {
    const dir = await api.loadOutputFolder();
    if (!dir || this.host.outDir) return; // nothing remembered, or a folder was chosen meanwhile
    const access = await api.folderAccess(dir).catch((): FolderAccess => 'prompt');
    if (this.host.outDir) return;
    if (access === 'granted' && !(await api.folderExists(dir))) {
      this.folderGone(dir);
      return;
    }
    this.seenDir = dir; // restored, not newly chosen: hostUpdated leaves it alone
    this.host.outDir = dir;
    if (this.wantFolder) this.host.outputKind = 'folder';
    this.folder = access === 'granted' ? undefined : { name: dir.name, state: access };
    this.host.requestUpdate();
  }

  /** Says the folder is gone, forgets it, and falls back to asking for one (or to a zip). */
  private folderGone(dir: FileSystemDirectoryHandle): void {
    this.folder = { name: dir.name, state: 'gone' };
    void api.forgetOutputFolder();
    if (this.host.outDir === dir) {
      this.seenDir = undefined;
      this.host.outDir = undefined;
    }
    if (!this.canPickFolder) this.host.outputKind = 'zip';
    this.host.requestUpdate();
  }

  /** Applies the outcome of asking for access to the output folder `dir`; 'gone' when it is no longer there. */
  private async settle(dir: FileSystemDirectoryHandle, access: FolderAccess): Promise<FolderAccess | 'gone'> {
    if (access === 'granted' && !(await api.folderExists(dir))) {
      this.folderGone(dir);
      return 'gone';
    }
    if (this.host.outDir === dir) {
      // (else another folder was chosen meanwhile: nothing said about this one applies)
      this.folder = access === 'granted' ? undefined : { name: dir.name, state: access };
      this.host.requestUpdate();
    }
    return access;
  }

  /** The "Allow access" button: asks in its click (the browser requires a user gesture). */
  private async allow(): Promise<void> {
    const dir = this.host.outDir;
    if (!dir) return;
    await this.settle(dir, await api.requestFolderAccess(dir).catch((): FolderAccess => 'prompt'));
  }

  /**
   * Called by Start, in its click, before anything is written: asks for the output folder's
   * permission if it needs asking (so this click is the user gesture the prompt requires), checks
   * the folder is still there, and asks for persistent storage when the outputs are going into
   * origin storage. Resolves with a sentence for the person when the batch cannot write there,
   * else undefined.
   */
  async beforeBatch(): Promise<string | undefined> {
    const dir = this.host.outDir;
    if (!dir || this.host.outputKind !== 'folder') return undefined;
    let access: FolderAccess;
    try {
      access = await api.folderAccess(dir);
      if (access === 'prompt') access = await api.requestFolderAccess(dir);
    } catch (e) {
      return `Tessera could not ask for access to “${dir.name}” (${messageOf(e)}): press Start again, or choose the folder again.`;
    }
    const outcome = await this.settle(dir, access);
    if (outcome === 'gone') return `The output folder “${dir.name}” is no longer there (it was moved or deleted): choose another one.`;
    if (outcome !== 'granted')
      return `Tessera may not write to “${dir.name}”: allow access when the browser asks, or choose another folder.`;
    // Asked, not awaited: the answer (Firefox may show a prompt) must not hold the batch back.
    if (await api.isInOriginStorage(dir)) void api.requestPersistence();
    return undefined;
  }

  /** Called when a batch ends: the free space has changed. */
  afterBatch(): void {
    void this.refreshSpace();
  }

  private async refreshSpace(): Promise<void> {
    this.space = await api.estimateStorage();
    this.host.requestUpdate();
  }

  /** The output panel's notes: the remembered folder's access, and browser storage when low. */
  renderNotes(): TemplateResult {
    const space = this.space && isLowOnSpace(this.space) ? storageLabel(this.space) : undefined;
    return html`${this.folderNote()} ${space ? html`<p class="muted" id="storage-space">${space}</p>` : nothing}`;
  }

  private folderNote(): TemplateResult | typeof nothing {
    const f = this.folder;
    switch (f?.state) {
      case 'prompt':
        return html`<p id="output-access">
          Output folder “${f.name}” (chosen before): the browser asks again after a reload.
          <button id="allow-output" @click=${() => this.allow()}>Allow access to “${f.name}”</button>
        </p>`;
      case 'denied':
        return html`<p class="err" id="output-access">Access to “${f.name}” was refused: choose the folder again, or another one.</p>`;
      case 'gone':
        return html`<p class="err" id="output-access">
          The output folder “${f.name}” is no longer there (it was moved or deleted):
          ${this.canPickFolder ? 'choose another one.' : 'the output is a zip download instead.'}
        </p>`;
      default:
        return nothing;
    }
  }
}
