// A tool call's input with its blob-stored strings loaded in full, so a person edits the real text
// and not a preview.
import { useEffect, useState } from 'react';
import { request } from '../bridge';
import { blobHashes, replaceBlobRefs } from '../approval-input';
import { toErrorInfo } from '../error-info';
import type { Loadable } from './loadable';
import { loading } from './loadable';

export function useResolvedInput(input: unknown): Loadable<unknown> {
  const [hashes] = useState(() => blobHashes(input));
  const [loaded, setLoaded] = useState<Loadable<unknown> | null>(null);

  useEffect(() => {
    if (hashes.length === 0) return;
    let live = true;
    Promise.all(hashes.map((hash) => request('blobs.get', { hash }))).then(
      (blobs) => {
        if (!live) return;
        const texts = new Map(blobs.map((blob) => [blob.hash, blob.text]));
        setLoaded({ status: 'ready', value: replaceBlobRefs(input, texts) });
      },
      (error: unknown) => live && setLoaded({ status: 'error', error: toErrorInfo(error) }),
    );
    return () => {
      live = false;
    };
  }, [hashes, input]);

  if (hashes.length === 0) return { status: 'ready', value: input };
  return loaded ?? loading;
}
