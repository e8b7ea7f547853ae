import { type REST, type RESTPostAPIApplicationCommandsJSONBody, Routes } from 'discord.js';
import type { Logger } from '../../logger.ts';

export interface RegisterOptions {
  rest: REST;
  applicationId: string;
  /** Register to this server only (instant updates while developing); global otherwise. */
  guildId?: string | undefined;
  commands: readonly RESTPostAPIApplicationCommandsJSONBody[];
  log: Logger;
}

export interface RegisterResult {
  scope: 'global' | 'guild';
  /** False when Discord already had exactly these commands and no PUT was made. */
  changed: boolean;
}

/**
 * Makes Discord's command list match `commands` with one bulk overwrite (PUT), globally or
 * to one server. Reads the current list first and skips the PUT when nothing changed, so
 * restarts do not spend the daily command-create budget or reset client caches.
 */
export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const { rest, applicationId, guildId, commands, log } = options;
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const scope = guildId ? 'guild' : 'global';
  const existing = (await rest.get(route)) as unknown[];
  if (sameCommands(existing, commands)) {
    log.info({ scope, guildId, count: commands.length }, 'discord commands unchanged');
    return { scope, changed: false };
  }
  await rest.put(route, { body: commands });
  log.info({ scope, guildId, count: commands.length }, 'discord commands registered');
  return { scope, changed: true };
}

/**
 * Whether the commands Discord returned are the ones we would register. Compares only
 * what we send, with Discord's defaults filled in (it adds ids and versions, and may
 * leave out `required: false` or return `null` for unset fields).
 */
export function sameCommands(existing: readonly unknown[], wanted: readonly unknown[]): boolean {
  if (existing.length !== wanted.length) return false;
  const canon = (list: readonly unknown[]) =>
    list
      .map((c) => canonicalCommand(c as Raw))
      .sort((a, b) => `${a.type}:${a.name}`.localeCompare(`${b.type}:${b.name}`))
      .map(stableJson);
  const a = canon(existing);
  const b = canon(wanted);
  return a.every((item, i) => item === b[i]);
}

type Raw = Record<string, unknown>;

/** JSON with object keys sorted, so key order in Discord's answer does not matter. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function canonicalCommand(c: Raw) {
  return {
    type: c.type ?? 1,
    name: c.name,
    description: c.description ?? '',
    name_localizations: localizations(c.name_localizations),
    description_localizations: localizations(c.description_localizations),
    default_member_permissions: c.default_member_permissions ?? null,
    nsfw: c.nsfw ?? false,
    contexts: sortedOrNull(c.contexts),
    // Discord's default for commands registered without integration types is server install.
    integration_types: sortedOrNull(c.integration_types) ?? [0],
    options: ((c.options as Raw[] | undefined) ?? []).map(canonicalOption),
  };
}

function canonicalOption(o: Raw): unknown {
  return {
    type: o.type,
    name: o.name,
    description: o.description ?? '',
    name_localizations: localizations(o.name_localizations),
    description_localizations: localizations(o.description_localizations),
    required: o.required ?? false,
    autocomplete: o.autocomplete ?? false,
    choices: Array.isArray(o.choices) && o.choices.length ? o.choices : null,
    channel_types: sortedOrNull(o.channel_types),
    min_value: o.min_value ?? null,
    max_value: o.max_value ?? null,
    min_length: o.min_length ?? null,
    max_length: o.max_length ?? null,
    options: ((o.options as Raw[] | undefined) ?? []).map(canonicalOption),
  };
}

function localizations(value: unknown): unknown {
  return value && typeof value === 'object' && Object.keys(value).length ? value : null;
}

function sortedOrNull(value: unknown): number[] | null {
  return Array.isArray(value) ? [...(value as number[])].sort((a, b) => a - b) : null;
}
