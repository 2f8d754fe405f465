import type { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import { formatUtc } from '../../utils/format';
import { type MrkdwnInline, parseMrkdwn } from './parseMrkdwn';

const useStyles = makeStyles(
  theme => ({
    line: { display: 'block', minHeight: '1.4em' },
    bullet: {
      display: 'block',
      paddingLeft: '1.2em',
      textIndent: '-1.2em',
    },
    code: {
      fontFamily: 'monospace',
      fontSize: '0.85em',
      padding: '0 3px',
      borderRadius: 3,
      border: `1px solid ${theme.palette.divider}`,
      backgroundColor: theme.palette.action.hover,
      color: theme.palette.error.dark,
    },
    mention: {
      padding: '0 2px',
      borderRadius: 3,
      backgroundColor: 'rgba(29, 155, 209, 0.1)',
      color: theme.palette.type === 'dark' ? '#1d9bd1' : '#1264a3',
      fontWeight: theme.typography.fontWeightMedium as number,
    },
    link: { color: theme.palette.type === 'dark' ? '#1d9bd1' : '#1264a3' },
  }),
  { name: 'ReleaseLedgerSlackMrkdwn' },
);

const MENTION_TITLES = {
  user: 'Slack user',
  usergroup: 'Slack user group',
  channel: 'Slack channel',
  special: 'Notifies everyone in the channel',
} as const;

function Inline(props: { node: MrkdwnInline }): JSX.Element {
  const { node } = props;
  const classes = useStyles();
  const children = (nodes: MrkdwnInline[]) =>
    nodes.map((child, i) => <Inline key={i} node={child} />);
  switch (node.type) {
    case 'bold':
      return <strong>{children(node.children)}</strong>;
    case 'italic':
      return <em>{children(node.children)}</em>;
    case 'strike':
      return <s>{children(node.children)}</s>;
    case 'code':
      return <code className={classes.code}>{node.text}</code>;
    case 'link':
      return (
        <a
          className={classes.link}
          href={node.url}
          target="_blank"
          rel="noopener noreferrer"
        >
          {node.label}
        </a>
      );
    case 'mention':
      return (
        <span
          className={classes.mention}
          title={[MENTION_TITLES[node.kind], node.id].filter(Boolean).join(' ')}
        >
          {node.label}
        </span>
      );
    case 'date':
      return node.iso ? (
        <time dateTime={node.iso}>{formatUtc(node.iso)}</time>
      ) : (
        <>{node.fallback}</>
      );
    case 'text':
    default:
      return <>{node.text}</>;
  }
}

/**
 * Slack mrkdwn as React nodes: bold, italic, strike, code, http(s) links,
 * mentions as chips, dates, line breaks and bullet lines. Text is only
 * ever rendered as text (see `parseMrkdwn`), never as HTML.
 */
export function SlackMrkdwn(props: { text: string }): JSX.Element {
  const classes = useStyles();
  const lines = parseMrkdwn(props.text);
  const content: ReactNode[] = lines.map((line, i) => (
    <span key={i} className={line.bullet ? classes.bullet : classes.line}>
      {line.bullet && '• '}
      {line.children.map((node, j) => (
        <Inline key={j} node={node} />
      ))}
    </span>
  ));
  return <>{content}</>;
}
