// Bundles the playground page script, its worker and its styles into www/dist.
// Usage: node www/build.mjs [--watch]
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: {
    playground: path.join(here, 'src/main.js'),
    worker: path.join(here, 'src/worker.js'),
    'playground-styles': path.join(here, 'styles/index.css'),
  },
  outdir: path.join(here, 'dist'),
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  sourcemap: true,
  minify: !watch,
  legalComments: 'linked',
  logLevel: 'info',
  // The wasm binary is fetched at run time next to pkg/, never inlined.
  external: ['*.wasm'],
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
