// Argument parsing and subcommand dispatch only; each command lives in src/commands/.

import { Command, CommanderError } from 'commander';
import { exitCodeOf, UsageError } from './errors.js';
import { VERSION } from './version.js';

const DEFAULT_TARGET = './runbook/';

/**
 * The navigator holds keys from its first moment: raw mode, so what is typed while it loads is neither
 * echoed over the screen nor lost (the first screen reads it). Node restores the terminal at exit.
 */
function holdKeys(): void {
  if (process.stdin.isTTY && process.stdout.isTTY) process.stdin.setRawMode(true);
}

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('runbook')
    .description('Walk an operational runbook step by step: run its commands and queries, keep a signed record.')
    .version(VERSION, '-V, --version')
    .argument('[target]', 'a runbook file or a folder of runbooks', DEFAULT_TARGET)
    .option('--env <name>', 'environment from runbook.config.json (default: its defaultEnv, else local)')
    .option('--incident <id>', 'a session started here is for this incident')
    .option('--severity <level>', "the incident's severity")
    .option('--title <text>', 'what the session is for')
    .option('--drill', 'a session started here is a drill')
    .option('--key <file>', 'sign with this OpenSSH key instead of the runbook signing key')
    .showSuggestionAfterError(true)
    // The program's own options (for the navigator) come before a subcommand; a subcommand's
    // options, --env among them, belong to the subcommand.
    .enablePositionalOptions()
    .action(async (target: string, options: import('./commands/open.js').OpenOptions) => {
      holdKeys();
      const { openCommand } = await import('./commands/open.js');
      await openCommand(target, options);
    });

  program
    .command('resume')
    .description('reopen an interrupted session in the navigator, where it stopped')
    .argument('[session]', 'a session id (or unique part of one); default: the newest unsealed session')
    .option('--env <name>', "override the session's environment")
    .option('--key <file>', 'sign with this OpenSSH key')
    .action(async (session: string | undefined, options: import('./commands/open.js').OpenOptions) => {
      holdKeys();
      const { resumeCommand } = await import('./commands/open.js');
      await resumeCommand(session, options);
    });

  program
    .command('list')
    .description('print the sections, steps and actions of a runbook (or of every runbook in a folder)')
    .argument('<file>', 'a Markdown runbook, or a folder of them')
    .option('--json', 'print the parsed model as JSON (see DESIGN.md for its shape)')
    .action(async (file: string, options: { json?: boolean }) => {
      const { listCommand } = await import('./commands/list.js');
      await listCommand(file, options);
    });

  program
    .command('exec')
    .description("run a section's commands and queries in order, with no prompts; record and seal a session")
    .argument('<file>', 'a Markdown runbook')
    .requiredOption('--section <id>', 'the section: its id, its title, or a part of the title only it has')
    .option('--env <name>', 'environment from runbook.config.json (default: its defaultEnv, else local)')
    .option('--set <key=value>', 'a placeholder value (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--allow-writes', 'permit writing SQL and commands that change or destroy things')
    .option('--confirm <env>', "confirm a protected environment by naming it")
    .option('--keep-going', 'go on after a failed or refused action')
    .option('--dry-run', 'show each action with placeholders filled; run nothing')
    .option('--incident <id>', 'the session is for this incident')
    .option('--severity <level>', "the incident's severity")
    .option('--title <text>', 'what the session is for')
    .option('--drill', 'the session is a drill')
    .option('--key <file>', 'sign with this OpenSSH key instead of the runbook signing key')
    .addHelpText('after', '\nExit codes: 0 every action succeeded, 1 an action failed or was refused, 2 usage or input error, 130 interrupted.')
    .action(async (file: string, options: import('./commands/exec.js').ExecOptions) => {
      const { execCommand } = await import('./commands/exec.js');
      setExitCode(await execCommand(file, options));
    });

  program
    .command('sandbox')
    .description('the embedded practice database: create, reset, list, rm NAME, dump FILE, restore FILE --name NAME')
    .argument('<action>', 'create | reset | list | rm | dump | restore')
    .argument('[arg]', 'a sandbox name (create, reset, rm) or a file (dump, restore)')
    .option('--name <name>', 'which sandbox (default: default); for restore, the new one')
    .action(async (action: string, arg: string | undefined, options: { name?: string }) => {
      const { sandboxCommand } = await import('./commands/sandbox.js');
      await sandboxCommand(action, arg, options);
    });

  program
    .command('watch')
    .description('follow a session live from the team store (read-only)')
    .argument('[session]', 'a session id or part of one (default: the newest in the store)')
    .option('--store <url>', 'the team store (default: RUNBOOK_STORE_URL or the config)')
    .action(async (session: string | undefined, options: { store?: string }) => {
      const { watchCommand } = await import('./commands/watch.js');
      await watchCommand(session, options);
    });

  program
    .command('db')
    .description('migrate the team store schema: migrate, status or rollback (npm run db:migrate …)')
    .argument('<action>', 'migrate | status | rollback')
    .option('--env <name>', 'environment whose database to use (default: DATABASE_URL)')
    .action(async (action: string, options: { env?: string }) => {
      const { dbCommand } = await import('./commands/db.js');
      await dbCommand(action, options);
    });

  program
    .command('verify')
    .description('check a session: the hash chain line by line, every evidence file, and the signature')
    .argument('<session>', 'a session id (or unique part of one), `last`, or a session folder')
    .option('--json', 'print the result as JSON (ok, sealed, events, signer, firstBadLine, …)')
    .option('--allowed-signers <file>', 'trusted signers (default: $XDG_CONFIG_HOME/runbook/allowed_signers)')
    .option('--store <url>', "verify the session's mirror in the team store, and compare it with the local log")
    .action(async (session: string, options: { json?: boolean; allowedSigners?: string; store?: string }) => {
      const { verifyCommand } = await import('./commands/verify.js');
      await verifyCommand(session, options);
    });

  program
    .command('report')
    .description('draft the post-incident report or drill record of a session (verified first)')
    .argument('<session>', 'a session id (or unique part of one), `last`, or a session folder')
    .option('--out <file>', 'write the draft to a file instead of standard output')
    .option('--template <name>', 'incident or drill (default: drill for drill sessions, else incident)')
    .option('--format <format>', 'md (GitHub-flavoured Markdown) or json', 'md')
    .option('--rto-step <step>', 'drill: the step whose completion ends the RTO (id or part of its text)')
    .option('--rpo <text>', 'drill: the recovery point objective achieved, e.g. "5 min"')
    .option('--drill-log <file>', `drill: the RPO/RTO log to add a row to (default: ./rpo-rto-log.md)`)
    .option('--allowed-signers <file>', 'trusted signers (default: $XDG_CONFIG_HOME/runbook/allowed_signers)')
    .action(async (session: string, options: import('./commands/report.js').ReportOptions) => {
      const { reportCommand } = await import('./commands/report.js');
      await reportCommand(session, options);
    });

  program
    .command('sessions')
    .description('list the sessions on this machine, newest first (open, interrupted or sealed)')
    .option('--json', 'print them as JSON')
    .action(async (options: { json?: boolean }) => {
      const { sessionsCommand } = await import('./commands/sessions.js');
      sessionsCommand(options);
    });

  program
    .command('keygen')
    .description('create the Ed25519 key that signs your sessions, and trust it in allowed_signers')
    .option('--identity <name>', 'who signs (default: $RUNBOOK_SIGNER, else user@host)')
    .option('--force', 'replace an existing key')
    .action(async (options: { identity?: string; force?: boolean }) => {
      const { keygenCommand } = await import('./commands/keygen.js');
      keygenCommand(options);
    });

  // Every subcommand answers --help and --version, and reports usage errors the same way.
  for (const command of [program, ...program.commands]) {
    if (command !== program) command.version(VERSION, '-V, --version', 'print the version');
    command.exitOverride().configureOutput({
      outputError: (message, write) => write(`runbook: ${message.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')}\n`),
    });
  }
  return program;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // `runbook list … | head` closes the pipe early: that is not an error.
    if (error.code === 'EPIPE') process.exit(0);
  });
  let exitCode = 0;
  try {
    await buildProgram((code) => (exitCode = code)).parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (process.env.RUNBOOK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.stderr.write(`runbook: ${error instanceof UsageError ? message : `${message}${/[.!?]$/.test(message) ? '' : '.'}`}\n`);
    return exitCodeOf(error);
  }
}
