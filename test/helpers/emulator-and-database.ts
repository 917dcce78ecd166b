import { after, before } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * A Lightspeed emulator and a fresh test database for the test file that calls this at its top
 * level: started before its first test, dropped and closed after its last. Read them from the
 * returned object inside tests (they exist once `before` has run).
 */
export function emulatorAndDatabase(): { emulator: Emulator; database: TestDatabase } {
  const env = {} as { emulator: Emulator; database: TestDatabase };
  before(async () => {
    env.emulator = await startEmulator();
    env.database = await createTestDatabase();
  });
  after(async () => {
    await env.database?.drop();
    await env.emulator?.close();
  });
  return env;
}
