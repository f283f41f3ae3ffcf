// The shape of an interaction as far as Headroom reads it, checked (zod) before any work: a signed request is
// still input. A malformed one (a command without `data`, `options` that is not a list, an option whose value
// is null or an object, a click without a string custom_id) is refused with 400 on the HTTP endpoint and
// dropped with a log line on the gateway, never a 500 or a crash. Fields Headroom does not read pass through.
// Option values are then checked against the command's own definition (type, length, range, choices), so a
// new option needs no change here.
import type { APIApplicationCommandOption } from 'discord-api-types/v10';
import { z } from 'zod';
import { lang, type Locale } from '../../commands/types.ts';

const snowflake = z.string().regex(/^\d{1,20}$/, 'not a snowflake');

const optionValue = z.union([z.string().max(6000), z.number().refine(Number.isFinite, 'not finite'), z.boolean()]);

interface RawOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: RawOption[];
}

const OptionSchema: z.ZodType<RawOption> = z.lazy(() =>
  z.looseObject({
    name: z.string().min(1).max(32),
    type: z.number().int().min(1).max(11),
    value: optionValue.optional(),
    focused: z.boolean().optional(),
    options: z.array(OptionSchema).max(25).optional(),
  }),
);

const CommandData = z.looseObject({
  name: z.string().min(1).max(32),
  options: z.array(OptionSchema).max(25).optional(),
  resolved: z.looseObject({ attachments: z.record(z.string(), z.looseObject({ url: z.string().max(2048), filename: z.string().max(1024), size: z.number().nonnegative() })).optional() }).optional(),
});

const ComponentData = z.looseObject({
  custom_id: z.string().min(1).max(100),
  component_type: z.number().int(),
});

const base = {
  id: snowflake,
  application_id: snowflake,
  token: z.string().min(1).max(1000),
  locale: z.string().max(16).optional(),
  guild_locale: z.string().max(16).optional(),
  guild_id: snowflake.optional(),
  member: z.looseObject({ user: z.looseObject({ id: snowflake }).optional() }).optional(),
  user: z.looseObject({ id: snowflake }).optional(),
};

export const InteractionSchema = z.discriminatedUnion('type', [
  z.looseObject({ ...base, type: z.literal(1), token: z.string().max(1000).optional() }),
  z.looseObject({ ...base, type: z.literal(2), data: CommandData }),
  z.looseObject({ ...base, type: z.literal(3), data: ComponentData }),
  z.looseObject({ ...base, type: z.literal(4), data: CommandData }),
  z.looseObject({ ...base, type: z.literal(5), data: z.looseObject({ custom_id: z.string().min(1).max(100) }) }),
]);

/** undefined when the interaction is well-formed; otherwise a short reason (for the log, never the payload). */
export function interactionProblem(raw: unknown): string | undefined {
  const r = InteractionSchema.safeParse(raw);
  if (r.success) return undefined;
  const i = r.error.issues[0]!;
  return `${i.path.join('.') || 'interaction'}: ${i.message}`.slice(0, 200);
}

const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;
const NUMBER = 10;
const ATTACHMENT = 11;

/**
 * Check one option value against its definition. Returns a one-line problem or undefined. Autocomplete
 * partial values are exempt from ranges and choices (the user is still typing) but not from types.
 */
export function optionProblem(def: APIApplicationCommandOption | undefined, o: RawOption, partial = false, locale: Locale = 'en'): string | undefined {
  const w = PROBLEM[lang(locale)];
  if (!def) return w.notOption(o.name.slice(0, 32));
  if (def.type !== o.type) return w.wrongType(def.name);
  const v = o.value;
  switch (def.type) {
    case STRING: {
      if (typeof v !== 'string') return w.text(def.name);
      if (partial) return undefined;
      if (def.max_length !== undefined && v.length > def.max_length) return w.longer(def.name, def.max_length);
      if (def.min_length !== undefined && v.length < def.min_length) return w.shorter(def.name, def.min_length);
      if (def.choices?.length && !def.choices.some((c) => c.value === v)) return w.oneOf(def.name, def.choices.map((c) => c.value).join(', '));
      return undefined;
    }
    case INTEGER:
    case NUMBER: {
      if (partial && typeof v === 'string') return v.length <= 40 ? undefined : w.tooLong(def.name);
      if (typeof v !== 'number' || !Number.isFinite(v)) return w.number(def.name);
      if (def.type === INTEGER && !Number.isInteger(v)) return w.whole(def.name);
      if (partial) return undefined;
      if (def.min_value !== undefined && v < def.min_value) return w.atLeast(def.name, def.min_value);
      if (def.max_value !== undefined && v > def.max_value) return w.atMost(def.name, def.max_value);
      return undefined;
    }
    case BOOLEAN:
      return typeof v === 'boolean' ? undefined : w.boolean(def.name);
    case ATTACHMENT:
      return typeof v === 'string' && /^\d{1,20}$/.test(v) ? undefined : w.attachment(def.name);
    default:
      return undefined;
  }
}

/** The problems above, per language (option names stay as Discord shows them in the command). */
const PROBLEM = {
  en: {
    notOption: (n: string) => `${n} is not an option of this command`,
    wrongType: (n: string) => `${n} has the wrong type`,
    text: (n: string) => `${n} must be text`,
    longer: (n: string, max: number) => `${n} is longer than ${max} characters`,
    shorter: (n: string, min: number) => `${n} is shorter than ${min} characters`,
    oneOf: (n: string, list: string) => `${n} must be one of ${list}`,
    tooLong: (n: string) => `${n} is too long`,
    number: (n: string) => `${n} must be a number`,
    whole: (n: string) => `${n} must be a whole number`,
    atLeast: (n: string, min: number) => `${n} must be at least ${min}`,
    atMost: (n: string, max: number) => `${n} must be at most ${max}`,
    boolean: (n: string) => `${n} must be true or false`,
    attachment: (n: string) => `${n} is not an attachment`,
  },
  'zh-CN': {
    notOption: (n: string) => `${n} 不是这个命令的选项`,
    wrongType: (n: string) => `${n} 的类型不对`,
    text: (n: string) => `${n} 必须是文本`,
    longer: (n: string, max: number) => `${n} 超过了 ${max} 个字符`,
    shorter: (n: string, min: number) => `${n} 少于 ${min} 个字符`,
    oneOf: (n: string, list: string) => `${n} 必须是 ${list.split(', ').join('、')} 之一`,
    tooLong: (n: string) => `${n} 太长了`,
    number: (n: string) => `${n} 必须是数字`,
    whole: (n: string) => `${n} 必须是整数`,
    atLeast: (n: string, min: number) => `${n} 至少是 ${min}`,
    atMost: (n: string, max: number) => `${n} 最多是 ${max}`,
    boolean: (n: string) => `${n} 必须是 true 或 false`,
    attachment: (n: string) => `${n} 不是附件`,
  },
};
