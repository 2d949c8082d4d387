// Minimal ESM loader so the routing scripts run on Node 20 without a build step:
// it transpiles .ts on the fly and maps the `.js` specifiers that nodenext requires to `.ts` sources.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const COMPILER_OPTIONS = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  sourceMap: false,
  inlineSourceMap: true,
  experimentalDecorators: true,
};

export async function resolve(specifier, context, nextResolve) {
  const isRelative = specifier.startsWith('.') || specifier.startsWith('/');
  if (isRelative && specifier.endsWith('.js') && context.parentURL) {
    const candidate = new URL(specifier, context.parentURL);
    const tsCandidate = new URL(candidate.href.replace(/\.js$/, '.ts'));
    if (!existsSync(fileURLToPath(candidate)) && existsSync(fileURLToPath(tsCandidate))) {
      return { url: tsCandidate.href, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: COMPILER_OPTIONS,
    fileName: fileURLToPath(url),
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
