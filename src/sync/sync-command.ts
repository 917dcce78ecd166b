import type { SyncDeps } from './sync-runner.ts';
import { runCredentialSync } from './sync-runner.ts';

/**
 * `patron sync <credential>`: one sync run in the foreground, for operators. The credential is
 * named by its id or its store address (domain prefix). Returns the process exit code.
 */
export async function runSyncCommand(deps: SyncDeps, which: string | undefined): Promise<number> {
  if (!which) {
    console.error('Usage: patron sync <credential-id | domain-prefix>');
    return 2;
  }
  const matches = await deps.db
    .selectFrom('credentials')
    .select(['id', 'domain_prefix', 'retailer_name'])
    .where((eb) => (/^[0-9a-f-]{36}$/i.test(which) ? eb('id', '=', which) : eb('domain_prefix', '=', which.toLowerCase())))
    .execute();
  if (matches.length === 0) {
    console.error(`No credential matches "${which}".`);
    return 2;
  }
  if (matches.length > 1) {
    console.error(`"${which}" matches ${matches.length} credentials (several companies); use the credential id:`);
    for (const match of matches) console.error(`  ${match.id}  ${match.retailer_name}`);
    return 2;
  }
  const credential = matches[0]!;
  console.log(`Syncing ${credential.retailer_name} (${credential.domain_prefix})…`);
  const started = Date.now();
  const result = await runCredentialSync(deps, credential.id, {
    reason: 'manual',
    maxRunMs: Number.POSITIVE_INFINITY,
    onProgress: (progress) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\r  ${progress.resource.padEnd(16)} pages ${progress.pages}  records ${progress.records}  requests ${progress.requests}  ${seconds}s   `);
    },
  });
  process.stdout.write('\n');
  switch (result.outcome) {
    case 'succeeded':
      console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.records} records in ${result.pages} pages, ${result.requests} requests, ${result.quarantined} quarantined.`);
      return 0;
    case 'rate_limited':
      console.log(`Paused by the rate limit; resume after ${result.retryAt.toISOString()}.`);
      return 1;
    case 'auth_failed':
      console.log('The POS rejected the token: the credential is now marked invalid. Replace its token on the connection page.');
      return 1;
    case 'skipped':
      console.log(`Skipped: ${result.reason}.`);
      return 1;
  }
}
