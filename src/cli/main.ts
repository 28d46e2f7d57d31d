import { readFileSync } from 'node:fs';
import { cac } from 'cac';
import { createRedactor, exitCodeFor, SqlkitError } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import { cleanCommand } from './commands/clean-command.js';
import { clusterCommand } from './commands/cluster-command.js';
import { compileCommand } from './commands/compile-command.js';
import { debugCommand } from './commands/debug-command.js';
import { executeCommand } from './commands/execute-command.js';
import { lsCommand } from './commands/ls-command.js';
import { showCommand } from './commands/show-command.js';
import { parseLogFormat } from './options.js';
import { createOutput, type Output } from './output.js';
import { errorsToRender, renderError } from './render-error.js';

// sqlkit supports Node 20; the AWS SDK's notice that its 2027 releases will need Node 22 would print on every
// Redshift command. Users can still opt in by setting the variable to anything else.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const COMMANDS = ['run', 'test', 'build', 'compile', 'ls', 'show', 'debug', 'clean', 'cluster'];

export async function main(argv: string[]): Promise<number> {
  const cli = cac('sqlkit');
  let exitCode = 0;
  // One redactor for the whole invocation: commands add the project's config secrets to it once they read them.
  const redactor = createRedactor(process.env);
  let output: Output = createOutput({ json: argv.includes('--log-format=json') || argv.join(' ').includes('--log-format json'), debug: argv.includes('--debug'), redactor });
  const setOutput = (flags: Record<string, unknown>) => {
    output = createOutput({ json: parseLogFormat(flags.logFormat as string | undefined) === 'json', debug: Boolean(flags.debug), ...(flags.color === false ? { color: false } : {}), redactor });
    return output;
  };

  cli
    .option('--project-dir <dir>', 'Folder containing project.yml (default: current folder)')
    .option('-t, --target <name>', 'Target from project.yml (default: its `target:`)')
    .option('--vars <yaml>', "Values for var(), as YAML or JSON: --vars '{play_page: NextSong}'")
    .option('--log-format <format>', 'text (default) or json: one JSON event per line')
    .option('--debug', 'Show statements sent and stack traces')
    .option('--no-color', 'Disable colours (also NO_COLOR=1)')
    .option('--no-partial-parse', 'Parse every file again instead of reusing target/partial_parse.bin');

  const selection = (command: ReturnType<typeof cli.command>) =>
    command
      .option('-s, --select <selector>', 'Nodes to include: name, +name, name+, 2+name, @name, tag:x, path:models/x, source:src.table; space = union, comma = intersection')
      .option('--exclude <selector>', 'Nodes to leave out (same syntax)');

  for (const [name, description] of [
    ['run', 'Load sources and build models'],
    ['test', 'Run data tests'],
    ['build', 'Load, build and test in DAG order: a failure skips only what is downstream'],
  ] as const) {
    selection(cli.command(`${name} [...selectors]`, description))
      .option('--threads <n>', 'Nodes run at once (default: the target threads)')
      .option('--full-refresh', 'Rebuild incremental models from scratch')
      .option('--store-failures', "Keep each failing test's rows in <schema>_test_failures")
      .action(async (selectors: string[], flags: Record<string, unknown>) => {
        exitCode = await executeCommand(name, selectors, flags, setOutput(flags), VERSION);
      });
  }
  selection(cli.command('compile [...selectors]', 'Render every model and test to target/compiled and write manifest.json; no warehouse needed')).action(
    (selectors: string[], flags: Record<string, unknown>) => {
      exitCode = compileCommand(selectors, flags, setOutput(flags));
    },
  );
  selection(cli.command('ls [...selectors]', 'List nodes'))
    .option('--resource-type <type>', 'model, source, test or analysis')
    .option('--output <format>', 'name (default), path or json')
    .action((selectors: string[], flags: Record<string, unknown>) => {
      exitCode = lsCommand(selectors, flags, setOutput(flags));
    });
  cli
    .command('show <name>', 'Print rows of a model or source, or the result of an analysis')
    .option('--limit <n>', 'Rows to show (default 10)')
    .action(async (name: string, flags: Record<string, unknown>) => {
      exitCode = await showCommand(name, flags, setOutput(flags));
    });
  cli.command('debug', 'Show the resolved config and check the warehouse connection').action(async (flags: Record<string, unknown>) => {
    exitCode = await debugCommand(flags, setOutput(flags));
  });
  cli
    .command('cluster <action>', 'Redshift cluster lifecycle from project.yml cluster: up | status | down --yes')
    .option('--yes', 'Confirm cluster down')
    .option('--final-snapshot <id>', 'Keep a final snapshot when deleting')
    .option('--wait-timeout <seconds>', 'Give up waiting after this long (default 3600)')
    .option('--poll-min <seconds>', 'Shortest wait between status checks (default 30)')
    .option('--poll-max <seconds>', 'Longest wait between status checks (default 120)')
    .action(async (action: string, flags: Record<string, unknown>) => {
      exitCode = await clusterCommand(action, flags, setOutput(flags));
    });
  cli
    .command('clean', 'Remove target/compiled, manifest.json, run_results.json, the parse cache and the compile state')
    .option('--all', 'Remove everything in the target folder, including a DuckDB database there')
    .action((flags: Record<string, unknown>) => {
      exitCode = cleanCommand(flags, setOutput(flags));
    });
  cli.help();
  cli.version(VERSION);

  try {
    cli.parse(argv, { run: false });
    const asked = argv.slice(2).some((a) => ['--help', '-h', '--version', '-v'].includes(a));
    if (!cli.matchedCommand && !asked) {
      const name = cli.args[0];
      if (name === undefined) {
        cli.outputHelp();
        return 0;
      }
      throw new SqlkitError('CLI_INVALID_ARGUMENT', `Unknown command '${name}'.`, {
        hint: `${didYouMean(name, COMMANDS) ?? ''} Commands: ${COMMANDS.join(', ')}. Run sqlkit --help.`.trim(),
      });
    }
    await cli.runMatchedCommand();
    return exitCode;
  } catch (error) {
    return reportFailure(error, output);
  }
}

function reportFailure(error: unknown, output: Output): number {
  const cacError = error instanceof Error && error.name === 'CACError';
  const errors = cacError
    ? [new SqlkitError('CLI_INVALID_ARGUMENT', error.message, { hint: 'Run sqlkit <command> --help for the options.' })]
    : errorsToRender(error);
  for (const err of errors) {
    if (output.json) output.event('error', err.toJSON());
    else {
      for (const line of renderError(err, output)) output.err(line);
      output.err('');
    }
  }
  if (!output.json && errors.length > 1) output.err(`${errors.length} problems found.`);
  return Math.max(...errors.map((e) => exitCodeFor(e.code)));
}

// Not a top-level await: the CLI is bundled as CommonJS (see bin/sqlkit.js).
void main(process.argv).then((exit) => process.exit(exit));
