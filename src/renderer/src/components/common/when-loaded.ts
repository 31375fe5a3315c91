// For component tests: waits until what loads on demand (the markdown renderer, a highlighting
// language, marked aria-busy meanwhile) has loaded and the page shows it.
import { waitFor } from '@testing-library/react';

export async function whenLoaded(): Promise<void> {
  await waitFor(
    () => {
      const busy = document.querySelectorAll('[aria-busy="true"]').length;
      if (busy > 0) throw new Error(`${busy} part(s) still loading`);
    },
    // The first load of a chunk in a test compiles it, which a loaded machine takes a while to do.
    { timeout: 15_000 },
  );
}
