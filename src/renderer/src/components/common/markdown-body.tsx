// Markdown parsed and rendered (react-markdown + remark-gfm), loaded with the first text that needs
// it. Model text is hostile: raw HTML shows as text, links go only to http(s) and mailto and open
// outside the app, and images stay links (loading one would tell a server what the run was doing).
import Markdown, { type Components, type ExtraProps } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { languageForFence } from '../../highlight';
import { CodeBlock } from './code-block';

const remarkPlugins = [remarkGfm];

/** Keeps web and mail links, drops every other scheme (javascript:, data:, file:…) and relative URLs. */
export function safeUrl(url: string): string | undefined {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' || protocol === 'mailto:' ? url : undefined;
  } catch {
    return undefined;
  }
}

type HastNode = NonNullable<ExtraProps['node']>;

function textOf(node: HastNode | HastNode['children'][number]): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

function fenceLanguage(code: HastNode['children'][number] | undefined): string | undefined {
  if (code?.type !== 'element') return undefined;
  const classes = code.properties.className;
  const name = Array.isArray(classes) ? classes.map(String).find((item) => item.startsWith('language-')) : undefined;
  return name === undefined ? undefined : languageForFence(name.slice('language-'.length));
}

const components: Components = {
  a: ({ href, children }) =>
    href === undefined || href === '' ? (
      <span className="md-link-dropped">{children}</span>
    ) : (
      <a href={href} target="_blank" rel="noreferrer noopener" title={href}>
        {children}
      </a>
    ),
  img: ({ src, alt }) => {
    const url = typeof src === 'string' ? src : '';
    return <span className="md-image">{`[image: ${alt ?? ''}${url === '' ? '' : ` ${url}`}]`}</span>;
  },
  pre: ({ node }) => {
    const code = node?.children[0];
    const text = code === undefined ? '' : textOf(code);
    return (
      <CodeBlock
        code={text.endsWith('\n') ? text.slice(0, -1) : text}
        language={fenceLanguage(code)}
        className="md-code"
      />
    );
  },
  table: ({ children }) => (
    <div className="md-table-scroll">
      <table>{children}</table>
    </div>
  ),
};

/** One line of markdown inside running text (a plan item): its paragraph adds no block. */
const inlineComponents: Components = { ...components, p: ({ children }) => <>{children}</> };

export default function MarkdownBody({ text, inline }: { text: string; inline: boolean }) {
  return (
    <Markdown
      remarkPlugins={remarkPlugins}
      components={inline ? inlineComponents : components}
      urlTransform={(url) => safeUrl(url) ?? ''}
    >
      {text}
    </Markdown>
  );
}
