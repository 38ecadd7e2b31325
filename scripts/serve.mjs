#!/usr/bin/env node
// A small static file server for the playground, with no dependencies: it binds 127.0.0.1 only,
// sends the security headers the page is designed for (a strict Content-Security-Policy), serves
// .wasm as application/wasm and answers Range requests so large model files can be read in parts.
//
//   node scripts/serve.mjs [--port 8080] [--root DIR] [--csp "..."] [--isolate]
//                          [--strict-port] [--exit-after SECONDS]

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CSP } from './csp.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PORT_ATTEMPTS = 20;

const USAGE = `usage: node scripts/serve.mjs [options]
  --port N             first port to try (default: $PORT or 8080); the next free one is used
  --strict-port        fail instead of trying the next port when N is taken
  --root DIR           folder to serve (default: the repository root)
  --csp POLICY         Content-Security-Policy header ("" sends none)
                       (default: ${CSP})
  --isolate            cross-origin isolation (COOP same-origin + COEP require-corp),
                       needed for SharedArrayBuffer and wasm threads
  --exit-after SECONDS stop by itself after this many seconds
  --help               show this help`;

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
const BINARY = 'application/octet-stream';

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      'strict-port': { type: 'boolean', default: false },
      root: { type: 'string', default: REPO_ROOT },
      csp: { type: 'string', default: CSP },
      isolate: { type: 'boolean', default: false },
      'exit-after': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--port must be a whole number from 1 to 65535, got "${values.port}"`);
  }
  const exitAfter = values['exit-after'] === undefined ? null : Number(values['exit-after']);
  if (exitAfter !== null && !(exitAfter > 0)) {
    throw new Error(`--exit-after must be a positive number of seconds, got "${values['exit-after']}"`);
  }
  return {
    help: values.help,
    port,
    strictPort: values['strict-port'],
    root: path.resolve(values.root),
    csp: values.csp,
    isolate: values.isolate,
    exitAfter,
  };
}

/** Headers sent with every response, errors included. */
function baseHeaders({ csp, isolate }) {
  const headers = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
  if (csp) headers['Content-Security-Policy'] = csp;
  if (isolate) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
  }
  return headers;
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Maps a request path to a file inside `root`, or throws an HttpError. Refuses anything that
 * would leave the root once decoded and normalised (also through symbolic links), hidden files
 * and folders, and malformed encodings.
 */
async function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new HttpError(400, 'Bad Request: malformed percent-encoding');
  }
  if (decoded.includes('\0')) throw new HttpError(400, 'Bad Request: NUL byte in path');
  const candidate = path.resolve(root, `.${path.posix.sep}${decoded}`);
  if (!isInside(root, candidate)) throw new HttpError(403, 'Forbidden: outside the served folder');
  if (path.relative(root, candidate).split(path.sep).some((part) => part.startsWith('.'))) {
    throw new HttpError(404, `Not Found: ${urlPath}`);
  }

  let file = candidate;
  let info = await statOrNull(file);
  if (info?.isDirectory()) {
    // The folder's own path, rebuilt from the resolved file: always one leading slash, so the
    // Location can never name another host (`//host/…`, `/\host/…`).
    if (!urlPath.endsWith('/')) return { redirect: folderPath(root, candidate) };
    file = path.join(file, 'index.html');
    info = await statOrNull(file);
  }
  if (!info?.isFile()) throw new HttpError(404, `Not Found: ${urlPath}`);
  if (!isInside(await realpath(root), await realpath(file))) {
    throw new HttpError(403, 'Forbidden: outside the served folder');
  }
  return { file, info };
}

/** The URL path of a folder inside `root`, ending with a slash. */
function folderPath(root, folder) {
  const parts = path.relative(root, folder).split(path.sep).filter(Boolean);
  return `/${parts.map(encodeURIComponent).map((part) => `${part}/`).join('')}`;
}

function isInside(root, candidate) {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

async function statOrNull(file) {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}

/**
 * Parses a single-range `Range: bytes=…` header against a file of `size` bytes.
 * Returns null to send the whole file, 'unsatisfiable', or { start, end } (inclusive).
 */
function parseRange(header, size) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return null; // absent, malformed or multi-range
  let start;
  let end;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

function isFresh(req, etag, mtime) {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const ifModifiedSince = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(ifModifiedSince) && Math.floor(mtime.getTime() / 1000) * 1000 <= ifModifiedSince;
}

function sendFile(req, res, headers, { file, info }) {
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  Object.assign(headers, {
    'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? BINARY,
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': info.mtime.toUTCString(),
  });
  if (isFresh(req, etag, info.mtime)) {
    res.writeHead(304, headers).end();
    return;
  }

  const ifRange = req.headers['if-range'];
  const range = ifRange && ifRange !== etag ? null : parseRange(req.headers.range, info.size);
  if (range === 'unsatisfiable') {
    sendError(res, { ...headers, 'Content-Range': `bytes */${info.size}` }, 416, 'Range Not Satisfiable');
    return;
  }
  const { start, end } = range ?? { start: 0, end: info.size - 1 };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
  headers['Content-Length'] = String(info.size === 0 ? 0 : end - start + 1);
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || info.size === 0) {
    res.end();
    return;
  }
  createReadStream(file, { start, end })
    .on('error', () => res.destroy())
    .pipe(res);
}

function sendError(res, headers, status, message) {
  const body = `${status} ${message}\n`;
  for (const name of ['Accept-Ranges', 'ETag', 'Last-Modified']) delete headers[name];
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function createHandler(options) {
  return async (req, res) => {
    const headers = baseHeaders(options);
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, 'Method Not Allowed');
      }
      const urlPath = req.url.split(/[?#]/, 1)[0];
      if (!urlPath.startsWith('/')) throw new HttpError(400, 'Bad Request');
      const target = await resolveFile(options.root, urlPath);
      if (target.redirect) {
        res.writeHead(301, { ...headers, Location: target.redirect }).end();
        return;
      }
      sendFile(req, res, headers, target);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 405) headers.Allow = 'GET, HEAD';
      if (status >= 500) console.error(error);
      if (status !== 404) console.error(`${status} ${req.method} ${req.url}`);
      sendError(res, headers, status, error instanceof HttpError ? error.message : 'Internal Server Error');
    }
  };
}

function listen(server, port, attemptsLeft) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE' && attemptsLeft > 1 && port < 65535) {
        resolve(listen(server, port + 1, attemptsLeft - 1));
      } else {
        reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use`) : error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const rootInfo = await statOrNull(options.root);
  if (!rootInfo?.isDirectory()) {
    console.error(`--root ${options.root} is not a folder`);
    process.exit(2);
  }

  const server = createServer(createHandler(options));
  let port;
  try {
    port = await listen(server, options.port, options.strictPort ? 1 : PORT_ATTEMPTS);
  } catch (error) {
    console.error(`Cannot start the server: ${error.message}`);
    process.exit(1);
  }
  console.log(`Attention Playground: http://127.0.0.1:${port}/`);

  const stop = () => {
    server.close();
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (options.exitAfter !== null) setTimeout(stop, options.exitAfter * 1000).unref();
}

await main();
