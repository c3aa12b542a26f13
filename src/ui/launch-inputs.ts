/**
 * Files that arrive from outside the page: "Open with Tessera" on the installed app (File
 * Handling API, `launchQueue`) and photos shared to it from another app (Web Share Target: the
 * service worker stores them and redirects here with `?share=<id>`).
 */
import { SHARE_QUERY } from '../core/app-manifest';
import { messageOf } from '../core/errors';
import { takeShared } from '../io/shared-inbox';

/** Where arriving files go (the studio's input), and where a problem is said. */
export interface LaunchTarget {
  useInputFiles(files: File[], label?: string): void;
  say(message: string): void;
}

interface LaunchParams {
  files: readonly FileSystemHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Files opened with the installed app (one launch can bring several). */
export function consumeLaunches(target: LaunchTarget): void {
  const queue = (globalThis as { launchQueue?: LaunchQueue }).launchQueue;
  queue?.setConsumer((params) => {
    const handles = params.files.filter((h): h is FileSystemFileHandle => h.kind === 'file');
    if (!handles.length) return;
    void Promise.all(handles.map((h) => h.getFile())).then(
      (files) => target.useInputFiles(files, plural(files.length, 'opened file')),
      (e: unknown) => target.say(`the opened files cannot be read: ${messageOf(e)}`),
    );
  });
}

/** A share the service worker redirected here: its files become the input; the query is removed. */
export async function consumeShare(target: LaunchTarget): Promise<void> {
  const url = new URL(location.href);
  const id = url.searchParams.get(SHARE_QUERY);
  const failed = url.searchParams.get('share-error');
  if (id === null && failed === null) return;
  url.searchParams.delete(SHARE_QUERY);
  url.searchParams.delete('share-error');
  history.replaceState(history.state, '', url.href);
  if (failed !== null) return target.say(`the shared files could not be received: ${failed}`);
  try {
    const item = await takeShared(id ?? '');
    // Taken already (this page was reloaded after the share): nothing to do.
    if (!item) return;
    if (!item.files.length) return target.say('nothing to open: the share brought no photos or videos');
    target.useInputFiles(item.files, plural(item.files.length, 'shared file'));
  } catch (e) {
    target.say(`the shared files cannot be read: ${messageOf(e)}`);
  }
}
