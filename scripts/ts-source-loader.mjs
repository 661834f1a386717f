// Module hooks (node:module register) that run the project's TypeScript sources as ES modules:
// `@huashu/<lib>` → libs/<lib>/src/index.ts, `./x.js` → `./x.ts` when only the source exists, and
// each .ts file transpiled on load with the project's compiler options. Used for worker threads
// started from sources (Jest runs the main thread through ts-jest, which a worker cannot use).
// Hand-written because the loader already installed does not fit: tsx (esbuild) drops the decorator
// metadata Nest's dependency injection needs; ts-node or swc would add a second compiler for this one
// use, while the project's TypeScript does it in a few lines. Files compile one by one
// (transpileModule), which is safe here: the project sets isolatedModules.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = new URL('..', import.meta.url);
const ALIAS = /^@huashu\/([a-z-]+)$/;

const { config } = ts.readConfigFile(fileURLToPath(new URL('tsconfig.json', root)), ts.sys.readFile);
const compilerOptions = {
  ...ts.convertCompilerOptionsFromJson(config.compilerOptions, fileURLToPath(root)).options,
  module: ts.ModuleKind.ESNext,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
};

export async function resolve(specifier, context, next) {
  const alias = ALIAS.exec(specifier);
  if (alias) {
    const url = new URL(`libs/${alias[1]}/src/index.ts`, root);
    if (existsSync(url)) return { url: url.href, shortCircuit: true };
  }
  if (
    context.parentURL?.endsWith('.ts') &&
    (specifier.startsWith('./') || specifier.startsWith('../')) &&
    specifier.endsWith('.js')
  ) {
    const js = new URL(specifier, context.parentURL);
    if (!existsSync(js)) {
      const source = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(source)) return { url: source.href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(path, 'utf8'), {
    compilerOptions,
    fileName: path,
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
