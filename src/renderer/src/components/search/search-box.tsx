// The search field; "/" anywhere focuses it and Escape clears it.
import type { Ref } from 'react';

interface SearchBoxProps {
  value: string;
  onChange: (value: string) => void;
  ref: Ref<HTMLInputElement>;
}

export function SearchBox({ value, onChange, ref }: SearchBoxProps) {
  return (
    <div className="search-box">
      <input
        ref={ref}
        type="search"
        className="search-input"
        data-testid="search-input"
        placeholder="Search runs: goals, messages, tool output…"
        aria-label="Search runs"
        spellCheck={false}
        autoComplete="off"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <kbd className="search-key" aria-hidden="true">
        /
      </kbd>
    </div>
  );
}
