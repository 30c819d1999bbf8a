import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A loopback HTTP server for the duration of a test; `handle` answers each request.
export async function serve(handle: (path: string, res: import('node:http').ServerResponse) => void): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handle(req.url ?? '', res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}
