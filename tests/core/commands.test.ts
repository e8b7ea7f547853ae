import { describe, expect, it } from 'vitest';
import { asChannel, asUser, seedPapers, testCore } from '../support/core.ts';
import { engines, useTestDb } from '../support/db.ts';

const ids = (answer: { cards: { id: string }[] }) => answer.cards.map((card) => card.id);

describe.each(engines)('chat commands on %s', (engine) => {
  const t = useTestDb(engine);

  describe('today', () => {
    it('ranks the day by upvotes for someone who follows nothing', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run('/papers today', asUser());
      expect(answer.title).toBe('Papers for 2024-05-24');
      expect(answer.subtitle).toBeUndefined();
      expect(ids(answer)).toEqual(['2405.14831', '2405.15319', '2405.15071']);
      expect(answer.cards[0]).toMatchObject({
        title: 'HippoRAG: Neurobiologically Inspired Long-Term Memory for Large Language Models',
        upvotes: 40,
        links: { huggingFace: 'https://huggingface.co/papers/2405.14831', arxiv: 'https://arxiv.org/abs/2405.14831' },
      });
    });

    it('says which day it shows when today has no papers yet', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db, '2024-05-26T08:00:00Z').run('today', asUser());
      expect(answer.title).toBe('Papers for 2024-05-24');
      expect(answer.subtitle).toBe('Nothing for 2024-05-26 yet; showing 2024-05-24, the latest day with papers.');
    });

    it('boosts papers matching a follow and says why', async () => {
      await seedPapers(t.db);
      const core = testCore(t.db);
      const followed = await core.run('/papers follow grokking', asUser());
      expect(followed.notice).toMatchObject({ tone: 'success' });
      const answer = await core.run('/papers today', asUser());
      // Both grokking papers climb above HippoRAG (40 upvotes); both match the follow, so between
      // them the upvotes decide (25 against 5).
      expect(ids(answer)).toEqual(['2405.15319', '2405.15071', '2405.14831']);
      expect(answer.cards.map((c) => c.reasons)).toEqual([[{ kind: 'follow', follow: 'grokking' }], [{ kind: 'follow', follow: 'grokking' }], []]);
      // Someone else's ranking is untouched.
      expect(ids(await core.run('today', asUser('u2')))[0]).toBe('2405.14831');
    });

    it('lets 👎 sink a paper and 👍 lift similar ones', async () => {
      await seedPapers(t.db);
      const core = testCore(t.db);
      await core.run('vote 2405.14831 down', asUser());
      await core.run('vote 2405.15071 up', asUser());
      const answer = await core.run('today', asUser());
      expect(ids(answer).at(-1)).toBe('2405.14831');
      expect(answer.cards.find((c) => c.id === '2405.14831')?.vote).toBe('down');
    });

    it('pages with previous and next actions', async () => {
      const many = Array.from({ length: 7 }, (_, i) => ({
        id: `2405.100${String(i).padStart(2, '0')}`,
        title: `Paper number ${i}`,
        featuredOn: '2024-05-24',
        upvotes: 100 - i,
        source: 'hf' as const,
      }));
      await seedPapers(t.db, many);
      const core = testCore(t.db);
      const first = await core.run('today', asUser());
      expect(first.cards).toHaveLength(5);
      expect(first.actions.filter((a) => a.kind === 'page')).toEqual([
        { kind: 'page', direction: 'next', call: { command: 'today', args: { date: '2024-05-24', page: 2 } } },
      ]);
      const second = await core.run('today 2024-05-24 2', asUser());
      expect(ids(second)).toEqual(['2405.10005', '2405.10006']);
      expect(second.page).toEqual({ number: 2, hasPrev: true, hasNext: false, offset: 5 });
      expect(first.page).toMatchObject({ number: 1, offset: 0 });
    });

    it('names the earliest stored day when nothing is stored on or before the one asked for', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run('today 2024-05-01', asUser());
      expect(answer.cards).toEqual([]);
      const text = [answer.notice?.text, ...answer.lines].join('\n');
      expect(text).toContain('on or before 2024-05-01');
      expect(text).toContain('the earliest day with papers is 2024-05-23');
      expect(text).not.toContain('Nothing is stored yet');
    });

    it('says nothing is stored yet only when the library is empty', async () => {
      const answer = await testCore(t.db).run('today 2024-05-01', asUser());
      expect([answer.notice?.text, ...answer.lines].join('\n')).toContain('Nothing is stored yet');
    });

    it('does not call a paper similar to what you liked because you liked it yourself', async () => {
      await seedPapers(t.db);
      const core = testCore(t.db);
      await core.run('vote 2405.15071 up', asUser());
      const answer = await core.run('today', asUser());
      const reasonsOf = (id: string) => answer.cards.find((c) => c.id === id)?.reasons;
      expect(answer.cards.find((c) => c.id === '2405.15071')?.vote).toBe('up');
      expect(reasonsOf('2405.15071')).toEqual([]);
      // HippoRAG shares an author (Yu Su) and cs.CL with the liked paper: that is a likeness, named.
      expect(reasonsOf('2405.14831')).toEqual([
        {
          kind: 'liked',
          paper: { id: '2405.15071', title: 'Grokked Transformers are Implicit Reasoners: A Mechanistic Journey to the Edge of Generalization' },
        },
      ]);
    });
  });

  describe('search', () => {
    it('stems, so "grokking" finds "Grokked", with title matches first', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run('/papers search grokking', asUser());
      expect(ids(answer)).toEqual(['2405.15071', '2405.15319']);
    });

    it('supports phrases, exclusion, OR and author:', async () => {
      await seedPapers(t.db);
      const core = testCore(t.db);
      // Both mention it in the abstract only, so they are equally relevant: MoRA, a day older
      // with 60 upvotes, before Grokked Transformers with 5 (recent and upvoted, not newest only).
      expect(ids(await core.run('search "language models" -memory', asUser()))).toEqual(['2405.12130', '2405.15071']);
      expect(ids(await core.run('search HippoRAG OR MoRA', asUser())).sort()).toEqual(['2405.12130', '2405.14831']);
      expect(ids(await core.run('search author:"Yu Su"', asUser())).sort()).toEqual(['2405.14831', '2405.15071']);
      expect(ids(await core.run('search transformers author:Wang', asUser()))).toEqual(['2405.15071']);
    });

    it('applies every author: filter, quoted or not, with or without words', async () => {
      await seedPapers(t.db);
      const core = testCore(t.db);
      // Yu Su wrote both Grokked Transformers (with Boshi Wang) and HippoRAG (with Yu Gu).
      expect(ids(await core.run('search author:Su author:Wang', asUser()))).toEqual(['2405.15071']);
      expect(ids(await core.run('search author:"Yu Su" author:"Yu Gu"', asUser()))).toEqual(['2405.14831']);
      expect(ids(await core.run('search author:Su transformers author:"Boshi Wang"', asUser()))).toEqual(['2405.15071']);
      expect(ids(await core.run('search author:Wang author:Gu', asUser()))).toEqual([]);
    });

    it('folds accents in author names: author:Jimenez finds Jiménez', async () => {
      await seedPapers(t.db);
      const core = testCore(t.db);
      expect(ids(await core.run('search author:Jimenez', asUser()))).toEqual(['2405.14831']);
      expect(ids(await core.run('search author:"bernal jimenez gutierrez"', asUser()))).toEqual(['2405.14831']);
      expect(ids(await core.run('search author:Jiménez', asUser()))).toEqual(['2405.14831']);
    });

    it('does not "correct" a stop word into another word', async () => {
      await seedPapers(t.db, [{ id: '2405.20001', title: 'A Theory of Grokking', featuredOn: '2024-05-24', source: 'hf' }]);
      const core = testCore(t.db);
      for (const query of ['the', '-the']) {
        const answer = await core.run(`search ${query}`, asUser());
        expect(answer.subtitle).toBeUndefined();
        expect(answer.cards).toEqual([]);
        expect(answer.notice?.text).toContain('No papers match');
      }
      // A real misspelling still is.
      expect((await core.run('search thery', asUser())).subtitle).toContain('showing results for “theory”');
    });

    it('numbers page 2 from where page 1 ended', async () => {
      await seedPapers(
        t.db,
        Array.from({ length: 7 }, (_, i) => ({ id: `2405.200${i}0`, title: `Grokking study ${i}`, featuredOn: '2024-05-24', source: 'hf' as const })),
      );
      const second = await testCore(t.db).run('search grokking 2', asUser());
      expect(second.cards).toHaveLength(2);
      expect(second.page).toEqual({ number: 2, hasPrev: true, hasNext: false, offset: 5 });
    });

    it('resolves an exact arXiv id or URL, with or without version', async () => {
      await seedPapers(t.db);
      const core = testCore(t.db);
      expect(ids(await core.run('search 2405.12130v2', asUser()))).toEqual(['2405.12130']);
      expect(ids(await core.run('search https://arxiv.org/abs/2405.12130v1', asUser()))).toEqual(['2405.12130']);
      expect(ids(await core.run('search https://huggingface.co/papers/2405.12130', asUser()))).toEqual(['2405.12130']);
    });

    it('corrects a misspelt word from the words of stored titles, and says so', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run('search Transformrs', asUser());
      // Both have it in the title and were featured the same day: the more upvoted first.
      expect(ids(answer)).toEqual(['2405.15319', '2405.15071']);
      expect(answer.subtitle).toBe('Nothing matches “Transformrs”; showing results for “transformers”.');
      expect(answer.actions).toContainEqual({ kind: 'follow', topic: 'transformers', follow: true });
    });

    it('corrects only the misspelt words of a longer query', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run('search "parameter-efficent" fine-tuning', asUser());
      expect(ids(answer)).toEqual(['2405.12130']);
      expect(answer.subtitle).toContain('showing results for “"parameter-efficient" fine-tuning”');
    });

    it('says so when nothing matches and offers no follow button', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run('search zzyzx quantum', asUser());
      expect(answer.cards).toEqual([]);
      expect(answer.notice?.text).toContain('No papers match');
    });

    it('offers to follow a plain query', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run('search grokking', asUser());
      expect(answer.actions).toContainEqual({ kind: 'follow', topic: 'grokking', follow: true });
    });
  });

  describe('paper', () => {
    it('shows the abstract once', async () => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run('paper 2405.12130', asUser());
      const shown = [...answer.cards.map((c) => c.snippet), ...answer.lines].join('\n');
      expect(shown.split('Low-rank adaptation is a popular').length - 1).toBe(1);
    });
  });

  describe('follows', () => {
    it('normalises and de-duplicates, and lists them', async () => {
      const core = testCore(t.db);
      await core.run('follow   Grokking ', asUser());
      const again = await core.run('follow grokking', asUser());
      expect(again.notice).toMatchObject({ tone: 'error', text: 'You already follow Grokking.' });
      await core.run('follow author:Yann LeCun', asUser());
      await core.run('follow cat:cs.lg', asUser());
      const list = await core.run('follows', asUser());
      expect(list.lines).toEqual(['• Grokking', '• author:Yann LeCun', '• cat:cs.LG']);
    });

    it('echoes what is stored when something is already followed', async () => {
      const core = testCore(t.db);
      await core.run('follow author:Yann LeCun', asUser());
      expect((await core.run('follow author:yann   lecun', asUser())).notice?.text).toBe('You already follow author:Yann LeCun.');
      await core.run('follow cat:CS.lg', asUser());
      expect((await core.run('follow cat:cs.LG', asUser())).notice?.text).toBe('You already follow cat:cs.LG.');
    });

    it('refuses search operators: a follow is a plain topic', async () => {
      const core = testCore(t.db);
      for (const topic of [
        '-grokking',
        'grokking -memory',
        'grokking OR memory',
        'grokking or memory',
        '"diffusion models"',
        'diffusion "models"',
        '(grokking memory)',
      ]) {
        const answer = await core.run(`follow ${topic}`, asUser());
        expect(answer.notice?.tone, topic).toBe('error');
        expect(answer.notice?.text, topic).toContain('plain topic');
      }
      expect((await core.run('follows', asUser())).notice?.text).toBe('You follow nothing yet.');
      // Words with a hyphen inside are words.
      expect((await core.run('follow state-of-the-art t-SNE', asUser())).notice?.tone).toBe('success');
    });

    it('still unfollows a topic with operators that was stored before they were refused', async () => {
      const core = testCore(t.db);
      const me = await t.storage.recipients.ensure(asUser().recipient);
      await t.storage.recipients.follow(me, { kind: 'topic', value: '-grokking', label: '-grokking' });
      expect((await core.run('unfollow -grokking', asUser())).notice).toMatchObject({ tone: 'success', text: 'Stopped following -grokking.' });
    });

    it('checks categories against arXiv’s list, current and old', async () => {
      const core = testCore(t.db);
      expect((await core.run('follow cat:nonsense', asUser())).notice?.text).toContain('not an arXiv category');
      expect((await core.run('follow cat:cs.lq', asUser())).notice?.text).toContain('cs.LG');
      for (const category of ['hep-th', 'astro-ph.GA', 'cond-mat.stat-mech', 'q-fin.ST', 'econ.EM', 'eess.SP', 'cmp-lg', 'physics.comp-ph']) {
        expect((await core.run(`follow cat:${category}`, asUser())).notice?.tone, category).toBe('success');
      }
      expect((await core.run('follows', asUser())).lines).toContain('• cat:physics.comp-ph');
    });

    it('says when unfollowing something not followed', async () => {
      const answer = await testCore(t.db).run('unfollow diffusion', asUser());
      expect(answer.notice?.text).toMatch(/You do not follow diffusion/);
    });

    it('caps follows per recipient with a clear message', async () => {
      const core = testCore(t.db);
      for (let i = 0; i < 25; i++) await core.run(`follow topic${i}`, asUser());
      const over = await core.run('follow one more', asUser());
      expect(over.notice?.text).toContain('25');
    });

    it('keeps a channel’s follows apart from its members’, and lets only its managers change them', async () => {
      const core = testCore(t.db);
      const refused = await core.run('follow diffusion models', asChannel('c1', false));
      expect(refused.notice?.text).toBe(
        'Only people who can manage this chat can change what it follows. Ask one of them, or use `follow` in a private chat with me for your own list.',
      );
      await core.run('follow diffusion models', asChannel('c1', true));
      expect((await core.run('follows', asUser())).notice?.text).toBe('You follow nothing yet.');
      expect((await core.run('follows', asChannel('c1', false))).lines).toEqual(['• diffusion models']);
      expect((await core.run('unfollow diffusion models', asChannel('c1', false))).notice?.tone).toBe('error');
      expect((await core.run('follows', asChannel('c1', false))).lines).toEqual(['• diffusion models']);
    });

    it('boosts by author and category follows', async () => {
      await seedPapers(t.db);
      const core = testCore(t.db);
      await core.run('follow author:Wenyu Du', asUser());
      const answer = await core.run('today', asUser());
      expect(answer.cards[0]).toMatchObject({ id: '2405.15319', reasons: [{ kind: 'follow', follow: 'author:Wenyu Du' }] });
      await core.run('follow cat:cs.lg', asUser('u3'));
      expect((await core.run('today', asUser('u3'))).cards[0]?.reasons).toEqual([{ kind: 'follow', follow: 'cat:cs.LG' }]);
    });
  });

  describe('bad input', () => {
    it.each([
      ['', 'help'],
      ['/papers frobnicate', 'I don’t know'.replace('’', "'")],
      ['/papers serch grokking', 'Did you mean `search`?'],
      ['search', 'Tell me what to search for'],
      [`search ${'x'.repeat(10_000)}`, 'at most 1000'],
      ['follow ', 'Name a topic'],
      ['follow the', 'only common words'],
      ['follow cat:not a category', 'not an arXiv category'],
      ['unfollow', '`unfollow grokking`'],
      ['vote', '`vote 2405.15071 up`'],
      ['vote 2405.15071', 'up, down or clear'],
      ['paper 1234', 'not an arXiv id'],
      ['paper 2401.99999', 'not in my library'],
      ['today 2024-02-30', 'does not exist'],
      ["search '; drop table papers; --", 'No papers match'],
      ['search <script>alert(1)</script>', 'No papers match'],
      ['search \u0000\u0007grok\u001b[31m', ''],
    ])('%j gets a clear notice, never a crash', async (text, expected) => {
      await seedPapers(t.db);
      const answer = await testCore(t.db).run(text, asUser());
      if (expected) expect(answer.notice?.text ?? answer.lines.join('\n')).toContain(expected);
      expect(answer.notice?.reference).toBeUndefined();
      expect(await t.db.selectFrom('papers').select('id').execute()).toHaveLength(4);
    });
  });

  it('help lists the visible commands, vote among them', async () => {
    const answer = await testCore(t.db).run('/papers help', asUser());
    expect(answer.lines.join('\n')).toMatch(/^today \[YYYY-MM-DD\] \[page\] — /m);
    expect(answer.lines.join('\n')).toMatch(/^vote <arXiv id> up\|down\|clear — /m);
  });
});
