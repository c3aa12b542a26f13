/// <reference lib="webworker" />
/**
 * A codec worker for streamed giant images, used when no engine pool worker can be spared for the
 * role (WorkerPool.lease): it decodes a file into the input ring, or encodes the output ring, each
 * as one long blocking call (Atomics.wait on the control block is its backpressure).
 */
import * as Comlink from 'comlink';
import { streamCodec, type StreamCodecApi } from './stream-task';

Comlink.expose(streamCodec satisfies StreamCodecApi);
