/**
 * Reads a service's form (the JSON Schema subset the portal and the core share) into the fields
 * the form screen renders, in the order the form asks for them.
 */

/** One option of a choice. */
export interface FieldOption {
  value: string;
  label: string;
}

/** How a field is entered. */
export type FieldControl =
  | { type: 'text' }
  | { type: 'date' }
  | { type: 'choice'; options: FieldOption[] }
  | { type: 'checkbox' };

/** One question of a form. */
export interface FormField {
  /** The property name, which problems name too. */
  name: string;
  label: string;
  hint: string | null;
  required: boolean;
  control: FieldControl;
}

const DATE_CHECKS = new Set(['date', 'past_date', 'future_date']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function controlOf(property: Record<string, unknown>): FieldControl {
  if (property.type === 'boolean') return { type: 'checkbox' };

  if (Array.isArray(property.oneOf)) {
    const options = property.oneOf.filter(isRecord).map((option) => ({
      value: String(option.const),
      label: text(option.title) ?? String(option.const),
    }));
    return { type: 'choice', options };
  }

  const check = property['x-check'];
  if (property.format === 'date' || (typeof check === 'string' && DATE_CHECKS.has(check))) {
    return { type: 'date' };
  }
  return { type: 'text' };
}

/**
 * The fields of a form: those named in `x-order` first, in that order, then any other
 * property, so that a question the order forgets is still asked rather than silently lost.
 */
export function formFields(schema: Record<string, unknown>): FormField[] {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const order = Array.isArray(schema['x-order']) ? schema['x-order'].map(String) : [];
  const names = [...order.filter((name) => name in properties)];
  for (const name of Object.keys(properties)) if (!names.includes(name)) names.push(name);

  return names.flatMap((name) => {
    const property = properties[name];
    if (!isRecord(property)) return [];
    return [
      {
        name,
        label: text(property.title) ?? name,
        hint: text(property.description),
        required: required.has(name),
        control: controlOf(property),
      },
    ];
  });
}
