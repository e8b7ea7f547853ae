import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../../src/bots/discord/commands.ts';
import { commandSpecs } from '../../../src/core/commands/index.ts';

describe('/papers similar', () => {
  it('is generated from the core spec: a required paper id and an optional page', () => {
    const [papers] = commandDefinitions(commandSpecs);
    const similar = papers!.options!.find((o) => o.name === 'similar') as any;
    expect(similar).toMatchObject({ type: 1, description: 'Papers about the same things as one paper, with what they have in common.' });
    expect(similar.options.map((o: any) => ({ name: o.name, type: o.type, required: o.required ?? false, max: o.max_value ?? o.max_length }))).toEqual([
      { name: 'paper', type: 3, required: true, max: 200 },
      { name: 'page', type: 4, required: false, max: 10 },
    ]);
  });
});
