/**
 * The chosen output folder, kept between visits. A `FileSystemDirectoryHandle` cannot go into
 * localStorage (it is not JSON) but can be stored in IndexedDB (structured clone), so this keeps
 * it there, in a database of its own. After a reload a handle from the folder picker usually comes
 * back with permission 'prompt': the page must ask again, in a click (`requestFolderAccess`).
 * Handles into the origin's own storage (OPFS) are always granted.
 *
 * Nothing here throws: a browser that cannot store handles (no IndexedDB, or a DataCloneError),
 * or a damaged record, only means no folder is remembered.
 */

const DB_NAME = 'tessera-handles';
/** The database's schema version (one object store); bump with an `onupgradeneeded` step. */
const DB_VERSION = 1;
const STORE = 'handles';
const OUTPUT_FOLDER = 'output-folder';
/** The record's own version: a record of another shape is ignored. */
const RECORD_VERSION = 1;

interface FolderRecord {
  v: number;
  handle: FileSystemDirectoryHandle;
}

/** Settles with a request's result (or its error). */
function settle<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB_NAME, DB_VERSION);
  r.onupgradeneeded = () => {
    if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE);
  };
  return settle(r);
}

/** Runs one request in its own transaction and resolves once that transaction has committed. */
async function inStore<T>(mode: IDBTransactionMode, f: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    const tx = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
    const result = await settle(f(tx.objectStore(STORE)));
    await done;
    return result;
  } finally {
    // Closed after each use, so a later version's upgrade in another tab is never blocked by us.
    db.close();
  }
}

function isDirectoryHandle(x: unknown): x is FileSystemDirectoryHandle {
  if (typeof FileSystemDirectoryHandle === 'function') return x instanceof FileSystemDirectoryHandle;
  return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === 'directory';
}

/** Remembers `dir` as the output folder; false where the browser cannot store it. */
export async function saveOutputFolder(dir: FileSystemDirectoryHandle): Promise<boolean> {
  try {
    const record: FolderRecord = { v: RECORD_VERSION, handle: dir };
    await inStore('readwrite', (s) => s.put(record, OUTPUT_FOLDER));
    return true;
  } catch {
    return false;
  }
}

/** The remembered output folder, or undefined (none, unusable, or no IndexedDB). */
export async function loadOutputFolder(): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    const raw: unknown = await inStore('readonly', (s) => s.get(OUTPUT_FOLDER));
    if (!raw || typeof raw !== 'object') return undefined;
    const r = raw as Partial<FolderRecord>;
    return r.v === RECORD_VERSION && isDirectoryHandle(r.handle) ? r.handle : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the remembered output folder (it is gone, or another was chosen elsewhere). */
export async function forgetOutputFolder(): Promise<void> {
  try {
    await inStore('readwrite', (s) => s.delete(OUTPUT_FOLDER));
  } catch {
    // nothing stored, or no IndexedDB: nothing to forget
  }
}

/** Whether the page may write into a folder now, may after asking ('prompt'), or may not. */
export type FolderAccess = 'granted' | 'prompt' | 'denied';

/** The File System Access permission methods (Chromium's; not in TypeScript's DOM types). */
interface WithPermissions {
  queryPermission?(d: { mode: 'read' | 'readwrite' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'read' | 'readwrite' }): Promise<PermissionState>;
}

/**
 * Read-write access to `dir` as things stand, without asking. Browsers without the permission
 * methods (OPFS-only ones) grant whatever handle they hand out: 'granted'.
 */
export async function folderAccess(dir: FileSystemDirectoryHandle): Promise<FolderAccess> {
  const h = dir as unknown as WithPermissions;
  if (typeof h.queryPermission !== 'function') return 'granted';
  return h.queryPermission({ mode: 'readwrite' });
}

/**
 * Asks for read-write access to `dir` (the browser's prompt when the state is 'prompt'). Must run
 * inside a click or key press: without that user activation the browser refuses (a
 * SecurityError, which rejects).
 */
export async function requestFolderAccess(dir: FileSystemDirectoryHandle): Promise<FolderAccess> {
  const h = dir as unknown as WithPermissions;
  if (typeof h.requestPermission !== 'function') return 'granted';
  return h.requestPermission({ mode: 'readwrite' });
}

/**
 * False when the folder behind `dir` is gone (deleted or moved away: the handle's reads fail
 * with NotFoundError). Needs read access; on any other failure (access not granted yet) it cannot
 * tell, and says true.
 */
export async function folderExists(dir: FileSystemDirectoryHandle): Promise<boolean> {
  try {
    // Reading one entry is enough to reach the folder itself; nothing is listed beyond it.
    await dir.keys().next();
    return true;
  } catch (e) {
    return (e as { name?: unknown } | null)?.name !== 'NotFoundError';
  }
}
