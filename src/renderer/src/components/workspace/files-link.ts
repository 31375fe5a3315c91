// How other parts of the run page open the Files tab (the jobs panel's file list does), at a file.
import { createContext, useContext } from 'react';

export type OpenFiles = (path?: string) => void;

export const FilesLinkContext = createContext<OpenFiles | null>(null);

/** Opens the run's Files tab, or null outside a run page that has one. */
export function useOpenFiles(): OpenFiles | null {
  return useContext(FilesLinkContext);
}
