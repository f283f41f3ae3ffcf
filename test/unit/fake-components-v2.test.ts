// The loopback Discord knows components v2 (IS_COMPONENTS_V2 = 1 << 15): the rules the card must keep.
import { describe, expect, it } from 'vitest';
import { messageLimitErrors } from '../fake-discord/server.ts';

const V2 = 1 << 15;
const text = (content: string) => ({ type: 10, content });
const btn = (id: string) => ({ type: 2, style: 2, label: id, custom_id: id });
const codes = (body: object) => messageLimitErrors(body as never, [], true).map((e) => e.code);

describe('components v2 in the stand-in', () => {
  it('accepts a container with text, a gallery and rows of buttons', () => {
    expect(codes({ flags: V2, components: [{ type: 17, accent_color: 1, components: [text('hi'), { type: 12, items: [{ media: { url: 'attachment://a.png' } }] }, { type: 1, components: [btn('a'), btn('b')] }] }] })).toEqual([]);
  });

  it('rejects content or embeds with the flag, buttons outside rows, more than 40 components, over 4000 characters', () => {
    expect(codes({ flags: V2, content: 'x', components: [text('a')] })).toContain('MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2');
    expect(codes({ flags: V2, embeds: [{ title: 'x' }], components: [text('a')] })).toContain('MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2');
    expect(codes({ flags: V2, components: [btn('a')] })).toContain('UNION_TYPE_CHOICES');
    expect(codes({ flags: V2, components: [{ type: 17, components: Array.from({ length: 41 }, (_, i) => text(String(i))) }] })).toContain('MAX_COMPONENTS');
    expect(codes({ flags: V2, components: [text('x'.repeat(2001)), text('y'.repeat(2000))] })).toContain('MAX_TEXT_DISPLAY');
    expect(codes({ flags: V2, components: [{ type: 17, components: [{ type: 1, components: ['a', 'b', 'c', 'd', 'e', 'f'].map(btn) }] }] })).toContain('BASE_TYPE_BAD_LENGTH');
  });

  it('checks custom_ids anywhere in the tree: length and duplicates', () => {
    expect(codes({ flags: V2, components: [{ type: 17, components: [{ type: 1, components: [btn('x'.repeat(101))] }] }] })).toContain('BASE_TYPE_MAX_LENGTH');
    expect(codes({ flags: V2, components: [{ type: 17, components: [{ type: 1, components: [btn('a')] }, { type: 1, components: [btn('a')] }] }] })).toContain('COMPONENT_CUSTOM_ID_DUPLICATED');
  });

  it('without the flag, top-level components must still be action rows', () => {
    expect(codes({ components: [text('a')] })).toContain('UNION_TYPE_CHOICES');
  });
});
