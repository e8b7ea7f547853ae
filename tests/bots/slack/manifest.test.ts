import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLASH_COMMAND } from '../../../src/bots/slack/dispatch.ts';

const manifest = JSON.parse(readFileSync(new URL('../../../slack-app-manifest.json', import.meta.url), 'utf8'));

describe('the Slack app manifest in the repository', () => {
  it('declares what the adapter serves: /papers, buttons, the Home tab and its event, Socket Mode', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([SLASH_COMMAND]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('asks for the scopes of every Web API method the adapter calls', () => {
    // chat.postMessage (also into public channels it was not invited to), users.info, conversations.info (public, private, DMs).
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'chat:write.public', 'users:read', 'channels:read', 'groups:read', 'im:read', 'mpim:read']),
    );
  });
});
