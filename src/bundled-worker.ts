import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { buildSync } from 'esbuild';

/**
 * Starts a worker thread on a TypeScript module compiled, with everything it imports, into one
 * script. A thread started through tsx's loader (typescript-worker.ts) gets a loader thread of its
 * own and keeps every module's source as written; one script with whitespace and syntax minified
 * (names kept, for readable stacks) took ~15 MB less per thread, measured (docs/performance.md,
 * change 27). Every worker process runs a reader thread, so that is memory a worker does not need.
 *
 * The script is built once per entry and process (~0.1 s). A module that bundles with warnings (it
 * uses `import.meta`, which a script does not have) fails to start rather than run half-broken.
 */
const scripts = new Map<string, string>();

export function startBundledWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  let script = scripts.get(entry.href);
  if (script === undefined) scripts.set(entry.href, (script = bundle(entry)));
  return new Worker(script, { ...options, eval: true });
}

function bundle(entry: URL): string {
  const built = buildSync({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    logLevel: 'silent',
  });
  if (built.warnings.length > 0) {
    throw new Error(`${entry.pathname} does not bundle cleanly into a thread script: ${built.warnings.map((warning) => warning.text).join('; ')}`);
  }
  return built.outputFiles[0]!.text;
}
