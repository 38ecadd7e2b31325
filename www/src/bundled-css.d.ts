// A stylesheet bundled into a script as text (www/build.mjs resolves the `bundled-css:` prefix).
declare module 'bundled-css:*' {
  const css: string;
  export default css;
}
