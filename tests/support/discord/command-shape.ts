import { expect } from 'vitest';
import type { CommandSpec, OptionSpec } from '../../../src/core/commands/command.ts';

/** What a core option should look like as a Discord option, derived from its declaration. */
export function expectedOption(option: OptionSpec) {
  switch (option.type) {
    case 'string':
      return {
        name: option.name,
        type: 3,
        description: option.description,
        required: option.required ?? false,
        autocomplete: option.choices?.length ? false : Boolean(option.complete),
        max_length: option.maxLength ?? null,
        choices: option.choices?.length ? option.choices.map((c) => ({ name: c.name, value: c.value })) : null,
      };
    case 'integer':
      return {
        name: option.name,
        type: 4,
        description: option.description,
        required: option.required ?? false,
        min_value: option.min ?? null,
        max_value: option.max ?? null,
      };
    case 'target-channel':
      return { name: option.name, type: 7, description: option.description, required: false, channel_types: [0, 5] };
  }
}

/** A Discord option reduced to the fields `expectedOption` gives, with Discord's defaults filled in. */
export function optionShape(o: any) {
  const shape = { name: o.name, type: o.type, description: o.description, required: o.required ?? false };
  if (o.type === 3) return { ...shape, autocomplete: o.autocomplete ?? false, max_length: o.max_length ?? null, choices: o.choices?.length ? o.choices : null };
  if (o.type === 4) return { ...shape, min_value: o.min_value ?? null, max_value: o.max_value ?? null };
  return { ...shape, channel_types: o.channel_types };
}

/** Checks that `papers` (the registered JSON) has one subcommand per visible spec, with exactly its options. */
export function expectDerivedFrom(papers: any, specs: readonly CommandSpec[]): void {
  const visible = specs.filter((s) => !s.hidden);
  expect(papers.options.map((o: any) => o.name)).toEqual(visible.map((s) => s.name));
  for (const spec of visible) {
    const sub = papers.options.find((o: any) => o.name === spec.name);
    expect(sub.type, spec.name).toBe(1);
    if (spec.summary.length <= 100) expect(sub.description, spec.name).toBe(spec.summary);
    else {
      // Clipped to Discord's 100 characters, with an ellipsis.
      expect(sub.description.length, spec.name).toBeLessThanOrEqual(100);
      expect(sub.description.endsWith('…') && spec.summary.startsWith(sub.description.slice(0, -1)), spec.name).toBe(true);
    }
    expect((sub.options ?? []).map(optionShape), spec.name).toEqual(spec.options.map(expectedOption));
  }
}
