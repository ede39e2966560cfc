/**
 * Confab's HTTP edge, the "application server": JSON health, Prometheus
 * metrics, the web client's files, and a same-origin proxy of Prosody's
 * XMPP WebSocket (RFC 7395) at /xmpp-websocket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { createLogger } from '../common/logger';
import { ConfigError } from '../common/config';

const log = createLogger('http');

export const WEBSOCKET_PATH = '/xmpp-websocket';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpOptions {
  address: string;
  port: number;
  /** Prosody's HTTP service, target of the WebSocket proxy. */
  prosody: { host: string; port: number };
  /** Built web client; any unknown path without an extension serves its index.html (rooms by URL). */
  staticDir?: string;
}

export class HttpServer {
  private readonly server: Server;
  private readonly routes = new Map<string, RouteHandler>();
  private readonly tunnels = new Set<Socket>();
  private closed = false;

  constructor(private readonly options: HttpOptions) {
    // noDelay: Node's default too; explicit, as for the tunnel to Prosody below.
    this.server = createServer({ noDelay: true }, (req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket: Socket, head) => this.upgrade(req, socket, head));
  }

  route(path: string, handler: RouteHandler): void {
    this.routes.set(path, handler);
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE')
          reject(
            new ConfigError('server.http-port', `port ${this.options.port} is already in use`),
          );
        else if (error.code === 'EADDRNOTAVAIL')
          reject(
            new ConfigError(
              'server.http-address',
              `${this.options.address} is not an address of this machine`,
            ),
          );
        else reject(error);
      });
      this.server.listen(this.options.port, this.options.address, () => resolve());
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.tunnels) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      const handler = this.routes.get(path);
      if (handler) return await handler(req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(res, 405, 'method not allowed\n');
      if (this.options.staticDir && this.serveStatic(path, res)) return;
      send(res, 404, 'not found\n');
    } catch (error) {
      log.error('request failed', { path, error });
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    }
  }

  private serveStatic(path: string, res: ServerResponse): boolean {
    const root = this.options.staticDir as string;
    let file = normalize(join(root, decodeURIComponent(path)));
    if (file !== root && !file.startsWith(root + sep)) return false;
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // Room URLs (/<room>) are client-side routes of the single page.
      if (extname(path)) return false;
      file = join(root, 'index.html');
      if (!existsSync(file)) return false;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'content-type': type,
      'cache-control': type.startsWith('text/html') ? 'no-cache' : 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(file).pipe(res);
    return true;
  }

  /** Pipes WebSocket upgrades for /xmpp-websocket to Prosody, bytes untouched. */
  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== WEBSOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    // XMPP over the tunnel is small stanzas: Nagle off both ways (common/noDelay.ts).
    socket.setNoDelay(true);
    const upstream = connect(this.options.prosody.port, this.options.prosody.host);
    upstream.setNoDelay(true);
    this.tunnels.add(socket).add(upstream);
    const forget = (): void => {
      this.tunnels.delete(socket);
      this.tunnels.delete(upstream);
      socket.destroy();
      upstream.destroy();
    };
    upstream.once('connect', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.once('error', (error) => {
      log.warn('WebSocket proxy cannot reach Prosody', { error });
      socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n');
      forget();
    });
    socket.once('error', forget);
    socket.once('close', forget);
    upstream.once('close', forget);
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body, null, 2) + '\n', 'application/json');
}
