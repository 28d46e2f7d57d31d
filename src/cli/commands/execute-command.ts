import { executeProject } from '../../api/execute.js';
import { hasFailures, type Command } from '../../runner/index.js';
import { listOf, parseThreads, projectOptions, type GlobalFlags, type SelectionFlags } from '../options.js';
import type { Output } from '../output.js';
import { createReporter, printWarning } from '../reporter.js';

export const EXIT_INTERRUPTED = 130;

/** `sqlkit run | test | build`: returns the exit code. Ctrl-C stops scheduling, cancels statements, exits 130. */
export async function executeCommand(command: Command, selectors: string[], flags: GlobalFlags & SelectionFlags, output: Output, version: string): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
    output.err('Interrupted: cancelling running statements (Ctrl-C again to quit at once)...');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const reporter = createReporter(output, version);
  try {
    const select = listOf(flags.select, selectors);
    const exclude = listOf(flags.exclude);
    const threads = parseThreads(flags.threads);
    const outcome = await executeProject({
      ...projectOptions(flags, output.redactor),
      command,
      ...(select ? { select } : {}),
      ...(exclude ? { exclude } : {}),
      ...(threads ? { threads } : {}),
      fullRefresh: Boolean(flags.fullRefresh),
      storeFailures: Boolean(flags.storeFailures),
      signal: controller.signal,
      onWarning: (message) => printWarning(output, message),
      onEvent: (event) => reporter(event),
    });
    if (outcome.summary.interrupted) return EXIT_INTERRUPTED;
    return hasFailures(outcome.summary.results) ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
