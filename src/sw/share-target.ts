/**
 * Web Share Target: a phone's gallery (or any app) POSTs the shared photos here as multipart form
 * data. They go into the shared inbox (IndexedDB) and the browser is sent on to the studio, which
 * takes them into its input list (`?share=<id>`). A share with no usable file still opens the
 * studio, which says so.
 */
import { SHARE_FIELD, SHARE_QUERY } from '../core/app-manifest';
import { clearStaleShared, putShared } from '../io/shared-inbox';

/** Stores what was shared and answers with a redirect (303: the studio is fetched with GET). */
export async function receiveShare(request: Request, scope: string): Promise<Response> {
  const target = new URL('./', scope);
  try {
    const form = await request.formData();
    const files = form.getAll(SHARE_FIELD).filter((f): f is File => f instanceof File && f.size > 0);
    const text = (name: string) => {
      const v = form.get(name);
      return typeof v === 'string' && v ? v : undefined;
    };
    await clearStaleShared().catch(() => {});
    const id = await putShared({ files, title: text('title'), text: text('text'), url: text('url') });
    target.searchParams.set(SHARE_QUERY, id);
  } catch (e) {
    target.searchParams.set('share-error', e instanceof Error ? e.message : String(e));
  }
  return Response.redirect(target.href, 303);
}
