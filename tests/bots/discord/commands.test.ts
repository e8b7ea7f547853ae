import { describe, expect, it } from 'vitest';
import { timezoneChoices } from '../../../src/bots/discord/autocomplete.ts';
import { SUBCOMMANDS, commandDefinitions } from '../../../src/bots/discord/commands.ts';
import { sameCommands } from '../../../src/bots/discord/register.ts';
import { commandSpecs } from '../../../src/core/commands/index.ts';

describe('/papers definition', () => {
  const [papers] = commandDefinitions();

  it('is one chat-input command whose subcommands each run a core command', () => {
    expect(commandDefinitions()).toHaveLength(1);
    expect(papers).toMatchObject({ name: 'papers', type: 1 });
    const subs = papers!.options!.map((o) => o.name);
    expect(subs).toEqual([...SUBCOMMANDS]);
    const core = new Set(commandSpecs.map((c) => c.name));
    for (const sub of subs) expect(core.has(sub), `core command for ${sub}`).toBe(true);
    for (const option of papers!.options!) expect(option.type).toBe(1);
  });

  it('works in servers, the bot DM and private channels, for server and user installs', () => {
    expect(papers!.contexts).toEqual([0, 1, 2]);
    expect(papers!.integration_types).toEqual([0, 1]);
    // Left unset on purpose: it cannot be per subcommand; the run-time check gates subscribe.
    expect(papers!.default_member_permissions).toBeUndefined();
  });

  it('has the options the issue asks for, with autocomplete where it helps', () => {
    const sub = (name: string) => papers!.options!.find((o) => o.name === name) as any;
    const shape = (name: string) => (sub(name).options ?? []).map((o: any) => [o.name, o.type, o.required ?? false, o.autocomplete ?? false]);
    expect(shape('today')).toEqual([['date', 3, false, false]]);
    expect(shape('search')).toEqual([['query', 3, true, false], ['page', 4, false, false]]);
    expect(shape('paper')).toEqual([['id', 3, true, false]]);
    expect(shape('follow')).toEqual([['topic', 3, true, false]]);
    expect(shape('unfollow')).toEqual([['topic', 3, true, true]]);
    expect(shape('follows')).toEqual([]);
    expect(shape('subscribe')).toEqual([['time', 3, false, false], ['timezone', 3, false, true], ['channel', 7, false, false]]);
    expect(shape('unsubscribe')).toEqual([['channel', 7, false, false]]);
    expect(shape('help')).toEqual([]);
    expect(sub('subscribe').options[2].channel_types).toEqual([0, 5]);
  });
});

describe('sameCommands', () => {
  const wanted = commandDefinitions();

  it('matches what Discord returns for the same commands (ids, defaults, dropped required:false)', () => {
    const stored = wanted.map((c) => ({
      id: '1',
      application_id: '2',
      version: '3',
      default_member_permissions: null,
      nsfw: false,
      dm_permission: true,
      ...c,
      options: c.options?.map((o: any) => ({ ...o, options: o.options?.map(({ required, ...rest }: any) => (required ? { required, ...rest } : rest)) })),
    }));
    expect(sameCommands(stored, wanted)).toBe(true);
  });

  it('notices a changed description, a new option, or an extra command', () => {
    const changed = structuredClone(wanted) as any[];
    changed[0].options[0].description = 'Something else';
    expect(sameCommands(changed, wanted)).toBe(false);
    const fewer = structuredClone(wanted) as any[];
    fewer[0].options.pop();
    expect(sameCommands(fewer, wanted)).toBe(false);
    expect(sameCommands([...wanted, { name: 'old', description: 'x', type: 1 }], wanted)).toBe(false);
    expect(sameCommands([], wanted)).toBe(false);
  });
});

describe('timezone autocomplete', () => {
  it('offers at most 25 IANA names, prefix matches first', () => {
    expect(timezoneChoices('')).toHaveLength(25);
    expect(timezoneChoices('europe/').length).toBe(25);
    expect(timezoneChoices('berl')[0]).toEqual({ name: 'Europe/Berlin', value: 'Europe/Berlin' });
    expect(timezoneChoices('new york')[0]).toEqual({ name: 'America/New York', value: 'America/New_York' });
    expect(timezoneChoices('utc')[0]!.value).toBe('UTC');
    expect(timezoneChoices('no such zone')).toEqual([]);
  });
});
