import type { types } from '@slack/bolt';
import type { Answer } from '../../core/answer.ts';
import type { CommandContext } from '../../core/commands/command.ts';
import type { Core } from '../../core/core.ts';
import { escapeClip } from './mrkdwn.ts';
import { buttonValues, renderAnswer, SLACK_LIMITS } from './render.ts';

/** The command whose answer the Home tab shows as picks, and its arguments. */
const HOME_PICKS = { command: 'foryou', args: { period: 'week' } } as const;

export interface HomeOptions {
  /**
   * Shown in place of the picks: the answer of a button clicked on the Home tab (another page,
   * More like this). Default: the person's picks (`foryou` for the week).
   */
  focus?: Answer;
  /** A confirmation or refusal shown at the top (after 👍, Follow). */
  notice?: Answer['notice'];
}

/**
 * The Home tab of one person: their follows, their own daily post (its settings), then their
 * picks (or the answer a Home button led to), within Slack's 100 blocks. Everything comes from
 * core commands run in the person's own context, so it shows exactly what `follows`,
 * `settings` and `foryou` answer in a direct message.
 */
export async function homeView(core: Core, ctx: CommandContext, options: HomeOptions = {}): Promise<types.HomeView> {
  const [follows, settings, picks] = await Promise.all([
    core.execute('follows', {}, ctx),
    core.execute('settings', {}, ctx),
    options.focus ?? pickAnswer(core, ctx),
  ]);
  const blocks: types.KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'paperboy', emoji: true } }];
  if (options.notice) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `${options.notice.tone === 'error' ? '❌' : '✅'} ${escapeClip(options.notice.text, 2900)}` },
    });
  }
  blocks.push(summary('Your follows', follows), summary('Your daily post', settings), { type: 'divider' });
  const room = SLACK_LIMITS.blocksPerHomeView - blocks.length;
  const rendered = renderAnswer(picks, await buttonValues(core.actions, picks), { maxBlocks: room, idScope: 'home' });
  blocks.push(...rendered.blocks);
  return { type: 'home', blocks };
}

function pickAnswer(core: Core, ctx: CommandContext): Promise<Answer> {
  return core.execute(HOME_PICKS.command, HOME_PICKS.args, ctx);
}

/** One answer as a titled section: its notice and lines (follows, settings), as many lines as fit. */
function summary(title: string, answer: Answer): types.KnownBlock {
  const body = [answer.notice?.text, ...answer.lines].filter((line): line is string => Boolean(line));
  let text = `*${title}*`;
  for (const line of body.length ? body : [answer.title]) {
    const next = escapeClip(line, 500);
    if (text.length + 1 + next.length > SLACK_LIMITS.text - 2) {
      text += '\n…';
      break;
    }
    text += `\n${next}`;
  }
  return { type: 'section', text: { type: 'mrkdwn', text } };
}
