// The Content-Security-Policy the playground is designed for, sent by scripts/serve.mjs and
// checked by the browser tests. Scripts only from the site itself (plus compiling its wasm); no
// <base> element, no form submission and no plugins. frame-ancestors is deliberately left open:
// the page is made to be framed by course pages (an iframe with embed=1).
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');
