/**
 * Input sources yield files lazily: a handle and a relative path, never the bytes, so a folder of
 * thousands of photos costs a few kilobytes until each file is actually read by a worker.
 */
import { unzipSync } from 'fflate';

export interface InputFile {
  /** Relative path with forward slashes, e.g. "holiday/day1/IMG_001.jpg". */
  path: string;
  file(): Promise<Blob>;
}

export type InputSource = AsyncIterable<InputFile> | Iterable<InputFile>;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Depth-first, names sorted at each level so runs are reproducible. Hidden entries skipped. */
export async function* walkDirectory(dir: FileSystemDirectoryHandle, prefix = ''): AsyncGenerator<InputFile> {
  const files: FileSystemFileHandle[] = [];
  const dirs: FileSystemDirectoryHandle[] = [];
  for await (const entry of dir.values()) {
    if (entry.name.startsWith('.')) continue;
    if (entry.kind === 'file') files.push(entry as FileSystemFileHandle);
    else dirs.push(entry as FileSystemDirectoryHandle);
  }
  files.sort((a, b) => byName(a.name, b.name));
  dirs.sort((a, b) => byName(a.name, b.name));
  for (const f of files) yield { path: prefix + f.name, file: () => f.getFile() };
  for (const d of dirs) yield* walkDirectory(d, `${prefix}${d.name}/`);
}

/**
 * Files from <input multiple>, <input webkitdirectory> or a drop. A folder input reports
 * "chosen-folder/sub/a.jpg"; the chosen folder's own name is dropped so outputs mirror its inside.
 */
export function filesSource(files: Iterable<File>): InputFile[] {
  const list = Array.from(files, (f) => ({ f, rel: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name }));
  const stripRoot = list.length > 0 && list.every((x) => x.rel.includes('/'));
  return list
    .map(({ f, rel }) => ({ path: stripRoot ? rel.slice(rel.indexOf('/') + 1) : rel, file: () => Promise.resolve(f) }))
    .filter((x) => !x.path.split('/').some((part) => part.startsWith('.')))
    .sort((a, b) => byName(a.path, b.path));
}

/** Walks dropped items, descending into folders (webkitGetAsEntry works in every browser). */
export async function droppedSource(items: DataTransferItemList): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.name.startsWith('.')) return;
    if (entry.isFile) {
      const fe = entry as FileSystemFileEntry;
      out.push({ path: prefix + entry.name, file: () => new Promise<File>((res, rej) => fe.file(res, rej)) });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries returns at most ~100 entries per call.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  };
  // Read while the drop event is being handled: its items are unreadable once it returns. A file
  // item without an entry (a DataTransfer made by a page, some browsers' drags) is taken as a file.
  const picked = Array.from(items, (i) => ({ entry: i.webkitGetAsEntry(), file: i.kind === 'file' ? i.getAsFile() : null }));
  const entries = picked.map((p) => p.entry).filter((e): e is FileSystemEntry => !!e);
  for (const { entry, file } of picked)
    if (!entry && file && !file.name.startsWith('.')) out.push({ path: file.name, file: () => Promise.resolve(file) });
  for (const e of entries) await walk(e, '');
  // A single dropped folder behaves like a picked folder: its contents, not itself.
  if (entries.length === 1 && entries[0].isDirectory) for (const f of out) f.path = f.path.slice(entries[0].name.length + 1);
  return out.sort((a, b) => byName(a.path, b.path));
}

/** The zip fallback for opening a folder: every file inside a .zip, with its stored path. */
export async function zipSource(zip: Blob): Promise<InputFile[]> {
  const entries = unzipSync(new Uint8Array(await zip.arrayBuffer()), { filter: (f) => !f.name.endsWith('/') });
  return Object.entries(entries)
    .filter(([name]) => !name.split('/').some((p) => p.startsWith('.') || p === '__MACOSX'))
    .map(([name, bytes]) => ({ path: name, file: () => Promise.resolve(new Blob([bytes])) }))
    .sort((a, b) => byName(a.path, b.path));
}
