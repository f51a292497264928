import { randomBytes } from 'node:crypto';
import { EnvFileError, loadEnvFile } from './lib/env-file.js';
import { createLogger } from './lib/logger.js';
import { SHUTDOWN_GRACE_MS } from './lib/net.js';
import { secretPrefix } from './lib/secret.js';
import { ConfigError, loadPortalConfig, type PortalConfig } from './portal/config.js';
import { startPortal, type RunningPortal } from './portal/index.js';
import { loadPlans } from './portal/shop/plans.js';
import { loadStubConfig, startStub, type RunningStub, type StubConfig } from './stub/index.js';

/** Embedded mode retries webhooks quickly so the whole loop is visible in seconds. */
const EMBEDDED_RETRY_SCHEDULE = [0, 2, 5, 10, 30, 60, 120];

/**
 * `npm start`: the portal, plus the embedded Brand Partner API stub when MINTOFFICE_API_URL is
 * unset, wired to each other (key, webhook secret, webhook URL, checkout origin). Bad
 * configuration ends the process with one line naming the variable and exit code 1.
 */
async function main(): Promise<void> {
  const envFile = loadEnvFile();
  const env = process.env;
  let config = loadPortalConfig(env);
  // What the operator supplied is shown by its prefix only; what this start generated, whole.
  const supplied = {
    apiKey: Boolean(env.STUB_API_KEY?.trim() || config.apiKey),
    webhookSecret: Boolean(env.STUB_WEBHOOK_SECRET?.trim() || config.webhookSecret),
  };
  loadPlans(config.plansFile); // fail on a broken plans file before anything starts listening
  let stub: RunningStub | undefined;
  let generatedPassword: string | undefined;
  // Said once the configuration is known to be good, before the slower part (databases, ports).
  const starting = () =>
    process.stderr.write(`Starting ${config.apiUrl ? 'the portal' : 'the embedded API stub and the portal'} (settings from ${envFile ?? 'the environment; no .env'})…\n`);

  if (!config.apiUrl) {
    let stubConfig: StubConfig;
    try {
      stubConfig = loadStubConfig(env, {
        retrySchedule: env.STUB_RETRY_SCHEDULE?.trim() ? undefined : EMBEDDED_RETRY_SCHEDULE,
        webhookUrl: env.STUB_WEBHOOK_URL?.trim() ? undefined : `${config.publicBaseUrl}/webhooks/mintoffice`,
        // A key or secret the operator fixed on the portal side is the one both sides use.
        apiKey: env.STUB_API_KEY?.trim() ? undefined : config.apiKey,
        webhookSecret: env.STUB_WEBHOOK_SECRET?.trim() ? undefined : config.webhookSecret,
      });
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
    starting();
    stub = await startStub(stubConfig, { logger: createLogger(config.logLevel, 'stub') }).catch((error: unknown) => {
      throw listenError(error, 'STUB_PORT', stubConfig.host, stubConfig.port);
    });
    generatedPassword = config.adminPassword ? undefined : randomBytes(12).toString('base64url');
    const stubOrigin = new URL(stub.url).origin;
    config = loadPortalConfig({
      ...env,
      MINTOFFICE_API_URL: stub.url,
      MINTOFFICE_API_KEY: stub.apiKey(),
      MINTOFFICE_WEBHOOK_SECRET: stub.webhookSecret,
      CHECKOUT_ORIGINS: [...new Set([...config.checkoutOrigins, stubOrigin])].join(','),
      ...(generatedPassword ? { ADMIN_PASSWORD: generatedPassword } : {}),
    });
  }

  if (!stub) starting();
  let portal: RunningPortal;
  try {
    portal = await startPortal(config);
  } catch (error) {
    await stub?.close();
    throw listenError(error, 'PORT', config.host, config.port);
  }
  announce(config, portal, stub, generatedPassword, supplied, performance.now());

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(1); // a second Ctrl+C: do not wait any longer
    }
    stopping = true;
    process.stderr.write(`\n${signal}: shutting down (requests in flight get up to ${SHUTDOWN_GRACE_MS / 1000} s)…\n`);
    // Portal first: a purchase in flight may still need the embedded stub's API.
    const force = setTimeout(() => {
      process.stderr.write('shutdown did not finish in time; exiting anyway\n');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    (async () => {
      await portal.close();
      await stub?.close();
    })().then(
      () => {
        process.stderr.write('stopped cleanly\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function announce(
  config: PortalConfig,
  portal: RunningPortal,
  stub: RunningStub | undefined,
  password: string | undefined,
  supplied: { apiKey: boolean; webhookSecret: boolean },
  ms: number,
): void {
  const base = config.publicBaseUrl;
  const lines = [
    '',
    `${config.brand} storefront is running${config.testMode ? ' (TEST MODE)' : ''}`,
    `  Shop       ${base}/`,
    `  Admin      ${base}/admin  (user ${config.adminUsername}${password ? `, password ${password}` : config.adminPassword ? ', password from ADMIN_PASSWORD' : ': set ADMIN_PASSWORD to enable'})`,
    `  Listening  ${portal.url}`,
  ];
  if (stub) {
    lines.push(
      `  API        embedded mintbot stub at ${stub.url}/api/v1 (pay with any card; 4000000000000002 is declined)`,
      // Local test credentials, shown so `npm run webhook:send` and curl can be pointed at them.
      `  API key    ${supplied.apiKey ? `${secretPrefix(stub.apiKey())} (yours, from the environment)` : stub.apiKey()}`,
      supplied.webhookSecret
        ? `  Webhooks   signed with ${secretPrefix(stub.webhookSecret)} (your MINTOFFICE_WEBHOOK_SECRET)`
        : `  Webhooks   signed with ${stub.webhookSecret} (MINTOFFICE_WEBHOOK_SECRET for npm run webhook:send)`,
    );
  } else {
    lines.push(`  API        ${config.apiUrl}/api/v1`);
    if (!config.webhookSecret) lines.push('  Webhooks   MINTOFFICE_WEBHOOK_SECRET is not set: order status is polled from the API instead');
  }
  lines.push(`Ready in ${Math.round(ms)} ms. Press Ctrl+C to stop.`, '');
  process.stderr.write(lines.join('\n') + '\n');
}

/** EADDRINUSE and friends as one line naming the variable to change. */
function listenError(error: unknown, variable: string, host: string, port: number): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') return new ConfigError(`${variable}: ${host}:${port} is already in use; stop the other process or choose another ${variable}`);
  if (code === 'EACCES') return new ConfigError(`${variable}: not allowed to listen on ${host}:${port}; choose a port above 1024`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    const hostVariable = variable === 'PORT' ? 'HOST' : 'STUB_HOST';
    return new ConfigError(`${hostVariable}: cannot listen on ${host}:${port} (${code}); use an address of this machine`);
  }
  return error as Error;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EnvFileError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  }
  process.exit(1);
});
