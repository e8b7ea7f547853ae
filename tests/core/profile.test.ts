import { describe, expect, it } from 'vitest';
import { reasonText } from '../../src/core/actions/action-label.ts';
import type { Answer } from '../../src/core/answer.ts';
import type { PaperInput } from '../../src/core/paper.ts';
import { profileScores } from '../../src/core/ranking/profile-scores.ts';
import { rebuildStaleProfiles } from '../../src/core/ranking/profiles.ts';
import { reindexContent } from '../../src/db/reindex-content.ts';
import { createStorage } from '../../src/db/storage.ts';
import { asChannel, asUser, testCore } from '../support/core.ts';
import { engines, useTestDb } from '../support/db.ts';
import { addSubscription, pass, recordingPort } from '../support/schedule.ts';
import { topicPapers, topicTitle } from '../support/topic-papers.ts';

const ids = (answer: Answer) => answer.cards.map((card) => card.id);
const reasonsOf = (answer: Answer, id: string) => answer.cards.find((card) => card.id === id)?.reasons.map(reasonText);

describe.each(engines)('learned profiles on %s', (engine) => {
  const t = useTestDb(engine);

  describe('today', () => {
    it('lifts a paper about what you 👍, with no author or keyword in common, and names the paper it is like', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      // Anonymous: by upvotes. The circuits paper (2 upvotes) is near the end.
      const before = ids(await core.run('today', asUser()));
      expect(before.slice(0, 3)).toEqual(['2405.30042', '2405.30023', '2405.30033']);
      expect(before.indexOf('2405.30004')).toBeGreaterThan(2);

      await core.run('vote 2405.30001 up', asUser());
      const after = await core.run('today', asUser());
      expect(ids(after)[0]).toBe('2405.30004');
      expect(reasonsOf(after, '2405.30004')).toEqual(['like “Sparse autoencoders find interpretable features in…” that you 👍']);
      expect(after.cards[0]!.reasons).toEqual([{ kind: 'liked', paper: { id: '2405.30001', title: topicTitle('2405.30001') } }]);
      // Papers about other things are not called likes.
      expect(after.cards.slice(1).every((card) => card.reasons.length === 0)).toBe(true);
      // Someone else's ranking is untouched.
      expect(ids(await core.run('today', asUser('u2')))).toEqual(before);
    });

    it('lets a 👎 sink the paper’s near-duplicates, not just the paper', async () => {
      // The video paper again, under another id, with more upvotes than anything that day.
      const repost = {
        ...topicPapers.find((paper) => paper.id === '2405.30023')!,
        id: '2405.30024',
        abstract: 'A diffusion transformer denoises spacetime patches of video latents; text conditioning and sampling steps matter a lot.',
        authors: ['Someone Else'],
        upvotes: 40,
      };
      await t.storage.papers.store([...topicPapers, repost]);
      const core = testCore(t.db);
      expect(ids(await core.run('today', asUser()))[0]).toBe('2405.30024');
      await core.run('vote 2405.30023 down', asUser());
      const day = [...ids(await core.run('today', asUser())), ...ids(await core.run('today 2', asUser()))];
      // Below the paper with 1 upvote, next to the 👎 paper itself.
      expect(day.slice(-3)).toEqual(['2405.30014', '2405.30024', '2405.30023']);
      expect(day[0]).toBe('2405.30042');
    });

    it('lifts a paper on the subject of what you 👍 that shares none of its words, through the papers between them', async () => {
      const paper = (id: string, title: string, abstract: string, upvotes: number): PaperInput => ({
        id,
        title,
        abstract,
        featuredOn: '2024-05-24',
        upvotes,
        authors: [`Author ${id}`],
        source: 'hf',
      });
      await t.storage.papers.store([
        paper(
          '2405.40001',
          'Sparse autoencoders on the residual stream',
          'Sparse autoencoders learn a dictionary of features from the residual stream of a transformer.',
          0,
        ),
        // Shares the first's words, and the third's.
        paper(
          '2405.40002',
          'Dictionary features of the residual stream show superposition',
          'Dictionary features read from the residual stream reveal superposition: monosemantic neurons are rare.',
          0,
        ),
        // Shares no word with the first.
        paper(
          '2405.40003',
          'Monosemantic neurons and superposition',
          'Superposition packs concepts into polysemantic neurons; monosemantic neurons are the exception.',
          1,
        ),
        paper('2405.40004', 'Video diffusion with temporal attention', 'Video diffusion models denoise frames with temporal attention layers.', 2),
        paper('2405.40005', 'Temporal attention for video diffusion', 'Temporal attention layers let video diffusion models keep frames consistent.', 3),
      ]);
      const core = testCore(t.db);
      expect(ids(await core.run('today', asUser()))).toEqual(['2405.40005', '2405.40004', '2405.40003', '2405.40001', '2405.40002']);

      await core.run('vote 2405.40001 up', asUser());
      const after = await core.run('today', asUser());
      expect(ids(after).indexOf('2405.40003')).toBeLessThan(ids(after).indexOf('2405.40004'));
      // It shares no word with the 👍 paper, so its card does not say it is like that one.
      expect(reasonsOf(after, '2405.40003')).toEqual(['similar to papers you liked']);
    });

    it('rebuilds a profile after a reindex, from the vectors the reindex wrote', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      await core.run('vote 2405.30001 up', asUser());
      const before = await core.run('today', asUser());
      const stale = () => t.db.selectFrom('recipient_profiles').select('stale').execute();
      expect(await stale()).toEqual([{ stale: false }]);

      await reindexContent(t.db);
      expect(await stale()).toEqual([{ stale: true }]);
      expect(ids(await core.run('today', asUser()))).toEqual(ids(before));
      expect(await stale()).toEqual([{ stale: false }]);
    });

    it('rebuilds every stale profile at once after a reindex, as reading them would', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      for (const [user, paper] of [
        ['u1', '2405.30001'],
        ['u2', '2405.30011'],
        ['u3', '2405.30021'],
      ]) {
        await core.run(`vote ${paper} up`, asUser(user));
      }
      await core.run('follow protein folding', asUser('u4'));
      const rankings = async () => Promise.all(['u1', 'u2', 'u3', 'u4'].map(async (user) => ids(await core.run('today', asUser(user)))));
      const before = await rankings();
      await reindexContent(t.db);
      expect(await t.storage.profiles.stale()).toHaveLength(4);

      const progress: number[] = [];
      expect(await rebuildStaleProfiles(t.storage, { writers: 2, onProgress: (done) => progress.push(done) })).toBe(4);
      expect(progress.at(-1)).toBe(4);
      expect(await t.storage.profiles.stale()).toEqual([]);
      expect(await rankings()).toEqual(before);
    });

    it('weighs recent votes more: a 👍 today outweighs one from months ago', async () => {
      await t.storage.papers.store(topicPapers);
      const both = async (older: string, newer: string) => {
        const user = asUser(`${older}-${newer}`);
        await testCore(t.db, '2024-02-01T12:00:00Z').run(`vote ${older} up`, user);
        await testCore(t.db).run(`vote ${newer} up`, user);
        return ids(await testCore(t.db).run('today', user));
      };
      // The circuits paper (interpretability) and the antibody paper (protein structure), both on 05-24.
      const interpretabilityFirst = await both('2405.30011', '2405.30001');
      const proteinFirst = await both('2405.30001', '2405.30011');
      expect(interpretabilityFirst.indexOf('2405.30004')).toBeLessThan(interpretabilityFirst.indexOf('2405.30014'));
      expect(proteinFirst.indexOf('2405.30014')).toBeLessThan(proteinFirst.indexOf('2405.30004'));
    });

    it('ranks follows with the profile: a topic follow seeds it, so close papers without all its words get a reason too', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      await core.run('follow protein structure', asUser());
      const answer = await core.run('today', asUser());
      expect(reasonsOf(answer, '2405.30014')).toEqual(['related to your follow: protein structure']);
    });
  });

  describe('foryou', () => {
    it('says how to tell it what you like when you have neither votes nor follows', async () => {
      await t.storage.papers.store(topicPapers);
      const answer = await testCore(t.db).run('foryou', asUser());
      expect(answer.cards).toEqual([]);
      expect(answer.notice).toEqual({ tone: 'info', text: "I don't know what you like yet." });
      const text = answer.lines.join('\n');
      expect(text).toContain('👍');
      expect(text).toContain('`follow diffusion models`');
      const channel = await testCore(t.db).run('foryou', asChannel('c1', false));
      expect(channel.notice?.text).toBe("I don't know what this channel likes yet.");
      // A mute alone says nothing about what one likes.
      await testCore(t.db).run('mute quantum', asUser('muter'));
      expect((await testCore(t.db).run('foryou', asUser('muter'))).notice?.text).toBe("I don't know what you like yet.");
    });

    it('gives someone who only follows a topic the week’s papers on it, best first, with related ones', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      await core.run('follow protein structure', asUser());
      const answer = await core.run('foryou', asUser());
      expect(answer.title).toBe('For you: the last 7 days');
      expect(answer.subtitle).toContain('2024-05-18 to 2024-05-24');
      expect(new Set(ids(answer))).toEqual(new Set(['2405.30011', '2405.30012', '2405.30013', '2405.30014']));
      expect(reasonsOf(answer, '2405.30011')).toEqual(['matches your follow: protein structure']);
      expect(reasonsOf(answer, '2405.30012')).toEqual(['related to your follow: protein structure']);
      expect(answer.visibility).toBe('public');
    });

    it('ranks the month by what you 👍 and 👎, and leaves out what you voted on', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      await core.run('vote 2405.30001 up', asUser());
      await core.run('vote 2405.30011 up', asUser());
      await core.run('vote 2405.30021 down', asUser());
      const answer = await core.run('foryou month', asUser());
      expect(answer.title).toBe('For you: the last 30 days');
      const shown = ids(answer);
      for (const voted of ['2405.30001', '2405.30011', '2405.30021']) expect(shown).not.toContain(voted);
      // Interpretability and protein papers, like what was 👍; nothing on robots, qubits or image diffusion.
      expect(shown).toHaveLength(5);
      expect(shown).toEqual(expect.arrayContaining(['2405.30002', '2405.30003', '2405.30012', '2405.30013']));
      for (const id of shown) expect(['2405.3000', '2405.3001'].some((topic) => id.startsWith(topic))).toBe(true);
      expect(answer.cards.every((card) => card.reasons[0]?.kind === 'liked')).toBe(true);
      expect(answer.page).toMatchObject({ number: 1, hasPrev: false, offset: 0 });
    });

    it('pages with ◀ ▶ that keep the period', async () => {
      const many = Array.from({ length: 7 }, (_, i) => ({
        id: `2405.400${String(i).padStart(2, '0')}`,
        title: `Grokking in modular arithmetic, part ${i}`,
        abstract: 'Delayed generalization of small transformers trained on modular arithmetic.',
        featuredOn: `2024-05-2${i % 5}`,
        upvotes: 10 - i,
        source: 'hf' as const,
      }));
      await t.storage.papers.store(many);
      const core = testCore(t.db);
      await core.run('follow grokking', asUser());
      const first = await core.run('foryou month', asUser());
      expect(first.cards).toHaveLength(5);
      expect(first.actions.filter((a) => a.kind === 'page')).toEqual([
        { kind: 'page', direction: 'next', call: { command: 'foryou', args: { period: 'month', page: 2 } } },
      ]);
      const second = await core.click({ kind: 'page', direction: 'next', call: { command: 'foryou', args: { period: 'month', page: 2 } } }, asUser());
      expect(second.cards).toHaveLength(2);
      expect(second.page).toEqual({ number: 2, hasPrev: true, hasNext: false, offset: 5 });
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(7);
    });

    it('says so when nothing in the week is for you, and suggests the month', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      await core.run('follow author:Nobody Atall', asUser());
      const answer = await core.run('foryou', asUser());
      expect(answer.cards).toEqual([]);
      expect(answer.notice?.text).toContain('Nothing new from 2024-05-18 to 2024-05-24');
      expect(answer.lines).toContain('Try `foryou month` for the last 30 days.');
    });
  });

  describe('mute', () => {
    it('keeps a muted topic out of today, foryou and the digest', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      const { recipientId } = await addSubscription(t.db, { externalId: 'u1', papersPerPost: 10, at: '2024-05-01T00:00:00Z' });
      await core.run('vote 2405.30021 up', asUser());
      expect(ids(await core.run('today', asUser()))).toContain('2405.30023');
      expect(ids(await core.run('foryou', asUser()))).toContain('2405.30022');

      const muted = await core.run('mute diffusion', asUser());
      expect(muted.notice?.tone).toBe('success');
      expect(muted.notice?.text).toContain('Muted diffusion');
      const diffusion = ['2405.30013', '2405.30021', '2405.30022', '2405.30023'];
      for (let page = 1; page <= 2; page++) {
        for (const id of ids(await core.run(`today ${page}`, asUser()))) expect(diffusion).not.toContain(id);
      }
      for (const id of ids(await core.run('foryou month', asUser()))) expect(diffusion).not.toContain(id);
      const port = recordingPort();
      await pass(t.db, '2024-05-24T09:00:30Z', [port]);
      const digest = ids(port.sent[0]!.answer);
      expect(digest.length).toBeGreaterThan(0);
      for (const id of digest) expect(diffusion).not.toContain(id);
      expect(recipientId).toBeGreaterThan(0);

      expect((await core.run('unmute diffusion', asUser())).notice?.text).toBe('Unmuted diffusion: its papers can appear again.');
      expect(ids(await core.run('today', asUser()))).toContain('2405.30023');
    });

    it('mutes authors and categories as follows match them', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      await core.run('mute author:Author 2405.30042', asUser());
      expect(ids(await core.run('today', asUser()))).not.toContain('2405.30042');
      await core.run('mute cat:cs.LG', asUser());
      expect(ids(await core.run('today', asUser()))).toEqual([]);
    });

    it('is validated like follow, and listed with the follows', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      const text = async (command: string) => (await core.run(command, asUser())).notice?.text ?? '';
      expect(await text('mute -diffusion')).toContain('a follow is a plain topic');
      expect(await text('mute the')).toContain('only common words');
      expect(await text('mute cat:cs.XX')).toContain('is not an arXiv category');
      expect(await text('mute')).toContain('Name what to hide');
      expect(await text('unmute quantum')).toBe('You have not muted quantum; `follows` lists what you mute.');
      expect(await text('mute Quantum')).toContain('Muted Quantum');
      expect(await text('mute quantum')).toBe('You already mute Quantum.');
      await core.run('follow robot', asUser());
      expect(await text('mute robot')).toContain('You follow robot; `unfollow robot` first');
      expect(await text('follow quantum')).toContain('You muted Quantum');
      const listed = await core.run('follows', asUser());
      expect(listed.lines).toEqual(['• robot', '', 'Muted (1 of at most 25; never shown in `today`, `foryou` or digests):', '• Quantum']);
      for (let i = 1; i < 25; i++) await core.run(`mute word${i}x`, asUser());
      expect(await text('mute one too many')).toContain('already mute 25 things');
    });

    it('needs a channel manager in a channel, as its daily post does', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      const refused = await core.run('mute diffusion', asChannel('c1', false));
      expect(refused.notice?.text).toContain('Only people who can manage this chat can change');
      expect(refused.notice?.text).toContain('what it mutes');
      expect((await core.run('mute diffusion', asChannel('c1', true))).notice?.text).toContain('Muted diffusion');
      expect((await core.run('unmute diffusion', asChannel('c1', false))).notice?.text).toContain('Only people who can manage this chat can change');
      expect((await core.run('unmute diffusion', asChannel('c1', true))).notice?.tone).toBe('success');
    });
  });

  describe('digests', () => {
    it('bring a follower papers like what it 👍 besides its follows, saying which 👍 paper each is like', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      await addSubscription(t.db, { externalId: 'u1', follows: ['quadruped'], papersPerPost: 3, at: '2024-05-01T00:00:00Z' });
      await core.run('vote 2405.30002 up', asUser());
      const port = recordingPort();
      await pass(t.db, '2024-05-24T09:00:30Z', [port]);
      const cards = port.sent[0]!.answer.cards.map((card) => [card.id, card.reasons.map(reasonText)]);
      expect(cards).toContainEqual(['2405.30004', ['like “Scaling monosemanticity” that you 👍']]);
      expect(cards).toContainEqual(['2405.30032', ['matches your follow: quadruped']]);
    });
  });

  describe('profileScores (for search to break ties)', () => {
    it('gives papers like what the recipient 👍 more points, none without a profile', async () => {
      await t.storage.papers.store(topicPapers);
      const core = testCore(t.db);
      await core.run('vote 2405.30011 up', asUser());
      const storage = createStorage(t.db);
      const recipient = await storage.recipients.find(asUser().recipient);
      const scores = await profileScores(storage, recipient, ['2405.30014', '2405.30042', 'unknown']);
      expect([...scores.keys()].sort()).toEqual(['2405.30014', '2405.30042']);
      expect(scores.get('2405.30014')!).toBeGreaterThan(scores.get('2405.30042')! + 1);
      const stranger = await profileScores(storage, undefined, ['2405.30014']);
      expect(stranger).toEqual(new Map());
      const newcomer = await storage.recipients.ensure(asUser('u9').recipient);
      expect(await profileScores(storage, newcomer, ['2405.30014'])).toEqual(new Map());
    });
  });
});
