import { describe, expect, it } from 'vitest';

import { serviceView } from '$lib/backend/fixtures';

import { formFields } from './schema';

describe('formFields', () => {
  it('follows x-order, not the order of the properties', () => {
    const names = formFields(serviceView().form).map((field) => field.name);
    expect(names, 'the fixture lists its properties backwards').toEqual([
      'full_name',
      'birth_date',
      'reason',
      'consent',
    ]);
  });

  it('picks a control for each kind of question', () => {
    const controls = Object.fromEntries(
      formFields(serviceView().form).map((field) => [field.name, field.control]),
    );
    expect(controls.full_name).toEqual({ type: 'text' });
    expect(controls.birth_date, 'a date check makes a date field').toEqual({ type: 'date' });
    expect(controls.reason).toEqual({
      type: 'choice',
      options: [
        { value: 'age', label: 'Достижение возраста' },
        { value: 'name', label: 'Смена фамилии' },
      ],
    });
    expect(controls.consent).toEqual({ type: 'checkbox' });
  });

  it('keeps labels, hints and what is required', () => {
    const [first] = formFields(serviceView().form);
    expect(first).toMatchObject({
      label: 'Фамилия, имя, отчество',
      hint: 'Полностью, как в паспорте',
      required: true,
    });
  });

  it('still asks a question that x-order forgets, after the ordered ones', () => {
    const form = {
      'x-order': ['b'],
      properties: { a: { type: 'string', title: 'A' }, b: { type: 'string', title: 'B' } },
    };
    expect(formFields(form).map((field) => field.name)).toEqual(['b', 'a']);
  });
});
