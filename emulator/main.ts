/**
 * CLI: start the emulator with a demo store.
 *
 *   tsx emulator/main.ts --port 4010 --customers 1000 --sales 5000 --outlets 2 --registers 2 \
 *       --seed 42 --store demo --rate-limit-window 300 --live
 *
 * Prints the base URL template, the demo store's domain prefix and its personal token.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './index.ts';
import type { UnknownPrefixMode } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    store: { type: 'string', default: 'demo' },
    customers: { type: 'string', default: '1000' },
    sales: { type: 'string', default: '5000' },
    outlets: { type: 'string', default: '2' },
    registers: { type: 'string', default: '2' },
    users: { type: 'string', default: '5' },
    products: { type: 'string', default: '60' },
    seed: { type: 'string', default: '42' },
    'people-seed': { type: 'string' },
    token: { type: 'string' },
    'rate-limit-window': { type: 'string', default: '300' },
    'no-rate-limit': { type: 'boolean', default: false },
    'unknown-prefix': { type: 'string', default: 'html404' },
    'history-end': { type: 'string' },
    live: { type: 'boolean', default: false },
    'live-interval': { type: 'string', default: '3000' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('Usage: tsx emulator/main.ts [--port 4010] [--store demo] [--customers N] [--sales N] [--outlets N] [--registers N] [--seed S] [--rate-limit-window SECONDS] [--no-rate-limit] [--live] [--token lsxs_pt_...]');
  process.exit(0);
}

const t0 = performance.now();
const num = (s: string | undefined, name: string): number => {
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
};
const emu = await startEmulator({ port: num(values.port, 'port'), host: values.host, unknownPrefix: values['unknown-prefix'] as UnknownPrefixMode });
const store = emu.createStore({
  domainPrefix: values.store,
  name: 'Demo Store',
  seed: /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed,
  ...(values['people-seed'] ? { peopleSeed: values['people-seed'] } : {}),
  customers: num(values.customers, 'customers'),
  sales: num(values.sales, 'sales'),
  outlets: num(values.outlets, 'outlets'),
  registers: num(values.registers, 'registers'),
  users: num(values.users, 'users'),
  products: num(values.products, 'products'),
  // The demo's history ends today (UTC midnight), so dates look current; pass --history-end to pin it.
  historyEnd: values['history-end'] ?? new Date(new Date().toISOString().slice(0, 10)).getTime(),
  ...(values.token ? { token: values.token } : {}),
  config: { rateLimit: { enabled: !values['no-rate-limit'], windowMs: num(values['rate-limit-window'], 'rate-limit-window') * 1000 } },
});
if (values.live) store.startLiveTrading(num(values['live-interval'], 'live-interval'));
const ms = Math.round(performance.now() - t0);

console.log(`Lightspeed X-Series emulator listening on ${emu.url} (ready in ${ms} ms)`);
console.log(`  base URL template: ${emu.baseUrlTemplate}`);
console.log(`  domain prefix:     ${store.domainPrefix}`);
console.log(`  personal token:    ${store.token}`);
console.log(`  try: curl -H "Authorization: Bearer ${store.token}" ${emu.baseUrl(store.domainPrefix)}/api/2.0/retailer`);
console.log(`  admin API:         ${emu.url}/_admin/stores`);
console.log(`  data: ${store.customers.count} customers, ${store.sales.count} sales, ${store.registers.count} registers${values.live ? ', live trading on' : ''}`);

const shutdown = () => {
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
