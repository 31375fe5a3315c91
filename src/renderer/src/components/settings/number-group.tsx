// A row of number fields a settings section saves together under one key (`budget`, `sandbox`): each
// field's label, rule and hint in one table, the texts as typed, and each field's error from a refused
// save. A section adds a number by adding a line to its table.
import { useState } from 'react';
import { numberText, readNumbers, type NumberRule } from '../../number-text';
import { NumberField } from '../common/number-field';

export interface NumberSpec {
  label: string;
  testId: string;
  rule: NumberRule;
  placeholder: string;
  unit?: string;
}

export type NumberSpecs<K extends string> = Record<K, NumberSpec>;

/** The texts of a group's fields, first read from the saved values, and a way to read them all back. */
export function useNumberGroup<K extends string>(specs: NumberSpecs<K>, saved: Partial<Record<K, number>>) {
  const keys = Object.keys(specs) as K[];
  const [texts, setTexts] = useState(
    () => Object.fromEntries(keys.map((key) => [key, numberText(saved[key])])) as Record<K, string>,
  );
  const setText = (key: K, text: string) => setTexts((current) => ({ ...current, [key]: text }));
  const read = () =>
    readNumbers(
      Object.fromEntries(keys.map((key) => [key, { text: texts[key], rule: specs[key].rule }])) as Record<
        K,
        { text: string; rule: NumberRule }
      >,
    );
  return { texts, setText, read };
}

interface NumberGroupProps<K extends string> {
  specs: NumberSpecs<K>;
  texts: Record<K, string>;
  onChange: (key: K, text: string) => void;
  /** The section's errors by field path; this group's are under `prefix.`. */
  errors: Partial<Record<string, string>>;
  prefix: string;
}

export function NumberGroup<K extends string>({ specs, texts, onChange, errors, prefix }: NumberGroupProps<K>) {
  return (
    <div className="form-row">
      {(Object.keys(specs) as K[]).map((key) => (
        <NumberField
          key={key}
          {...specs[key]}
          value={texts[key]}
          onChange={(text) => onChange(key, text)}
          error={errors[`${prefix}.${key}`]}
        />
      ))}
    </div>
  );
}
