// Bundles the front end into www/dist:
//   playground.js            the playground page's script (index.html)
//   attention-playground.js  the <attention-playground> element, its styles inside
//   playground-styles.css    the page's styles
//   lessons.js, lessons-styles.css  the course and its lessons (www/lessons/): the question elements and
//                            the page around a lesson; its playgrounds' workers run
//                            attention-playground.js
//   attention-playground.wasm  the core, copied from pkg/: each bundle is also its own worker
//                              and loads the wasm from next to itself
// Usage: node www/build.mjs [--watch]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, 'dist');
const wasmSource = path.join(here, '..', 'pkg', 'attention_playground_bg.wasm');
const wasmTarget = path.join(outdir, 'attention-playground.wasm');
const watch = process.argv.includes('--watch');

/**
 * `import css from 'bundled-css:./file.css'`: the stylesheet with its @imports bundled and
 * minified, as a string (the element adopts it as a constructable stylesheet).
 * @type {import('esbuild').Plugin}
 */
const bundledCss = {
  name: 'bundled-css',
  setup(build) {
    build.onResolve({ filter: /^bundled-css:/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.slice('bundled-css:'.length)),
      namespace: 'bundled-css',
    }));
    build.onLoad({ filter: /.*/, namespace: 'bundled-css' }, async (args) => {
      const result = await esbuild.build({
        entryPoints: [args.path],
        bundle: true,
        write: false,
        minify: !watch,
        metafile: true,
        logLevel: 'silent',
      });
      return {
        contents: result.outputFiles[0].text,
        loader: 'text',
        watchFiles: Object.keys(result.metafile.inputs).map((input) => path.resolve(input)),
      };
    });
  },
};

/** Copies the wasm core next to the bundles whenever it is newer. */
/** @type {import('esbuild').Plugin} */
const copyWasm = {
  name: 'copy-wasm',
  setup(build) {
    build.onEnd(() => {
      if (!existsSync(wasmSource)) {
        console.error('✗ pkg/attention_playground_bg.wasm is missing: build the wasm core first (bash scripts/build.sh)');
        process.exitCode = 1;
        return;
      }
      mkdirSync(outdir, { recursive: true });
      if (!existsSync(wasmTarget) || statSync(wasmSource).mtimeMs > statSync(wasmTarget).mtimeMs) {
        copyFileSync(wasmSource, wasmTarget);
      }
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: {
    playground: path.join(here, 'src/main.js'),
    'attention-playground': path.join(here, 'src/element-main.js'),
    'playground-styles': path.join(here, 'styles/index.css'),
    lessons: path.join(here, 'src/lessons/main.js'),
    'lessons-styles': path.join(here, 'styles/lessons.css'),
  },
  outdir,
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  sourcemap: true,
  minify: !watch,
  legalComments: 'linked',
  logLevel: 'info',
  plugins: [bundledCss, copyWasm],
  // The wasm binary is fetched at run time from next to the bundle, never inlined.
  external: ['*.wasm'],
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
