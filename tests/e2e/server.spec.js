// The static server as browsers and hostile clients see it: MIME types, security headers,
// partial content, and refusals.
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { expect, test } from '@playwright/test';
import { CSP } from '../../scripts/csp.mjs';

const WASM = '/pkg/attention_playground_bg.wasm';
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** GETs `rawPath` byte for byte, without the URL normalisation every browser and fetch apply. */
function rawGet(baseURL, rawPath) {
  const { hostname, port } = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: rawPath }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(headers) {
  expect(headers['content-security-policy']).toBe(CSP);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cache-control']).toBe('no-cache');
}

test('serves the wasm core as application/wasm with the security headers', async ({ request }) => {
  const response = await request.get(WASM);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/wasm');
  expectSecurityHeaders(response.headers());
  expect([...(await response.body()).subarray(0, 4)]).toEqual(WASM_MAGIC);
});

test('the page is HTML under the strict CSP, and wasm still compiles there', async ({ page }) => {
  const response = await page.goto('/');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^text\/html/);
  expectSecurityHeaders(response.headers());
  const exportCount = await page.evaluate(async (url) => {
    const module = await WebAssembly.compileStreaming(fetch(url));
    return WebAssembly.Module.exports(module).length;
  }, WASM);
  expect(exportCount).toBeGreaterThan(0);
});

test('answers Range and HEAD requests', async ({ request }) => {
  const head = await request.head(WASM);
  const size = Number(head.headers()['content-length']);
  expect(head.headers()['accept-ranges']).toBe('bytes');
  expect(size).toBeGreaterThan(4);

  const part = await request.get(WASM, { headers: { Range: 'bytes=0-3' } });
  expect(part.status()).toBe(206);
  expect(part.headers()['content-range']).toBe(`bytes 0-3/${size}`);
  expect([...(await part.body())]).toEqual(WASM_MAGIC);

  const beyond = await request.get(WASM, { headers: { Range: `bytes=${size}-` } });
  expect(beyond.status()).toBe(416);
});

test('refuses paths that leave the served folder', async ({ baseURL }) => {
  for (const path of [
    '/../../../../../../etc/passwd',
    '/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/pkg/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/.git/config',
  ]) {
    const response = await rawGet(baseURL, path);
    expect([403, 404], `status for ${path}`).toContain(response.status);
    expect(response.body, `body for ${path}`).not.toContain('root:');
    expectSecurityHeaders(response.headers);
  }
  expect((await rawGet(baseURL, '/%E0%A4%A')).status).toBe(400);
});

test('symbolic links are followed only while they stay inside the served folder', async ({ baseURL }) => {
  // Links made for this test in a git-ignored folder of the served root, to a file and a folder
  // outside it and to a file inside it.
  const outside = await mkdtemp(join(tmpdir(), 'serve-outside-'));
  const links = resolvePath('test-results', `symlinks-${process.pid}`);
  await mkdir(links, { recursive: true });
  try {
    await writeFile(join(outside, 'secret.txt'), 'secret: outside the served folder');
    await writeFile(join(outside, 'index.html'), '<p>secret: outside the served folder</p>');
    await symlink(join(outside, 'secret.txt'), join(links, 'file-out'));
    await symlink(outside, join(links, 'folder-out'));
    await symlink(resolvePath('package.json'), join(links, 'file-in'));
    const base = `/test-results/symlinks-${process.pid}`;
    for (const hostile of [`${base}/file-out`, `${base}/folder-out/`, `${base}/folder-out/secret.txt`, `${base}/folder-out/index.html`]) {
      const response = await rawGet(baseURL, hostile);
      expect([403, 404], `status for ${hostile}`).toContain(response.status);
      expect(response.body, `body for ${hostile}`).not.toContain('secret');
      expectSecurityHeaders(response.headers);
    }
    const folder = await rawGet(baseURL, `${base}/folder-out`);
    if (folder.status === 301) expect(folder.headers.location).toBe(`${base}/folder-out/`);
    else expect([403, 404]).toContain(folder.status);
    const inside = await rawGet(baseURL, `${base}/file-in`);
    expect(inside.status).toBe(200);
    expect(JSON.parse(inside.body).name).toBeTruthy();
  } finally {
    await rm(links, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  }
});

test('a folder without its final slash is redirected to itself on this host, never to another', async ({ baseURL }) => {
  const plain = await rawGet(baseURL, '/www');
  expect(plain.status).toBe(301);
  expect(plain.headers.location).toBe('/www/');
  expect((await rawGet(baseURL, '/www/docs')).headers.location).toBe('/www/docs/');
  for (const hostile of ['//evil.example/..%2fwww', '/\\evil.example/..%2fwww', '//evil.example/%2e%2e/www', '/%2fevil.example/..%2fwww']) {
    const response = await rawGet(baseURL, hostile);
    if (response.status === 301) {
      expect(response.headers.location, `Location for ${hostile}`).toMatch(/^\/[^/\\]/);
      expect(new URL(response.headers.location, baseURL).origin, `origin for ${hostile}`).toBe(new URL(baseURL).origin);
    } else {
      expect([400, 403, 404], `status for ${hostile}`).toContain(response.status);
    }
    expectSecurityHeaders(response.headers);
  }
});

test('unknown paths get a plain-text 404 with the same headers', async ({ request }) => {
  const response = await request.get('/no/such/file.js');
  expect(response.status()).toBe(404);
  expect(response.headers()['content-type']).toBe('text/plain; charset=utf-8');
  expectSecurityHeaders(response.headers());
  expect(await response.text()).toContain('Not Found');
});
