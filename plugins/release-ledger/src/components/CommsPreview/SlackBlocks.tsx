import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  SlackBlock,
  SlackMessagePreview,
} from '@release-ledger/plugin-release-ledger-common';
import { SlackMrkdwn } from './SlackMrkdwn';

const useStyles = makeStyles(
  theme => ({
    block: {
      margin: theme.spacing(0.5, 0),
      overflowWrap: 'anywhere',
    },
    header: {
      fontSize: '1.125rem',
      fontWeight: theme.typography.fontWeightBold as number,
    },
    fields: {
      display: 'grid',
      gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
      gap: theme.spacing(1, 2),
      marginTop: theme.spacing(1),
    },
    context: {
      display: 'flex',
      flexWrap: 'wrap',
      columnGap: theme.spacing(1.5),
      color: theme.palette.text.secondary,
      fontSize: '0.75rem',
    },
    divider: {
      border: 0,
      borderTop: `1px solid ${theme.palette.divider}`,
      margin: theme.spacing(1, 0),
    },
  }),
  { name: 'ReleaseLedgerSlackBlocks' },
);

/** A text object: mrkdwn is formatted, plain_text shown exactly as written. */
function TextObject(props: { text: { type: string; text: string } }) {
  const { text } = props;
  return text.type === 'mrkdwn' ? (
    <SlackMrkdwn text={text.text} />
  ) : (
    <>{text.text}</>
  );
}

function Block(props: { block: SlackBlock }) {
  const { block } = props;
  const classes = useStyles();
  switch (block.type) {
    case 'header':
      return block.text ? (
        <Typography
          component="div"
          className={`${classes.block} ${classes.header}`}
        >
          {block.text.text}
        </Typography>
      ) : null;
    case 'section':
      return (
        <Typography component="div" variant="body2" className={classes.block}>
          {block.text && <TextObject text={block.text} />}
          {block.fields && block.fields.length > 0 && (
            <div className={classes.fields}>
              {block.fields.map((field, i) => (
                <div key={i}>
                  <TextObject text={field} />
                </div>
              ))}
            </div>
          )}
        </Typography>
      );
    case 'context':
      return (
        <div className={`${classes.block} ${classes.context}`}>
          {(block.elements ?? [])
            // Image elements carry no text to show.
            .filter(element => typeof element.text === 'string')
            .map((element, i) => (
              <span key={i}>
                <TextObject text={element} />
              </span>
            ))}
        </div>
      );
    case 'divider':
      return <hr className={classes.divider} />;
    default:
      return null;
  }
}

/**
 * A Block Kit message as Slack lays it out; its fallback `text` when it has no
 * blocks.
 */
export function SlackBlocks(props: { message: SlackMessagePreview }) {
  const { message } = props;
  const classes = useStyles();
  if (message.blocks.length === 0) {
    return (
      <Typography component="div" variant="body2" className={classes.block}>
        <SlackMrkdwn text={message.text} />
      </Typography>
    );
  }
  return (
    <>
      {message.blocks.map((block, i) => (
        <Block key={i} block={block} />
      ))}
    </>
  );
}
