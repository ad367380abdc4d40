/**
 * The codec endpoint the Temporal UI (and `temporal workflow show --codec-endpoint`) calls to show
 * encrypted payloads decoded: POST /decode and /encode with `{"payloads": [{metadata, data}]}` (proto JSON,
 * bytes as base64). It decrypts for whoever can reach it, so it listens on 127.0.0.1 by default and
 * answers browsers only from the UI origins it is told (CORS).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  port?: number;
  host?: string;
  /** Browser origins allowed to call (the Temporal UI), e.g. http://localhost:8233; "*" for any. */
  origins?: string[];
  /** Largest request body accepted (default 8 MiB; Temporal's own blob limit is 2 MiB). */
  maxBodyBytes?: number;
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startCodecServer(opts: CodecServerOptions): Promise<CodecServer> {
  const origins = opts.origins ?? DEFAULT_UI_ORIGINS;
  const limit = opts.maxBodyBytes ?? 8 * 1024 * 1024;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (origins.includes('*') || origins.includes(origin));
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    // A browser page from another origin must not get plaintext; tools without an Origin header may.
    if (origin !== undefined && !allowed) return send(res, 403, { error: `origin ${origin} is not allowed` });
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204);
      return res.end();
    }
    const route = req.url?.split('?')[0].replace(/\/+$/, '').split('/').pop();
    if (req.method !== 'POST' || (route !== 'encode' && route !== 'decode')) {
      return send(res, 404, { error: 'POST /encode or /decode' });
    }
    try {
      const body = JSON.parse((await readBody(req, limit)).toString('utf8') || '{}') as { payloads?: JsonPayload[] };
      if (!Array.isArray(body.payloads)) return send(res, 400, { error: 'body must be {"payloads": [...]}' });
      const input = body.payloads.map(fromJson);
      const out = route === 'encode' ? await opts.codec.encode(input) : await opts.codec.decode(input);
      send(res, 200, { payloads: out.map(toJson) });
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      send(res, status, { error: (err as Error).message });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
