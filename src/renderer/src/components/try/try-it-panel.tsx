// "Try it": a short conversation with a model made from this run's artifacts, through the same provider
// code the loop uses (no tools), the reply streaming in as the model writes it. Nothing here is recorded
// in the run.
import { useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { getBridge, request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { useScrollIntoView } from '../../hooks/use-scroll-into-view';
import { ErrorBox } from '../common/error-box';
import { useImportedModels } from './imported-models';
import './try-it.css';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

let chats = 0;
const newChatId = () => `try-${Date.now().toString(36)}-${(chats += 1)}`;

/** The conversation with one model (a new one for another model), and the reply streaming now. */
function useTryChat(model: string) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [streaming, setStreaming] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const chatId = useRef('');

  useEffect(
    () =>
      getBridge()?.subscribe('models.chat.delta', (delta) => {
        if (delta.chatId === chatId.current) setStreaming((text) => (text ?? '') + delta.text);
      }),
    [],
  );

  async function send(text: string): Promise<void> {
    const asked = [...turns, { role: 'user' as const, content: text }];
    setTurns(asked);
    setError(null);
    setStreaming('');
    chatId.current = newChatId();
    try {
      const reply = await request('models.chat', { model: `ollama/${model}`, chatId: chatId.current, messages: asked });
      setTurns([...asked, { role: 'assistant', content: reply.text }]);
    } catch (failure) {
      setError(toErrorInfo(failure));
    } finally {
      setStreaming(undefined);
    }
  }
  return { turns, streaming, error, send };
}

export function TryItPanel({ runId }: { runId: string }) {
  const models = useImportedModels(runId);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const model = chosen !== undefined && models.includes(chosen) ? chosen : models.at(-1);
  if (model === undefined) return null;
  return <TryIt key={model} models={models} model={model} onModel={setChosen} />;
}

function TryIt({ models, model, onModel }: { models: readonly string[]; model: string; onModel: (m: string) => void }) {
  const chat = useTryChat(model);
  const [draft, setDraft] = useState('');
  const busy = chat.streaming !== undefined;
  // It appears below the job once a model is made: brought into view then.
  const ref = useScrollIntoView<HTMLElement>(true);
  return (
    <section ref={ref} className="try-it" aria-label="Try it" data-testid="try-it">
      <header className="try-it-head">
        <h3>Try it</h3>
        {models.length > 1 ? (
          <select className="select mono" value={model} onChange={(event) => onModel(event.target.value)}>
            {models.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        ) : (
          <span className="mono muted">ollama/{model}</span>
        )}
      </header>
      <ol className="try-it-turns" data-testid="try-it-turns">
        {chat.turns.map((turn, index) => (
          <li key={index} className={`try-it-turn try-it-${turn.role}`} data-role={turn.role}>
            {turn.content}
          </li>
        ))}
        {chat.streaming !== undefined && (
          <li className="try-it-turn try-it-assistant" data-role="assistant" aria-busy="true">
            {chat.streaming === '' ? '…' : chat.streaming}
          </li>
        )}
      </ol>
      {chat.error !== null && <ErrorBox error={chat.error} testId="try-it-error" />}
      <form
        className="try-it-form"
        onSubmit={(event) => {
          event.preventDefault();
          const text = draft.trim();
          if (text === '' || busy) return;
          setDraft('');
          void chat.send(text);
        }}
      >
        <input
          className="text-input"
          data-testid="try-it-input"
          aria-label={`Message to ${model}`}
          placeholder={`Message ${model}`}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="button button-primary" data-testid="try-it-send" disabled={busy}>
          Send
        </button>
      </form>
    </section>
  );
}
