/**
 * Files shared to Tessera (Web Share Target) wait here between the service worker, which receives
 * the POST, and the page it redirects to, which takes them into the input list. IndexedDB keeps
 * `File`s as they are (no copy into memory); an entry is taken once and deleted.
 */

const DB = 'tessera-shared';
const STORE = 'inbox';

/** What a share brought: the files and any text or link sent with them. */
export interface SharedItem {
  files: File[];
  title?: string;
  text?: string;
  url?: string;
  /** When it arrived (ms since 1970): old, never-collected shares are cleared. */
  at: number;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB cannot be opened'));
  });
}

async function run<T>(mode: IDBTransactionMode, body: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = tx.onabort = () => reject(tx.error ?? req.error ?? new Error('IndexedDB transaction failed'));
    });
  } finally {
    db.close();
  }
}

/** Keeps a share for the page; returns its id (for the redirect's query). */
export async function putShared(item: Omit<SharedItem, 'at'>): Promise<string> {
  const id = crypto.randomUUID();
  await run('readwrite', (s) => s.put({ ...item, at: Date.now() }, id));
  return id;
}

/** Takes a share out of the inbox (undefined when there is none under that id). */
export async function takeShared(id: string): Promise<SharedItem | undefined> {
  const item = await run<SharedItem | undefined>('readonly', (s) => s.get(id) as IDBRequest<SharedItem | undefined>);
  if (item) await run('readwrite', (s) => s.delete(id));
  return item;
}

/** Deletes shares older than `maxAgeMs` that no page collected (a share whose page was closed). */
export async function clearStaleShared(maxAgeMs = 24 * 3600_000): Promise<void> {
  const now = Date.now();
  const db = await open();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      const req = tx.objectStore(STORE).openCursor();
      req.onsuccess = () => {
        const c = req.result;
        if (!c) return;
        if (now - (c.value as SharedItem).at > maxAgeMs) c.delete();
        c.continue();
      };
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
  } finally {
    db.close();
  }
}
