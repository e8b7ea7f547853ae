import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import { type Env, secretsOf } from '../../config.ts';
import type { Core } from '../../core/core.ts';
import type { DeliveryPort } from '../../core/delivery-port.ts';
import type { Logger } from '../../logger.ts';
import { createSlackDeliveryPort } from './delivery.ts';
import { installDispatcher } from './dispatch.ts';
import { describeError } from './slack-errors.ts';
import { boltLogger, webClientOptions } from './web-client.ts';

/** Where Slack sends events, commands and interactions in HTTP mode (Bolt's default path). */
export const EVENTS_PATH = '/slack/events';
/** Answers `GET` with `ok`, for load-balancer health checks (HTTP mode). */
export const HEALTH_PATH = '/slack/healthz';

/** Thrown when the Slack adapter cannot start; the message never contains a token. */
export class SlackStartError extends Error {
  override name = 'SlackStartError';
}

export interface StartSlackOptions {
  /** SLACK_BOT_TOKEN (required), SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET and SLACK_PORT (HTTP), SLACK_API_ROOT. */
  config: Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_PORT' | 'SLACK_API_ROOT'> & Partial<Env>;
  core: Core;
  log: Logger;
  /** The gap kept between two scheduled posts into one channel (default 1000 ms; tests shorten it). */
  channelIntervalMs?: number;
}

/** The running Slack adapter. */
export interface SlackService {
  /** Posts scheduled answers to Slack channels and users (`platform: 'slack'`). */
  port: DeliveryPort;
  /** 'socket' (SLACK_APP_TOKEN) or 'http' (SLACK_SIGNING_SECRET). */
  mode: 'socket' | 'http';
  /** In HTTP mode, the local port Slack's requests come to (useful when SLACK_PORT is 0). */
  httpPort?: number;
  /** The bot's user and workspace, from auth.test. */
  identity: { userId: string; teamId: string };
  /** Whether commands can arrive (the HTTP server listens, or the socket is connected); for /healthz. */
  connected(): boolean;
  /** Stops taking requests, lets those in progress finish (up to 5 s), then closes. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the Slack adapter with Bolt. Contract for `src/app.ts`:
 *
 * - Call only when `SLACK_BOT_TOKEN` is set, with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET
 *   (config.ts enforces it).
 * - Logs in (auth.test through SLACK_API_ROOT), then takes requests: in Socket Mode over the
 *   WebSocket Slack hands out (apps.connections.open), else on an HTTP server on SLACK_PORT
 *   at `/slack/events`, every request's signature checked with the signing secret (401 when
 *   it does not match or is older than 5 minutes). Resolves once requests can arrive.
 * - Rejects with a `SlackStartError` (no token in it) when Slack refuses a token or cannot be
 *   reached; nothing is left running then.
 * - Register `port` with the scheduler; call `stop()` on SIGTERM before closing the database.
 */
export async function startSlack(options: StartSlackOptions): Promise<SlackService> {
  const { config, core } = options;
  const token = config.SLACK_BOT_TOKEN;
  const appToken = config.SLACK_APP_TOKEN;
  const signingSecret = config.SLACK_SIGNING_SECRET;
  if (!token || (!appToken && !signingSecret)) {
    throw new SlackStartError('SLACK_BOT_TOKEN and one of SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP) must be set to start the Slack bot.');
  }
  const secrets = [
    ...new Set([token, appToken, signingSecret, ...secretsOf(config as Env)].filter((s): s is string => typeof s === 'string' && s.length >= 4)),
  ];
  const log = options.log.child({ platform: 'slack' });
  const logger = boltLogger(log, secrets);
  const clientOptions = webClientOptions({ apiRoot: config.SLACK_API_ROOT, logger });
  const mode = appToken ? 'socket' : 'http';

  // Logged in first, so a refused token stops the start before anything listens.
  let identity: SlackService['identity'];
  let botId: string;
  try {
    const auth = await new webApi.WebClient(token, clientOptions).auth.test();
    identity = { userId: String(auth.user_id ?? ''), teamId: String(auth.team_id ?? '') };
    botId = String(auth.bot_id ?? '');
  } catch (error) {
    throw new SlackStartError(`Slack: could not log in at ${config.SLACK_API_ROOT} (auth.test): ${describeError(error, secrets)}`);
  }

  let socketUp = false;
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (appToken) {
    const socketReceiver = new SocketModeReceiver({ appToken, logger, installerOptions: { clientOptions } });
    socketReceiver.client.on('connected', () => {
      socketUp = true;
    });
    for (const down of ['close', 'reconnecting', 'disconnected', 'disconnecting']) {
      socketReceiver.client.on(down, () => {
        socketUp = false;
      });
    }
    receiver = socketReceiver;
  } else {
    receiver = new HTTPReceiver({
      signingSecret: signingSecret!,
      endpoints: EVENTS_PATH,
      logger,
      customRoutes: [
        { path: HEALTH_PATH, method: ['GET', 'HEAD'], handler: (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok') },
      ],
    });
  }
  // With the bot's ids given, Bolt does not call auth.test again.
  const app = new App({ token, botId, botUserId: identity.userId, receiver, logger, clientOptions });
  const dispatcher = installDispatcher(app, { core, log, secrets });

  let httpPort: number | undefined;
  try {
    if (mode === 'http') {
      const server = (await app.start(config.SLACK_PORT)) as Server;
      httpPort = (server.address() as AddressInfo).port;
    } else {
      await app.start();
    }
  } catch (error) {
    await app.stop().catch(() => {});
    throw new SlackStartError(
      `Slack: could not ${mode === 'socket' ? 'connect in Socket Mode (apps.connections.open)' : `listen on port ${config.SLACK_PORT}`}: ${describeError(error, secrets)}`,
    );
  }
  log.info({ mode, ...(httpPort !== undefined ? { port: httpPort, path: EVENTS_PATH } : {}), bot: identity.userId, team: identity.teamId }, 'slack bot ready');

  const delivery = createSlackDeliveryPort({
    client: new webApi.WebClient(token, webClientOptions({ apiRoot: config.SLACK_API_ROOT, logger, forDelivery: true })),
    actions: core.actions,
    log,
    secrets,
    ...(options.channelIntervalMs !== undefined ? { channelIntervalMs: options.channelIntervalMs } : {}),
  });

  let stopped = false;
  let stopping: Promise<void> | undefined;
  return {
    port: delivery,
    mode,
    ...(httpPort !== undefined ? { httpPort } : {}),
    identity,
    connected: () => !stopped && (mode === 'http' || socketUp),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        // No more requests come in; what was acknowledged is answered (over the Web API and response_urls) before returning.
        await app.stop().catch((error: unknown) => log.warn({ error: describeError(error, secrets) }, 'slack: stopping failed'));
        await Promise.race([dispatcher.idle(), sleep(5000)]);
        log.info('slack bot stopped');
      })();
      return stopping;
    },
  };
}
