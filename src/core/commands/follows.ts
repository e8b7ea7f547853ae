import { z } from 'zod';
import type { Answer } from '../answer.ts';
import { DomainError } from '../errors.ts';
import { assertPlainTopic, type Follow, followText, MAX_FOLLOWS, MAX_MUTES, parseFollow } from '../follow.ts';
import type { RecipientId } from '../ports/recipient-store.ts';
import { refreshProfile } from '../ranking/profiles.ts';
import type { RecipientRef } from '../recipient.ts';
import { type CommandContext, type CommandDeps, defineCommand } from './command.ts';
import { rankSuggestions } from './suggestions.ts';

/** The one argument of follow, unfollow, mute and unmute; `empty` is the message for leaving it out, `action` what a too long one cannot be. */
export function topicArgs(empty: string, action: 'follow' | 'mute' = 'follow') {
  return z.object({
    topic: z.string().trim().min(1, empty).max(200, `That is too long to ${action}; keep it under 100 characters.`),
  });
}

/**
 * A topic, `author:Name` or `cat:…` as follow and mute take it: parsed, a topic checked to be
 * plain words that some stored paper could match (`useless` says what a topic of only common
 * words would do, e.g. "it would match nothing"). The same words match the same papers either way.
 */
export async function usableTopic(topic: string, deps: Pick<CommandDeps, 'papers'>, useless: string): Promise<Follow> {
  const follow = parseFollow(topic);
  if (follow.kind === 'topic') assertPlainTopic(topic);
  if (follow.kind === 'topic' && !(await deps.papers.hasSearchTerms(follow.value))) {
    throw new DomainError('InvalidArguments', `“${follow.label}” is only common words, so ${useless}. Try something more specific.`);
  }
  return follow;
}

/** Suggests, while the argument is typed, from a list of the recipient's (its follows, its mutes). */
export function completeFrom(list: (deps: CommandDeps, recipient: RecipientId) => Promise<Follow[]>) {
  return async (typed: string, ctx: CommandContext, deps: CommandDeps): Promise<string[]> => {
    const recipient = await deps.recipients.find(ctx.recipient);
    return rankSuggestions(recipient ? (await list(deps, recipient)).map(followText) : [], typed);
  };
}

/** Who a follow or mute belongs to, as a message's subject: "You" or "This channel". */
export function owner(ref: RecipientRef): string {
  return ref.kind === 'channel' ? 'This channel' : 'You';
}

/** A verb ("follow", "mute") agreeing with {@link owner}: "follows" for a channel. */
export function verb(ref: RecipientRef, base: string): string {
  return ref.kind === 'channel' ? `${base}s` : base;
}

/**
 * `follow <topic | author:Name | cat:cs.LG>`. In a channel it changes what everyone there gets
 * (its daily post follows its follows), so only its managers may, as with `mute`.
 */
export const followCommand = defineCommand({
  name: 'follow',
  aliases: ['sub', 'track'],
  usage: '<topic | author:Name | cat:cs.LG>',
  summary: 'Follow a topic, author:Name or cat:cs.LG; matches rank higher and go into daily posts.',
  options: [{ name: 'topic', type: 'string', description: 'grokking, author:Yann LeCun or cat:cs.LG', required: true, maxLength: 200 }],
  answer: 'personal',
  access: 'managers',
  manages: { what: 'what it follows', instead: '`follow` in a private chat with me for your own list' },
  fromText: (rest) => ({ topic: rest }),
  args: topicArgs('Name a topic, e.g. `follow grokking`, `follow author:Yann LeCun` or `follow cat:cs.LG`.'),
  async run({ topic }, ctx, deps): Promise<Answer> {
    const follow = await usableTopic(topic, deps, 'it would match nothing');
    const recipient = await deps.recipients.ensure(ctx.recipient);
    if ((await deps.recipients.countFollows(recipient)) >= MAX_FOLLOWS) {
      throw new DomainError(
        'FollowLimitReached',
        `${owner(ctx.recipient)} already ${verb(ctx.recipient, 'follow')} ${MAX_FOLLOWS} things, the most allowed. Unfollow one first (see \`follows\`).`,
      );
    }
    const muted = (await deps.recipients.mutes(recipient)).find((m) => m.kind === follow.kind && m.value === follow.value);
    if (muted) {
      throw new DomainError(
        'InvalidArguments',
        `${owner(ctx.recipient)} muted ${followText(muted)}, so its papers are hidden. \`unmute ${followText(muted)}\` first, then follow it.`,
      );
    }
    if (!(await deps.recipients.follow(recipient, follow))) {
      // Shown as it was stored (`author:Yann LeCun`), however it was typed this time.
      const stored = (await deps.recipients.follows(recipient)).find((f) => f.kind === follow.kind && f.value === follow.value) ?? follow;
      throw new DomainError('AlreadyFollowing', `${owner(ctx.recipient)} already ${verb(ctx.recipient, 'follow')} ${followText(stored)}.`);
    }
    // A topic is a seed of the profile: rebuilt now, so `foryou` has it at once.
    if (follow.kind === 'topic') await refreshProfile(deps, recipient);
    return {
      title: 'Following',
      cards: [],
      lines: [],
      notice: { tone: 'success', text: `Now following ${followText(follow)}. Matching papers will rank higher in \`today\` and go into digests.` },
      actions: [],
      visibility: 'personal',
    };
  },
});

