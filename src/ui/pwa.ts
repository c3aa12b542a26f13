/**
 * The installed, offline app: registers the service worker (src/sw/sw.ts), reloads once into
 * cross-origin isolation on a host that sends no headers, tells the studio when everything is
 * cached ("works offline") and when a new version is waiting — which takes over only when the
 * user asks and no batch is running.
 */
import { Workbox } from 'workbox-window';

/** What the studio shows about the app itself. */
export interface AppState {
  /** The service worker controls the page and has cached the whole app: it works offline. */
  offlineReady: boolean;
  /** A new version is installed and waiting for "Reload to update". */
  updateReady: boolean;
  /** About to reload once, into cross-origin isolation (a host that sends no headers). */
  reloading: boolean;
  /** Service workers are unavailable here (private mode, an old browser, blocked by policy). */
  unsupported?: string;
}

const RELOADED = 'tessera-isolation-reload';
const UPDATE_CHECK_MS = 60 * 60_000;

/** The app-level controller: one per page (`app`), started by main.ts. */
export class AppController extends EventTarget {
  state: AppState = { offlineReady: false, updateReady: false, reloading: false };
  /** Set by the studio while a batch or benchmark runs: no update takes over then. */
  busy = false;
  private wb?: Workbox;
  private updating = false;

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    this.dispatchEvent(new Event('change'));
  }

  /** Registers the service worker; resolves once the state is known (never throws). */
  async start(): Promise<void> {
    if (!('serviceWorker' in navigator)) {
      this.set({ unsupported: 'this browser has no service workers, so Tessera cannot work offline here' });
      return;
    }
    const wb = (this.wb = new Workbox(new URL('./sw.js', document.baseURI).href, { scope: './' }));
    wb.addEventListener('waiting', () => this.set({ updateReady: true }));
    wb.addEventListener('controlling', (e) => {
      // The new version took over because the user asked for it: load it.
      if (e.isUpdate && this.updating) location.reload();
    });
    wb.addEventListener('activated', (e) => {
      if (!e.isUpdate) void this.whenControlled().then(() => this.afterControl());
    });
    let reg: ServiceWorkerRegistration | undefined;
    try {
      reg = await wb.register();
    } catch (e) {
      this.set({ unsupported: `the offline service worker could not be registered (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    if (!reg) return;
    if (reg.waiting && navigator.serviceWorker.controller) this.set({ updateReady: true });
    if (navigator.serviceWorker.controller && reg.active) this.afterControl();
    setInterval(() => void reg.update().catch(() => {}), UPDATE_CHECK_MS);
    addEventListener('online', () => void reg.update().catch(() => {}));
  }

  /** Once the worker controls the page: offline-ready, and isolated after at most one reload. */
  private afterControl(): void {
    if (globalThis.crossOriginIsolated) {
      sessionStorage.removeItem(RELOADED);
      this.set({ offlineReady: true });
      return;
    }
    // Served without headers: the worker adds them, but only to responses it serves, so this
    // page needs one reload. Once only: a browser that still refuses keeps the banner.
    if (!sessionStorage.getItem(RELOADED)) {
      sessionStorage.setItem(RELOADED, '1');
      this.set({ reloading: true });
      location.reload();
      return;
    }
    this.set({ offlineReady: true });
  }

  private whenControlled(): Promise<void> {
    if (navigator.serviceWorker.controller) return Promise.resolve();
    return new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
  }

  /** Checks for a new version now (also done hourly and when the network comes back). */
  async checkForUpdate(): Promise<void> {
    await this.wb?.update();
  }

  /**
   * "Reload to update": the waiting version takes over and the page reloads into it. Refused
   * while a batch runs (returns false): code is never swapped under running work.
   */
  applyUpdate(): boolean {
    if (this.busy || !this.state.updateReady || !this.wb) return false;
    this.updating = true;
    this.wb.messageSkipWaiting();
    return true;
  }
}

/** The page's app controller. */
export const app = new AppController();
