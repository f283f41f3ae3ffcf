// Button custom_ids: one versioned schema and one decoder (zod). A custom_id is
//   <prefix>:<version>:<field>|<field>|…
// where the prefix routes the click to its command (the dispatcher splits on the first ":"), the version
// names the field list, and every field is validated on the way back in: a click is input like any other,
// and anyone can forge one. Decoding never throws; it says why a click cannot be answered.
import { z } from 'zod';

/** Discord's limit on a custom_id. */
export const CUSTOM_ID_MAX = 100;

/** One positional field: how it is written and the zod schema that reads it back. */
export interface FieldCodec<T> {
  encode(v: T): string;
  schema: z.ZodType<T, string>;
}

const DECIMAL_INT = /^\d{1,9}$/;
const DECIMAL = /^(\d{1,9}(\.\d{1,6})?|\.\d{1,6})$/;

/** A whole number in [min, max], written in plain decimal (no 0x, no exponent, no sign). */
export function intField(min: number, max: number): FieldCodec<number> {
  return {
    encode: (v) => String(v),
    schema: z
      .string()
      .regex(DECIMAL_INT, 'not a whole number')
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
  };
}

/** A decimal in (min, max]. */
export function decimalField(min: number, max: number): FieldCodec<number> {
  return {
    encode: (v) => String(v),
    schema: z
      .string()
      .regex(DECIMAL, 'not a decimal')
      .transform(Number)
      .pipe(z.number().gt(min).lte(max)),
  };
}

/** A catalog id or short token: letters, digits and . _ - @ + / only, 1..max characters. */
export function idField(max = 60): FieldCodec<string> {
  return { encode: (v) => v, schema: z.string().regex(new RegExp(`^[A-Za-z0-9._@+/-]{1,${max}}$`), 'not an id') };
}

/** Free text without "|" (the separator), at most max characters (may be empty). */
export function textField(max: number): FieldCodec<string> {
  return { encode: (v) => v.replace(/\|/g, ' ').slice(0, max), schema: z.string().max(max).regex(/^[^|]*$/) };
}

export function enumField<const T extends string>(values: readonly T[]): FieldCodec<T> {
  return { encode: (v) => v, schema: z.enum(values as unknown as [T, ...T[]]) as unknown as z.ZodType<T, string> };
}

/** Empty string = absent. */
export function optional<T>(f: FieldCodec<T>): FieldCodec<T | undefined> {
  return {
    encode: (v) => (v === undefined ? '' : f.encode(v)),
    schema: z.union([z.literal('').transform(() => undefined), f.schema]) as z.ZodType<T | undefined, string>,
  };
}

type Fields = Record<string, FieldCodec<unknown>>;
type ValueOf<C> = C extends FieldCodec<infer T> ? T : never;
type OptionalKeys<F extends Fields> = { [K in keyof F]: undefined extends ValueOf<F[K]> ? K : never }[keyof F];
/** Optional fields (those that accept undefined) may be left out when encoding. */
export type Values<F extends Fields> = { [K in Exclude<keyof F, OptionalKeys<F>>]: ValueOf<F[K]> } & { [K in OptionalKeys<F>]?: ValueOf<F[K]> };

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: 'foreign' | 'old' | 'invalid'; detail: string };

export interface CustomIdSchema<F extends Fields> {
  prefix: string;
  version: number;
  /** The id for these values, or undefined when it would be over 100 characters (the button is then left out). */
  encode(v: Values<F>): string | undefined;
  decode(customId: unknown): Decoded<Values<F>>;
}

export function customIdSchema<F extends Fields>(prefix: string, version: number, fields: F): CustomIdSchema<F> {
  if (!/^[a-z][a-z0-9-]*$/.test(prefix)) throw new Error(`bad custom_id prefix ${prefix}`);
  const keys = Object.keys(fields);
  const head = `${prefix}:${version}:`;
  return {
    prefix,
    version,
    encode(v) {
      const id = head + keys.map((k) => fields[k]!.encode((v as Record<string, unknown>)[k])).join('|');
      return id.length <= CUSTOM_ID_MAX ? id : undefined;
    },
    decode(customId) {
      if (typeof customId !== 'string' || customId.length > CUSTOM_ID_MAX) return { ok: false, reason: 'invalid', detail: 'custom_id is not a string of at most 100 characters' };
      if (!customId.startsWith(`${prefix}:`)) return { ok: false, reason: 'foreign', detail: 'another prefix' };
      if (!customId.startsWith(head)) {
        const v = /^[^:]+:(\d{1,4}):/.exec(customId)?.[1];
        return v !== undefined && Number(v) > version
          ? { ok: false, reason: 'invalid', detail: `version ${v} is newer than ${version}` }
          : { ok: false, reason: 'old', detail: 'an older custom_id layout' };
      }
      const parts = customId.slice(head.length).split('|');
      if (parts.length !== keys.length) return { ok: false, reason: 'invalid', detail: `${parts.length} fields, expected ${keys.length}` };
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const r = fields[keys[i]!]!.schema.safeParse(parts[i]);
        if (!r.success) return { ok: false, reason: 'invalid', detail: `field ${keys[i]}: ${r.error.issues[0]?.message ?? 'invalid'}` };
        out[keys[i]!] = r.data;
      }
      return { ok: true, value: out as Values<F> };
    },
  };
}

/** The rest of a question, as the text options say it: avgcontext, tps, ttft, host, spec, accept, textonly. */
export type ExtraOptions = Partial<Record<'avgcontext' | 'tps' | 'ttft' | 'host' | 'spec' | 'accept' | 'textonly', string>>;

const EXTRA_KEYS = [
  ['a', 'avgcontext', /^\d{1,9}$/],
  ['t', 'tps', /^\d{1,5}(\.\d{1,3})?$/],
  ['f', 'ttft', /^\d{1,4}(\.\d{1,3})?$/],
  ['h', 'host', /^[a-z0-9][a-z0-9.-]{0,29}$/],
  ['s', 'spec', /^(mtp|eagle3)(-[1-8])?$/],
  ['p', 'accept', /^0?\.\d{1,4}$/],
  ['x', 'textonly', /^true$/],
] as const;

/**
 * The options a question carries beyond hardware and load, in one field: `t30,f2,hddr5x8,seagle3-3,p0.7` (a letter per
 * option, then its value; spec's ":" written as "-"). Each value is checked here for shape and again by the option
 * parser when the click is answered.
 */
export const extrasField: FieldCodec<ExtraOptions> = {
  encode: (v) =>
    EXTRA_KEYS.filter(([, k]) => v[k] !== undefined && v[k] !== '')
      .map(([c, k]) => c + (k === 'spec' ? v[k]!.replace(':', '-') : v[k]))
      .join(','),
  schema: z
    .string()
    .max(70)
    .transform((s, ctx) => {
      const out: ExtraOptions = {};
      if (s === '') return out;
      for (const part of s.split(',')) {
        const e = EXTRA_KEYS.find(([c]) => c === part[0]);
        const val = part.slice(1);
        if (!e || !e[2].test(val) || out[e[1]] !== undefined) {
          ctx.addIssue({ code: 'custom', message: `bad option ${part.slice(0, 12)}` });
          return z.NEVER;
        }
        out[e[1]] = e[1] === 'spec' ? val.replace('-', ':') : val;
      }
      return out;
    }) as unknown as z.ZodType<ExtraOptions, string>,
};
