// The job's Python sources are real .py files beside this folder, bundled as text by esbuild's text loader (build.mjs).
declare module '*.py' {
  const text: string;
  export default text;
}
