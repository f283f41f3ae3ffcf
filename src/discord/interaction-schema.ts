// The shape of an interaction as far as Headroom reads it, checked (zod) before any work: a signed request is
// still input. A malformed one (a command without `data`, `options` that is not a list, an option whose value
// is null or an object, a click without a string custom_id) is refused with 400 on the HTTP endpoint and
// dropped with a log line on the gateway, never a 500 or a crash. Fields Headroom does not read pass through.
// Option values are then checked against the command's own definition (type, length, range, choices), so a
// new option needs no change here.
import type { APIApplicationCommandOption } from 'discord-api-types/v10';
import { z } from 'zod';

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
export function optionProblem(def: APIApplicationCommandOption | undefined, o: RawOption, partial = false): string | undefined {
  if (!def) return `${o.name.slice(0, 32)} is not an option of this command`;
  if (def.type !== o.type) return `${def.name} has the wrong type`;
  const v = o.value;
  switch (def.type) {
    case STRING: {
      if (typeof v !== 'string') return `${def.name} must be text`;
      if (partial) return undefined;
      if (def.max_length !== undefined && v.length > def.max_length) return `${def.name} is longer than ${def.max_length} characters`;
      if (def.min_length !== undefined && v.length < def.min_length) return `${def.name} is shorter than ${def.min_length} characters`;
      if (def.choices?.length && !def.choices.some((c) => c.value === v)) return `${def.name} must be one of ${def.choices.map((c) => c.value).join(', ')}`;
      return undefined;
    }
    case INTEGER:
    case NUMBER: {
      if (partial && typeof v === 'string') return v.length <= 40 ? undefined : `${def.name} is too long`;
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${def.name} must be a number`;
      if (def.type === INTEGER && !Number.isInteger(v)) return `${def.name} must be a whole number`;
      if (partial) return undefined;
      if (def.min_value !== undefined && v < def.min_value) return `${def.name} must be at least ${def.min_value}`;
      if (def.max_value !== undefined && v > def.max_value) return `${def.name} must be at most ${def.max_value}`;
      return undefined;
    }
    case BOOLEAN:
      return typeof v === 'boolean' ? undefined : `${def.name} must be true or false`;
    case ATTACHMENT:
      return typeof v === 'string' && /^\d{1,20}$/.test(v) ? undefined : `${def.name} is not an attachment`;
    default:
      return undefined;
  }
}
