/**
 * Benchmark: start `emulator/main.ts` as a child process with a big store, report start-up time and
 * RSS, then walk customer pages (page_size 10000) and sales pages (page_size 500) with the version cursor
 * for a few seconds each, sequentially (one request at a time, as a sync client does).
 *
 *   tsx emulator/bench.ts [--customers 1000000] [--sales 5000000] [--seconds 10]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    sales: { type: 'string', default: '5000000' },
    seconds: { type: 'string', default: '10' },
  },
});

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const t0 = performance.now();
const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--customers', values.customers, '--sales', values.sales, '--no-rate-limit', '--registers', '3'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
const ready = new Promise<{ url: string; token: string }>((resolve, reject) => {
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    const url = /base URL template: (http:\/\/\S+)\/\{domain_prefix\}/.exec(out)?.[1];
    const token = /personal token:\s+(\S+)/.exec(out)?.[1];
    if (url && token) resolve({ url, token });
  });
  child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
});
const { url, token } = await ready;
const startMs = Math.round(performance.now() - t0);
const pid = child.pid!;
console.log(`emulator with ${values.customers} customers / ${values.sales} sales: ready in ${startMs} ms (process start incl. tsx), RSS ${rssMb(pid)} MB`);

async function walk(resource: string, pageSize: number, seconds: number) {
  let after = 0;
  let requests = 0;
  let rows = 0;
  let bytes = 0;
  const end = performance.now() + seconds * 1000;
  const t = performance.now();
  while (performance.now() < end) {
    const res = await fetch(`${url}/demo/api/2.0/${resource}?page_size=${pageSize}&after=${after}`, { headers: { Authorization: `Bearer ${token}` } });
    const text = await res.text();
    bytes += text.length;
    const body = JSON.parse(text) as { data: unknown[]; version: { max: number | null } };
    requests++;
    rows += body.data.length;
    if (body.data.length === 0) after = 0;
    else after = body.version.max!;
  }
  const s = (performance.now() - t) / 1000;
  console.log(
    `${resource.padEnd(9)} page_size ${String(pageSize).padStart(5)}: ${(requests / s).toFixed(1)} req/s, ${Math.round(rows / s)} rows/s, ${(bytes / s / 1e6).toFixed(1)} MB/s, ${requests} pages; RSS now ${rssMb(pid)} MB`,
  );
}

try {
  const seconds = Number(values.seconds);
  await walk('customers', 10_000, seconds);
  await walk('sales', 500, seconds);
} finally {
  child.kill('SIGTERM');
}
