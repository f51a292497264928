import { loadEnvFile } from '../lib/env-file.js';
import { createLogger } from '../lib/logger.js';
import { SHUTDOWN_GRACE_MS } from '../lib/net.js';
import { secretPrefix } from '../lib/secret.js';
import { loadStubConfig, startStub, type StubConfig } from './index.js';

/** `npm run stub`: the stub on its own, configured from STUB_* variables. */
async function main(): Promise<void> {
  let config: StubConfig;
  try {
    loadEnvFile();
    config = loadStubConfig(process.env);
  } catch (error) {
    console.error(`stub: bad configuration: ${(error as Error).message}`);
    process.exit(1);
  }
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 'stub');
  const stub = await startStub(config, { logger });

  // One block on stderr for a human, apart from the JSON logs on stdout. A key or secret the
  // operator supplied shows as its prefix only; a generated one whole, so it can be used.
  const show = (value: string, variable: string) => (process.env[variable]?.trim() ? `${secretPrefix(value)} (from ${variable})` : value);
  process.stderr.write(
    [
      '',
      'mintbot Brand Partner API stub is running',
      `  URL             ${stub.url}/api/v1`,
      `  API key         ${show(stub.apiKey(), 'STUB_API_KEY')}`,
      `  webhook secret  ${show(stub.webhookSecret, 'STUB_WEBHOOK_SECRET')}`,
      `  webhook URL     ${stub.webhookUrl ?? '(none: set STUB_WEBHOOK_URL or pass webhook_url per order)'}`,
      `  database        ${config.dbPath}`,
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Requests in flight finish (up to 10 s), then deliveries stop: one still in flight is
    // aborted and stays due, so the next start sends it again.
    process.stderr.write(`${signal}: stub shutting down…\n`);
    logger.info({ signal }, 'stub shutting down');
    setTimeout(() => {
      process.stderr.write('stub: shutdown did not finish in time; exiting anyway\n');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 5_000).unref();
    stub.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stub did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`stub: failed to start: ${(error as Error).message}`);
  process.exit(1);
});
