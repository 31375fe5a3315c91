// @vitest-environment happy-dom
// The number field as a person uses it: what is wrong shows once they leave the field, a form's own
// error shows at once, and the unit stands after the number.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryMbRule } from '../../number-rules';
import { NumberField } from './number-field';

function Form({ error }: { error?: string }) {
  const [text, setText] = useState('');
  return (
    <NumberField
      label="Memory"
      unit="MB"
      testId="memory"
      rule={memoryMbRule}
      value={text}
      onChange={setText}
      error={error}
    />
  );
}

afterEach(cleanup);

describe('NumberField', () => {
  it('says what is wrong once the person leaves the field, and stops once it is right', () => {
    render(<Form />);
    const input = screen.getByTestId('memory');
    expect(screen.getByLabelText(/Memory/)).toBe(input);
    expect(screen.getByText('MB')).toBeTruthy();
    fireEvent.change(input, { target: { value: '8' } });
    expect(screen.queryByTestId('field-error')).toBeNull();
    fireEvent.blur(input);
    expect(screen.getByTestId('field-error').textContent).toBe('a whole number from 64 to 4194304');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(input, { target: { value: '4,096' } });
    expect(screen.queryByTestId('field-error')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('false');
  });

  it("shows the form's error for it without waiting", () => {
    render(<Form error="Too small: expected number to be >=64" />);
    expect(screen.getByTestId('field-error').textContent).toBe('Too small: expected number to be >=64');
  });
});
