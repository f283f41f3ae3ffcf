// The Result helpers every option parser returns through: a value, or one user-facing error line (with suggestions and,
// where a renderer phrases it per language, a code and its values). Echoed user text goes through clip: inert, cut.
import type { Result } from './parse.ts';
import { safeText } from './user-text.ts';

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (field: string, message: string, didYouMean?: string[], coded?: { code: string; params?: Record<string, string | number> }): Result<never> => ({
  ok: false,
  error: { field, message, didYouMean, ...(coded ? { code: coded.code, params: coded.params ?? {} } : {}) },
});

/** Echoed user text: inert (no mentions), single line, cut. */
export function clip(s: string, n = 40): string {
  return safeText(s, n);
}
