// Argument parsing and subcommand dispatch only; each command lives in src/commands/.

import { Command, CommanderError } from 'commander';
import { reportFatal } from './errors.js';
import { VERSION } from './version.js';
import { holdKeys } from './holdKeys.js';
import { terminalSafe } from './format/terminal.js';

const DEFAULT_TARGET = './runbook/';


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
    .option('--json', 'print the parsed model as JSON (its shape is in the README)')
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
    .argument('[session]', 'a session id or part of one (default: the newest in the store, and each newer one as it starts; press l for the list)')
    .option('--store <url>', 'the team store (default: RUNBOOK_STORE_URL or the config)')
    .action(async (session: string | undefined, options: { store?: string }) => {
      const { watchCommand } = await import('./commands/watch.js');
      await watchCommand(session, options);
    });

  program
    .command('sync')
    .description('send the team store every local session it does not hold exactly (or only SESSION)')
    .argument('[session]', 'a session id (or unique part of one), `last`, or a session folder')
    .option('--store <url>', 'the team store (default: RUNBOOK_STORE_URL or the config)')
    .option('--timeout <seconds>', 'give up waiting for the store after this long (default 60)')
    .addHelpText('after', '\nExit codes: 0 every session is mirrored, 1 a session is in conflict or could not be sent, 2 usage error.')
    .action(async (session: string | undefined, options: { store?: string; timeout?: string }) => {
      const { syncCommand } = await import('./commands/sync.js');
      await syncCommand(session, options);
    });

  program
    .command('db')
    .description('migrate the team store schema: migrate, status or rollback (npm run db:migrate …)')
    .argument('<action>', 'migrate | status | rollback')
    .option('--env <name>', 'environment whose database to use (default: DATABASE_URL)')
    .option('--force', 'rollback: go on although the store holds recorded sessions (asks for the database name)')
    .option('--confirm <name>', "a protected environment's name, or for rollback --force the database's name (repeatable)", (value: string, previous: string[] = []) => [...previous, value])
    .addHelpText('after', '\nExit codes: 0 ok, 1 status found pending migrations or the database failed, 2 usage error or a missing confirmation.')
    .action(async (action: string, options: import('./commands/db.js').DbOptions) => {
      const { dbCommand } = await import('./commands/db.js');
      setExitCode(await dbCommand(action, options));
    });

  program
    .command('verify')
    .description('check a session: the hash chain line by line, every evidence file, and the signature')
    .argument('<session>', 'a session id (or unique part of one), `last`, a session folder, or an exported FILE.tar.gz (or its unpacked folder)')
    .option('--json', 'print the result as JSON (ok, sealed, events, signer, firstBadLine, …)')
    .option('--allowed-signers <file>', 'trusted signers (default: $XDG_CONFIG_HOME/runbook/allowed_signers)')
    .option('--store <url>', "verify the session's mirror in the team store, and compare it with the local log")
    .option('--trust-archive-key', "an archive: trust the key it carries (check its fingerprint with the signer first)")
    .action(async (session: string, options: import('./commands/verify.js').VerifyCommandOptions) => {
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
    .option('--rto-from <step>', 'drill: the step whose start begins the RTO (id or words of its title; default: the first restore step)')
    .option('--rto-to <step>', 'drill: the step whose done ends the RTO (id or words of its title; default: the last smoke check passed)')
    .option('--rto-step <step>', 'drill: the same as --rto-to')
    .option('--rto-target <text>', 'drill: the RTO the drill aims for, e.g. "1 h"')
    .option('--rpo-target <text>', 'drill: the RPO the drill aims for, e.g. "5 min"')
    .option('--rpo <text>', 'drill: the recovery point achieved, e.g. "5 min"')
    .option('--drill-log <file>', 'drill: add or update the drill\'s row in this RPO/RTO log (or drillLog in runbook.config.json); nothing is written otherwise')
    .option('--allowed-signers <file>', 'trusted signers (default: $XDG_CONFIG_HOME/runbook/allowed_signers)')
    .action(async (session: string, options: import('./commands/report.js').ReportOptions) => {
      const { reportCommand } = await import('./commands/report.js');
      await reportCommand(session, options);
    });

  program
    .command('export')
    .description('bundle a sealed session (log, signature, evidence, report, signer key, README) into a .tar.gz anyone can verify')
    .argument('<session>', 'a session id (or unique part of one), `last`, or a session folder')
    .requiredOption('--out <file>', 'the archive to write (FILE.tar.gz)')
    .option('--allowed-signers <file>', 'trusted signers for the report inside (default: $XDG_CONFIG_HOME/runbook/allowed_signers)')
    .action(async (session: string, options: import('./commands/export.js').ExportOptions) => {
      const { exportCommand } = await import('./commands/export.js');
      await exportCommand(session, options);
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
    return reportFatal(error);
  }
}
