import { afterEach, describe, expect, it } from 'vitest';
import { DiscordStartError, startDiscord } from '../../../src/bots/discord/start.ts';
import { useTestDb } from '../../support/db.ts';
import { expectDerivedFrom } from '../../support/discord/command-shape.ts';
import { APPLICATION_ID, discordTestCore, fakeToken, GUILD_ID } from '../../support/discord/harness.ts';
import { inDm, slash } from '../../support/discord/interactions.ts';
import { FakeDiscord } from '../../support/fakes/discord-server.ts';
import { captureLog } from '../../support/log.ts';

describe('startDiscord', () => {
  const t = useTestDb('pglite');
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function fakeDiscord(token: string) {
    const fake = await FakeDiscord.start({ token, applicationId: APPLICATION_ID });
    cleanup.push(() => fake.close());
    return fake;
  }

  async function start(fake: FakeDiscord, token: string, extra: { guildId?: string } = {}) {
    const { log, lines } = captureLog();
    const bot = await startDiscord({
      config: { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_ROOT: fake.apiRoot, DISCORD_GUILD_ID: extra.guildId },
      core: discordTestCore(t.db),
      log,
    });
    cleanup.push(() => bot.stop());
    return { bot, lines };
  }

  it('logs in through the API root: gateway URL from GET /gateway/bot, IDENTIFY with the token, heartbeats acked', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    const { bot } = await start(fake, token);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', auth: `Bot ${token}` });
    expect(fake.identifies).toHaveLength(1);
    expect(fake.identifies[0]).toMatchObject({ token, intents: 0, shard: [0, 1] });
    expect(bot.client.user?.id).toBe(fake.botUser.id);
    expect(bot.client.application?.id).toBe(APPLICATION_ID);
    await fake.waitFor(() => fake.heartbeats >= 1, 3000, 'a heartbeat');
    // The fake counts the heartbeat when it arrives; the client measures its ping when the ack
    // comes back, a moment later.
    await fake.waitFor(() => bot.client.ws.ping >= 0, 3000, 'an acked heartbeat');
  });

  it('resumes after the gateway connection drops and keeps answering', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    await start(fake, token);
    fake.dropConnections();
    await fake.waitFor(() => fake.resumes === 1 && fake.connected, 5000, 'a resumed session');
    expect(fake.identifies).toHaveLength(1);
    const i = slash(APPLICATION_ID, inDm('2000000000000000041'), 'help');
    fake.interact(i);
    const callback = await fake.waitFor(() => fake.callbacksFor(i.id)[0], 5000, 'the help answer');
    expect(callback.type).toBe(4);
  });

  it('registers /papers globally once, and skips the PUT when nothing changed', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    const first = await start(fake, token);
    expect(fake.puts.get('global')).toBe(1);
    expect(fake.commands.get('global')!.map((c) => c.name)).toEqual(['papers']);
    expectDerivedFrom(fake.commands.get('global')![0], discordTestCore(t.db).commands);
    await first.bot.stop();

    const second = await start(fake, token);
    expect(fake.puts.get('global')).toBe(1);
    expect(second.lines.some((line) => line.includes('discord commands unchanged'))).toBe(true);
    await second.bot.stop();

    // Someone changed the command in the meantime: the next start overwrites it.
    fake.commands.get('global')![0].description = 'An older description';
    await start(fake, token);
    expect(fake.puts.get('global')).toBe(2);
  });

  it('registers to DISCORD_GUILD_ID instead when set', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    await start(fake, token, { guildId: GUILD_ID });
    expect(fake.puts.get(GUILD_ID)).toBe(1);
    expect(fake.puts.has('global')).toBe(false);
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === `/applications/${APPLICATION_ID}/guilds/${GUILD_ID}/commands`)).toBe(true);
  });

  it('keeps running when registration fails, and says so in the log', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    fake.fail({ method: 'PUT', path: /\/commands$/, status: 403, body: { message: 'Missing Access', code: 50001 } });
    const { bot, lines } = await start(fake, token);
    expect(bot.client.isReady()).toBe(true);
    expect(lines.some((line) => line.includes('discord command registration failed'))).toBe(true);
  });

  it('rejects a wrong token without ever showing it', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    const wrong = fakeToken();
    const { log, lines } = captureLog();
    const error = await startDiscord({
      config: { DISCORD_TOKEN: wrong, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_ROOT: fake.apiRoot, DISCORD_GUILD_ID: undefined },
      core: discordTestCore(t.db),
      log,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordStartError);
    expect((error as Error).message).toMatch(/^Discord login failed: /);
    expect(String((error as Error).stack)).not.toContain(wrong);
    expect(lines.join('\n')).not.toContain(wrong);
    expect(fake.identifies).toHaveLength(0);
  });

  it('redacts the token from errors that quote it', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    fake.fail({ method: 'GET', path: /^\/gateway\/bot$/, status: 403, body: { message: `Forbidden for Bot ${token}`, code: 40002 } });
    const { log, lines } = captureLog();
    const error = (await startDiscord({
      config: { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_ROOT: fake.apiRoot, DISCORD_GUILD_ID: undefined },
      core: discordTestCore(t.db),
      log,
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('Discord login failed: Forbidden for Bot [redacted]');
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).toContain('Forbidden for Bot [redacted]');
  });

  it('refuses to start without a token or application id', async () => {
    const { log } = captureLog();
    await expect(
      startDiscord({
        config: { DISCORD_TOKEN: undefined, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_ROOT: undefined, DISCORD_GUILD_ID: undefined },
        core: discordTestCore(t.db),
        log,
      }),
    ).rejects.toThrow(DiscordStartError);
  });

  it('stops cleanly and idempotently; the port then reports failure instead of throwing', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    const { bot } = await start(fake, token);
    await Promise.all([bot.stop(), bot.stop()]);
    await fake.waitFor(() => !fake.connected, 3000, 'the gateway connection to close');
    const result = await bot.port.send(
      { platform: 'discord', externalId: '4000000000000000001', kind: 'channel' },
      {
        title: 'x',
        cards: [],
        lines: [],
        actions: [],
        visibility: 'public',
      },
    );
    expect(result).toEqual({ status: 'failed', reason: 'the Discord bot is stopped', retryable: true });
  });
});
