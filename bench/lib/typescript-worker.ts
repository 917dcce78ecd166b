import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a TypeScript module. Patron runs its TypeScript through tsx's loader
 * (`node --import tsx`), which a worker thread does not inherit, so the thread registers the loader
 * itself and then imports the entry. A failure to load the entry reaches the Worker's 'error' event.
 */
export function startTypeScriptWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
