/**
 * The page's lazily loaded parts (core/offline.ts LazyParts): the video job and mediabunny, loaded
 * on first use. The page cannot be replaced the way a worker can, so once it remembers a failed
 * import while the network is back, the message says to reload.
 */
import { LazyParts } from '../core/offline';

export const pageParts = new LazyParts({ realm: 'page' });

/** What the messages call the video chunks (the video job and mediabunny, which it imports). */
export const VIDEO_PART = 'Video support (mediabunny)';
