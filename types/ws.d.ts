// The part of the `ws` package (8.x) that scripts/lib/serve.mjs uses. `ws` ships no types and
// @types/ws is not a dependency; this follows @types/ws for these members.
declare module 'ws' {
  import type { IncomingMessage, Server as HttpServer } from 'node:http';
  import type { EventEmitter } from 'node:events';

  /** A message's payload: a Buffer with the default binaryType 'nodebuffer'. */
  export type RawData = Buffer | ArrayBuffer | Buffer[];

  export class WebSocket extends EventEmitter {
    send(data: string | Buffer | ArrayBuffer | ArrayBufferView, cb?: (err?: Error) => void): void;
    close(code?: number, reason?: string | Buffer): void;
    terminate(): void;
    on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this;
    on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }

  export interface ServerOptions {
    server?: HttpServer;
    path?: string;
    maxPayload?: number;
    perMessageDeflate?: boolean;
    verifyClient?: (info: { origin: string; secure: boolean; req: IncomingMessage }) => boolean;
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options?: ServerOptions, callback?: () => void);
    readonly clients: Set<WebSocket>;
    close(cb?: (err?: Error) => void): void;
    on(event: 'connection', listener: (socket: WebSocket, request: IncomingMessage) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }
}
