import { z } from 'zod';
import type { OptionSpec } from './command.ts';

/** The windows of `foryou` and `trending`, in days ending on the window's last day. */
export const PERIOD_DAYS = { week: 7, month: 30 } as const;

/** The `period` and `page` options of a `[week|month] [page]` command. */
export function periodOptions(maxPages: number): OptionSpec[] {
  return [
    {
      name: 'period',
      type: 'string',
      description: 'The last 7 days (default) or the last 30 days.',
      choices: [
        { name: 'last 7 days', value: 'week' },
        { name: 'last 30 days', value: 'month' },
      ],
    },
    { name: 'page', type: 'integer', description: 'Which page (default 1).', min: 1, max: maxPages },
  ];
}

/** `[week|month] [page]` as typed: a number is the page, a word the period; anything more is left over. */
export function periodFromText(rest: string): { period?: string; page?: number; extra?: string } {
  const args: { period?: string; page?: number; extra?: string } = {};
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    if (/^\d{1,3}$/.test(word) && args.page === undefined) args.page = Number(word);
    else if (args.period === undefined && /^[a-z]+$/i.test(word)) args.period = word.toLowerCase();
    else args.extra = word;
  }
  return args;
}

/** The schema of `periodFromText`'s arguments for `command`, with messages that show how to type it. */
export function periodArgs(command: string, maxPages: number) {
  return z.object({
    period: z.enum(['week', 'month'], { error: `Say \`week\` (the last 7 days) or \`month\` (the last 30 days), e.g. \`${command} month\`.` }).default('week'),
    page: z.number().int().min(1, 'Pages start at 1.').max(maxPages, `Only the first ${maxPages} pages are shown.`).default(1),
    extra: z
      .undefined({ error: (issue) => `I did not understand "${String(issue.input)}": try \`${command}\`, \`${command} month\` or \`${command} 2\`.` })
      .optional(),
  });
}
