import { describe, expect, it } from 'vitest';
import { commandSpecs } from '../../src/core/commands/index.ts';
import { asChannel, asUser, seedPapers, testCore } from '../support/core.ts';
import { useTestDb } from '../support/db.ts';

describe('the command specs', () => {
  it('declare everything a platform needs to offer each command', () => {
    const names = new Set<string>();
    for (const spec of commandSpecs) {
      for (const name of [spec.name, ...(spec.aliases ?? [])]) {
        expect(names.has(name), `${name} is declared twice`).toBe(false);
        names.add(name);
      }
      expect(spec.name).toMatch(/^[a-z][a-z-]{0,31}$/);
      expect(spec.summary.length, spec.name).toBeLessThanOrEqual(100);
      for (const option of spec.options) {
        expect(option.name).toMatch(/^[a-z][a-z_]{0,31}$/);
        expect(option.description.length, `${spec.name} ${option.name}`).toBeLessThanOrEqual(100);
      }
    }
  });

  it('take the same arguments from options as from text', () => {
    // Every structured option a platform sends is one the command's schema reads.
    const search = commandSpecs.find((s) => s.name === 'search')!;
    expect(search.args.safeParse({ query: 'grokking', page: 2 }).success).toBe(true);
    expect(search.args.safeParse(search.fromText('grokking 2')).data).toEqual(search.args.safeParse({ query: 'grokking', page: 2 }).data);
  });
});

describe('commands as the core runs them', () => {
  const t = useTestDb('pglite');

  it('lists every visible command in help, generated from the specs', async () => {
    const help = await testCore(t.db).run('help', asUser());
    const visible = commandSpecs.filter((s) => !s.hidden);
    expect(help.lines.filter((line) => / — /.test(line))).toHaveLength(visible.length);
    for (const spec of visible) expect(help.lines.some((line) => line.startsWith(`${spec.name} `) || line.startsWith(`${spec.name} —`))).toBe(true);
  });

  it('suggests what a recipient follows and timezones while an option is typed', async () => {
    await seedPapers(t.db);
    const core = testCore(t.db);
    await core.run('follow grokking', asUser());
    await core.run('follow author:Yann LeCun', asUser());
    expect(await core.complete('unfollow', 'topic', '', asUser())).toEqual(['grokking', 'author:Yann LeCun']);
    expect(await core.complete('unfollow', 'topic', 'yann', asUser())).toEqual(['author:Yann LeCun']);
    expect(await core.complete('unfollow', 'topic', '', asUser('someone-else'))).toEqual([]);
    expect(await core.complete('subscribe', 'timezone', 'new york', asUser())).toContain('America/New_York');
    expect(await core.complete('settings', 'value', 'berl', asUser(), { setting: 'timezone' })).toContain('Europe/Berlin');
    expect(await core.complete('settings', 'value', 'berl', asUser(), { setting: 'days' })).toEqual([]);
    expect(await core.complete('search', 'query', 'x', asUser())).toEqual([]);
  });

  it('lets anyone see a channel’s settings but only its managers change them', async () => {
    const core = testCore(t.db);
    expect((await core.run('subscribe 08:00', asChannel('c1', true))).notice?.tone).toBe('success');
    expect((await core.run('settings', asChannel('c1', false))).lines[0]).toMatch(/^Time: 08:00 UTC/);
    const refused = await core.run('settings time 09:30', asChannel('c1', false));
    expect(refused.notice).toMatchObject({ tone: 'error' });
    expect(refused.notice?.text).toMatch(/Only people who can manage this chat can change/);
  });

  it('runs what a button does from its typed action', async () => {
    await seedPapers(t.db);
    const core = testCore(t.db);
    const voted = await core.click({ kind: 'vote', paperId: '2405.15071', vote: 'up' }, asUser());
    expect(voted.notice?.text).toMatch(/^👍 Noted/);
    const followed = await core.click({ kind: 'follow', topic: 'grokking', follow: true }, asUser());
    expect(followed.notice?.text).toMatch(/Now following grokking/);
    const page = await core.click({ kind: 'page', direction: 'next', call: { command: 'search', args: { query: 'transformers', page: 1 } } }, asUser());
    expect(page.title).toBe('Search: transformers');
  });
});