/** `unfollow <topic>`. */
export const unfollowCommand = defineCommand({
  name: 'unfollow',
  aliases: ['unsub', 'untrack'],
  usage: '<topic | author:Name | cat:cs.LG>',
  summary: 'Stop following something.',
  options: [
    {
      name: 'topic',
      type: 'string',
      description: 'One of your follows.',
      required: true,
      maxLength: 200,
      complete: completeFrom((deps, recipient) => deps.recipients.follows(recipient)),
    },
  ],
  answer: 'personal',
  access: 'managers',
  manages: { what: 'what it follows', instead: '`unfollow` in a private chat with me for your own list' },
  fromText: (rest) => ({ topic: rest }),
  args: topicArgs('Name what to stop following, e.g. `unfollow grokking`; `follows` lists what you follow.'),
  async run({ topic }, ctx, deps): Promise<Answer> {
    const follow = parseFollow(topic);
    const recipient = await deps.recipients.find(ctx.recipient);
    const removed = recipient ? await deps.recipients.unfollow(recipient, follow.kind, follow.value) : undefined;
    if (!removed) {
      throw new DomainError(
        'NotFollowing',
        `${owner(ctx.recipient)} do${ctx.recipient.kind === 'channel' ? 'es' : ''} not follow ${followText(follow)}; \`follows\` lists what ${ctx.recipient.kind === 'channel' ? 'it follows' : 'you follow'}.`,
      );
    }
    if (removed.kind === 'topic' && recipient !== undefined) await refreshProfile(deps, recipient);
    return {
      title: 'Unfollowed',
      cards: [],
      lines: [],
      notice: { tone: 'success', text: `Stopped following ${followText(removed)}.` },
      actions: [],
      visibility: 'personal',
    };
  },
});

/** `follows`: what this recipient follows, and what it muted. */
export const followsCommand = defineCommand({
  name: 'follows',
  aliases: ['following', 'list', 'mutes'],
  usage: '',
  summary: 'List what you (or this channel) follow and mute.',
  options: [],
  answer: 'personal',
  fromText: () => ({}),
  args: z.object({}),
  async run(_args, ctx, deps): Promise<Answer> {
    const recipient = await deps.recipients.find(ctx.recipient);
    const [follows, mutes] = recipient ? await Promise.all([deps.recipients.follows(recipient), deps.recipients.mutes(recipient)]) : [[], []];
    const who = ctx.recipient.kind === 'channel' ? 'This channel follows' : 'You follow';
    const muteLines = mutes.length
      ? [`Muted (${mutes.length} of at most ${MAX_MUTES}; never shown in \`today\`, \`foryou\` or digests):`, ...mutes.map((m) => `• ${followText(m)}`)]
      : [];
    if (follows.length === 0) {
      return {
        title: 'Follows',
        cards: [],
        lines: [...(muteLines.length ? [...muteLines, ''] : []), 'Try `follow grokking`, `follow author:Yann LeCun` or `follow cat:cs.LG`.'],
        notice: { tone: 'info', text: `${who} nothing yet.` },
        actions: [],
        visibility: 'personal',
      };
    }
    return {
      title: 'Follows',
      cards: [],
      lines: [...follows.map((f) => `• ${followText(f)}`), ...(muteLines.length ? ['', ...muteLines] : [])],
      notice: { tone: 'info', text: `${who} ${follows.length} of at most ${MAX_FOLLOWS}:` },
      actions: [],
      visibility: 'personal',
    };
  },
});
