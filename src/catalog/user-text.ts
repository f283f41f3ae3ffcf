// User text that is echoed back (in an error, a title, a request line) is made inert and short here, once.
// Discord renders mentions (<@id>, <@&id>, <#id>, @everyone, @here) and markdown even inside embeds, and
// `allowed_mentions: { parse: [] }` only stops the ping, not the pill; so echoed text is neutralized before
// it reaches any reply. The terminal shows the same text (a zero-width space is invisible there).

const ZWSP = '\u200b';
/** Longest echo of one user value. */
export const ECHO_MAX = 60;

/**
 * Plain, inert, cut: control characters and line breaks become spaces, backticks become ', and every "@"
 * and mention-opening "<" is followed by a zero-width space so Discord never forms a mention or a
 * timestamp / channel / emoji token. Cut to `max` characters (code points) with an ellipsis.
 */
export function safeText(input: unknown, max = ECHO_MAX): string {
  let s = String(input ?? '');
  // Cut first (bounded work on a 100 000-character value), then clean.
  const cps = Array.from(s.length > max * 4 + 8 ? s.slice(0, max * 4 + 8) : s);
  const cut = cps.length > max;
  s = cps.slice(0, cut ? Math.max(0, max - 1) : max).join('');
  s = s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/`/g, "'")
    .replace(/@/g, `@${ZWSP}`)
    .replace(/<(?=[@#:/a-z!&])/gi, `<${ZWSP}`);
  return cut ? `${s}…` : s;
}

/** Escape Discord markdown so text shows literally in an embed or message (mentions: see safeText). */
export function escapeMarkdown(s: string): string {
  return s.replace(/([\\*_~|>#[\]])/g, '\\$1');
}

/** True when a string would render a mention or a mass ping in Discord (for tests and assertions). */
export function hasLiveMention(s: string): boolean {
  return /@(everyone|here)\b/.test(s) || /<(@[!&]?|#|\/[^:>]+:)\d+>/.test(s) || /<t:\d+/.test(s);
}
