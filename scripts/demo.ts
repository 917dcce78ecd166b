/**
 * `npm run demo`: Patron on its embedded PostgreSQL plus an emulated Lightspeed store to connect to,
 * so a newcomer can follow the help article end to end on one machine.
 *
 * The demo store has a few outlets, a few thousand customers and a year of sales, and keeps trading
 * (new customers and sales every few seconds). Patron's own data persists in PATRON_DATA_DIR
 * (./data); the store is generated afresh at each start from a fixed seed, so its token and domain
 * prefix stay the same, and its version counter starts above the previous run's so syncing carries on.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'emulator-port': { type: 'string', default: '4010' },
    customers: { type: 'string', default: '3000' },
    sales: { type: 'string', default: '15000' },
    outlets: { type: 'string', default: '3' },
    'live-interval': { type: 'string', default: '4000' },
    'no-live': { type: 'boolean', default: false },
  },
});

const DOMAIN_PREFIX = 'patron-demo';
const DEMO_EMAIL = 'demo@patron.test';
const DEMO_PASSWORD = 'patron-demo-password';
const port = Number(values.port);
const emulatorPort = Number(values['emulator-port']);
for (const [name, value] of [['--port', port], ['--emulator-port', emulatorPort]] as const) {
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    console.error(`${name} must be a port number.`);
    process.exit(2);
  }
}

const emulator = await startEmulator({ port: emulatorPort }).catch((error: Error) => {
  console.error(`Could not start the Lightspeed emulator on port ${emulatorPort}: ${error.message}. Pass --emulator-port to use another.`);
  process.exit(1);
});
const store = emulator.createStore({
  domainPrefix: DOMAIN_PREFIX,
  name: 'Patron Demo Outfitters',
  seed: 2026,
  customers: Number(values.customers),
  sales: Number(values.sales),
  outlets: Number(values.outlets),
  registers: Number(values.outlets),
  historyDays: 365,
  historyEnd: new Date(),
  // Above every version an earlier run of this demo handed out (milliseconds since 2026 × 1000).
  versionFloor: 2 ** 32 + (Date.now() - Date.UTC(2026, 0, 1)) * 1000,
});
if (!values['no-live']) store.startLiveTrading(Number(values['live-interval']));

const patronUrl = `http://127.0.0.1:${port}`;
const patron = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    PORT: String(port),
    LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate,
    // The emulator delivers webhooks to this address, so real-time updates work in the demo too.
    PUBLIC_URL: process.env.PUBLIC_URL ?? patronUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  store.stopLiveTrading();
  if (patron.exitCode === null) {
    patron.kill('SIGINT');
    await new Promise((resolve) => patron.once('exit', resolve));
  }
  await emulator.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
patron.once('exit', (code) => {
  if (!stopping) {
    console.error(`Patron exited (code ${code}).`);
    void emulator.close().then(() => process.exit(code ?? 1));
  }
});

// Wait for Patron, then make sure the demo sign-in exists.
for (let waited = 0; ; waited += 250) {
  if (patron.exitCode !== null) process.exit(1);
  try {
    if ((await fetch(`${patronUrl}/readyz`)).ok) break;
  } catch {
    // not listening yet
  }
  if (waited > 60_000) {
    console.error('Patron did not start within 60 s.');
    await stop();
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const signUp = await fetch(`${patronUrl}/api/auth/sign-up`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ companyName: 'Demo Retail Co', name: 'Demo Owner', email: DEMO_EMAIL, password: DEMO_PASSWORD }),
});
if (signUp.status !== 201 && signUp.status !== 409) console.error(`Could not create the demo sign-in (${signUp.status}).`);

console.log(`
  Patron is running:       ${patronUrl}
  Demo sign-in:            ${DEMO_EMAIL} / ${DEMO_PASSWORD}   (or sign up a company of your own)

  The Lightspeed store to connect (Settings > Integrations > Lightspeed X-Series > Connect):
    Token:                 ${store.token}
    DomainPrefix:          ${DOMAIN_PREFIX}
    Its token page:        ${emulator.baseUrl(DOMAIN_PREFIX)}/setup/personal-tokens  (Setup > Personal Tokens, as in Lightspeed)

  The store has ${values.customers} customers, ${values.sales} sales over a year, ${values.outlets} outlets${values['no-live'] ? '' : ', and keeps trading'}.
  Press Ctrl-C to stop.
`);
