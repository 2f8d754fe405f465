import { useState } from 'react';
import IconButton from '@material-ui/core/IconButton';
import Popover from '@material-ui/core/Popover';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import InfoOutlinedIcon from '@material-ui/icons/InfoOutlined';
import { Link } from '@backstage/core-components';
import {
  METRIC_DEFINITIONS,
  type MetricId,
} from '@release-ledger/plugin-release-ledger-common';

const useStyles = makeStyles(
  theme => ({
    button: { padding: 2, marginLeft: theme.spacing(0.5) },
    icon: { fontSize: '1rem' },
    popover: { padding: theme.spacing(2), maxWidth: 360 },
    definition: { margin: theme.spacing(1, 0) },
  }),
  { name: 'ReleaseLedgerMetricDefinitionButton' },
);

/** @public */
export type MetricDefinitionButtonProps = {
  metric: MetricId;
  /** Where "All definitions" points; no link when absent. */
  definitionsLink?: string;
};

/**
 * An info icon next to a figure that opens the metric's definition, word
 * for word as the metrics are computed, with a link to all definitions.
 *
 * @public
 */
export function MetricDefinitionButton(props: MetricDefinitionButtonProps) {
  const { metric, definitionsLink } = props;
  const classes = useStyles();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const { title, definition } = METRIC_DEFINITIONS[metric];
  return (
    <>
      <IconButton
        className={classes.button}
        aria-label={`How ${title.toLocaleLowerCase('en-US')} is measured`}
        aria-haspopup="dialog"
        onClick={event => setAnchor(event.currentTarget)}
      >
        <InfoOutlinedIcon className={classes.icon} />
      </IconButton>
      <Popover
        open={Boolean(anchor)}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
        transformOrigin={{ vertical: 'top', horizontal: 'left' }}
      >
        <div
          className={classes.popover}
          role="dialog"
          aria-label={`${title}: definition`}
        >
          <Typography variant="subtitle2">{title}</Typography>
          <Typography variant="body2" className={classes.definition}>
            {definition}
          </Typography>
          {definitionsLink && (
            <Typography variant="body2">
              <Link to={definitionsLink} onClick={() => setAnchor(null)}>
                All definitions and bands
              </Link>
            </Typography>
          )}
        </div>
      </Popover>
    </>
  );
}
