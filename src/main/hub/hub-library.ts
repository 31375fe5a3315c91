// @huggingface/hub, loaded on the first question to the Hub: it takes a noticeable time to load, and most
// commands (listing runs, serving the UI) never ask the Hub anything.
import type * as Hub from '@huggingface/hub';

export type HubLibrary = typeof Hub;

let loading: Promise<HubLibrary> | undefined;

export function hubLibrary(): Promise<HubLibrary> {
  loading ??= import('@huggingface/hub');
  return loading;
}
