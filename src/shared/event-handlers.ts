// A record with one handler for each type of event, for the code that reads the log: a new type of event
// does not compile until every such reader decides what it means to it (often nothing).
import type { EventType, RunEvent } from './events';

export type EventOf<T extends EventType> = Extract<RunEvent, { type: T }>;

/** One handler per event type; `context` is whatever the reader folds the event into. */
export type EventHandlers<Result, Context = void> = {
  [T in EventType]: (event: EventOf<T>, context: Context) => Result;
};

/** Hands an event to the handler for its type (with the context, when the handlers take one). */
export function handleEvent<Result, Context = void>(
  handlers: EventHandlers<Result, Context>,
  event: RunEvent,
  ...context: Context extends void ? [] : [Context]
): Result {
  return (handlers[event.type] as (event: RunEvent, ...context: unknown[]) => Result)(event, ...context);
}
