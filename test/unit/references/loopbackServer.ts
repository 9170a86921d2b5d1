/**
 * A real HTTP server on 127.0.0.1 for the reference fetcher's tests. The
 * fetcher refuses loopback by default, so tests that reach this server pass
 * the test-only `allowAddress` policy; the default policy is tested apart.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Paths requested so far, in order. */
  requests: string[];
  /** Host headers received, in order. */
  hosts: string[];
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startLoopbackServer(): Promise<LoopbackServer> {
  const routes = new Map<string, Handler>();
  const requests: string[] = [];
  const hosts: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    hosts.push(req.headers.host ?? '');
    const handler = routes.get(req.url ?? '') ?? routes.get('*');
    if (handler) handler(req, res);
    else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    hosts,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        // Slow handlers may still hold sockets open; the test is over.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function html(body: string, contentType = 'text/html; charset=utf-8'): Handler {
  return (_req, res) => {
    res.setHeader('content-type', contentType);
    res.end(body);
  };
}

export function css(body: string): Handler {
  return html(body, 'text/css');
}

export function redirect(location: string, status = 302): Handler {
  return (_req, res) => {
    res.statusCode = status;
    res.setHeader('location', location);
    res.end();
  };
}

/** Only the loopback test server's address: everything else (10.x, redirects elsewhere) stays refused. */
export const allowLoopbackOnly = (address: string): boolean => address === '127.0.0.1';
