import type { Answer } from '../answer.ts';
import { DomainError } from '../errors.ts';
import { followText, MAX_MUTES, parseFollow } from '../follow.ts';
import { defineCommand } from './command.ts';
import { completeFrom, owner, topicArgs, usableTopic, verb } from './follows.ts';

/**
 * `mute <topic | author:Name | cat:cs.LG>`: papers matching it (as a follow would match them)
 * never appear in `today`, `foryou` or digests for this recipient. In a channel it changes
 * what everyone there gets, so only its managers may (like its daily post).
 */
export const muteCommand = defineCommand({
  name: 'mute',
  aliases: ['hide'],
  usage: '<topic | author:Name | cat:cs.LG>',
  summary: 'Never show papers about a topic, by author:Name or in cat:cs.LG in today, foryou or digests.',
  options: [{ name: 'topic', type: 'string', description: 'crypto, author:Jane Doe or cat:cs.CR', required: true, maxLength: 200 }],
  answer: 'personal',
  access: 'managers',
  manages: { what: 'what it mutes', instead: '`mute` in a private chat with me for your own lists' },
  fromText: (rest) => ({ topic: rest }),
  args: topicArgs('Name what to hide, e.g. `mute blockchain`, `mute author:Jane Doe` or `mute cat:cs.CR`.', 'mute'),
  async run({ topic }, ctx, deps): Promise<Answer> {
    // Parsed and checked as a follow is: the same words match the same papers.
    const mute = await usableTopic(topic, deps, 'muting it would hide nothing');
    const recipient = await deps.recipients.ensure(ctx.recipient);
    const [mutes, follows] = await Promise.all([deps.recipients.mutes(recipient), deps.recipients.follows(recipient)]);
    const followed = follows.find((f) => f.kind === mute.kind && f.value === mute.value);
    if (followed) {
      throw new DomainError(
        'InvalidArguments',
        `${owner(ctx.recipient)} ${verb(ctx.recipient, 'follow')} ${followText(followed)}; \`unfollow ${followText(followed)}\` first if you no longer want its papers.`,
      );
    }
    const already = mutes.find((m) => m.kind === mute.kind && m.value === mute.value);
    if (already) throw new DomainError('AlreadyMuted', `${owner(ctx.recipient)} already ${verb(ctx.recipient, 'mute')} ${followText(already)}.`);
    if (mutes.length >= MAX_MUTES) {
      throw new DomainError(
        'MuteLimitReached',
        `${owner(ctx.recipient)} already ${verb(ctx.recipient, 'mute')} ${MAX_MUTES} things, the most allowed. Unmute one first (see \`follows\`).`,
      );
    }
    if (!(await deps.recipients.mute(recipient, mute))) {
      throw new DomainError('AlreadyMuted', `${owner(ctx.recipient)} already ${verb(ctx.recipient, 'mute')} ${followText(mute)}.`);
    }
    return {
      title: 'Muted',
      cards: [],
      lines: [],
      notice: {
        tone: 'success',
        text: `Muted ${followText(mute)}: papers matching it will no longer appear in \`today\`, \`foryou\` or digests. \`unmute ${followText(mute)}\` brings them back.`,
      },
      actions: [],
      visibility: 'personal',
    };
  },
});

/** `unmute <topic>`. */
export const unmuteCommand = defineCommand({
  name: 'unmute',
  aliases: ['unhide'],
  usage: '<topic | author:Name | cat:cs.LG>',
  summary: 'Show papers about something you muted again.',
  options: [
    {
      name: 'topic',
      type: 'string',
      description: 'One of your mutes.',
      required: true,
      maxLength: 200,
      complete: completeFrom((deps, recipient) => deps.recipients.mutes(recipient)),
    },
  ],
  answer: 'personal',
  access: 'managers',
  manages: { what: 'what it mutes', instead: '`unmute` in a private chat with me for your own lists' },
  fromText: (rest) => ({ topic: rest }),
  args: topicArgs('Name what to show again, e.g. `unmute blockchain`; `follows` lists what you muted.', 'mute'),
  async run({ topic }, ctx, deps): Promise<Answer> {
    const mute = parseFollow(topic);
    const recipient = await deps.recipients.find(ctx.recipient);
    const removed = recipient ? await deps.recipients.unmute(recipient, mute.kind, mute.value) : undefined;
    if (!removed) {
      throw new DomainError(
        'NotMuted',
        `${owner(ctx.recipient)} ${ctx.recipient.kind === 'channel' ? 'has' : 'have'} not muted ${followText(mute)}; \`follows\` lists what ${ctx.recipient.kind === 'channel' ? 'it mutes' : 'you mute'}.`,
      );
    }
    return {
      title: 'Unmuted',
      cards: [],
      lines: [],
      notice: { tone: 'success', text: `Unmuted ${followText(removed)}: its papers can appear again.` },
      actions: [],
      visibility: 'personal',
    };
  },
});
