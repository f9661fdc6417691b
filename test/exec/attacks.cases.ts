// Attacks on the guards: ways to change something without permission. Each one runs through
// `runbook exec` and through the TUI's run path; afterwards nothing it aimed at may have changed.
// `outcome: 'refused'` means the guard must say no and name why; `'runs'` means the action is a
// read whose placeholder value tries to become code: it runs, and the value stays data.

export interface AttackCase {
  name: string;
  kind: 'sql' | 'shell';
  /** The action's code; `DIR` is the case's scratch folder, `MARK` a file no action may create. */
  code: string;
  values?: Record<string, string>;
  outcome: 'refused' | 'runs';
  /** What the refusal must name. */
  reason?: RegExp;
}

const TX = /transaction/i;
export const SQL_ATTACKS: AttackCase[] = [
  { name: 'identifier placeholder carrying commit and delete', kind: 'sql', code: 'select count(*) from <table>', values: { table: 'jobs; commit; delete from jobs' }, outcome: 'runs' },
  { name: 'literal placeholder closing its quote', kind: 'sql', code: "select * from jobs where status = '...'", values: { status: "x'; commit; delete from jobs; --" }, outcome: 'runs' },
  { name: 'literal placeholder in angle brackets inside quotes', kind: 'sql', code: "select * from jobs where status = '<status>'", values: { status: "x'; commit; delete from jobs; --" }, outcome: 'runs' },
  { name: 'bare literal placeholder after =', kind: 'sql', code: 'select * from jobs where id = <id>', values: { id: '1; commit; delete from jobs' }, outcome: 'runs' },
  { name: 'placeholder in a line comment carrying a newline', kind: 'sql', code: 'select 1 -- checked by <who>', values: { who: 'me\ncommit; delete from jobs' }, outcome: 'runs' },
  { name: 'placeholder in a LIKE pattern', kind: 'sql', code: "select * from jobs where status like '%<s>%'", values: { s: "'; delete from jobs; --" }, outcome: 'runs' },
  { name: 'commit then delete', kind: 'sql', code: 'select 1; commit; delete from jobs', outcome: 'refused', reason: TX },
  { name: 'mixed-case COMMIT with comments', kind: 'sql', code: 'SELECT * FROM jobs; /* ok */ CoMmIt /* x */; DELETE FROM jobs;', outcome: 'refused', reason: TX },
  { name: 'end then update', kind: 'sql', code: "select 1;\nEND;\nupdate jobs set status = 'gone'", outcome: 'refused', reason: TX },
  { name: 'rollback then write', kind: 'sql', code: "rollback; update jobs set status = 'gone'", outcome: 'refused', reason: TX },
  { name: 'abort then delete', kind: 'sql', code: 'abort; delete from jobs', outcome: 'refused', reason: TX },
  { name: 'set transaction read write', kind: 'sql', code: 'set transaction read write; delete from jobs', outcome: 'refused', reason: TX },
  { name: 'set session characteristics', kind: 'sql', code: 'set session characteristics as transaction read write; commit; begin; delete from jobs', outcome: 'refused', reason: TX },
  { name: 'default_transaction_read_only off', kind: 'sql', code: 'set default_transaction_read_only = off; commit; delete from jobs', outcome: 'refused', reason: /read.only|transaction/i },
  { name: 'reset all, then a new transaction', kind: 'sql', code: 'reset all; commit; start transaction; delete from jobs; commit', outcome: 'refused', reason: TX },
  { name: 'discard all', kind: 'sql', code: 'discard all', outcome: 'refused', reason: /discard|session/i },
  { name: 'commit then nextval', kind: 'sql', code: "select 1; commit; select nextval('jobs_id_seq')", outcome: 'refused', reason: /nextval|transaction/i },
  { name: 'nextval on its own', kind: 'sql', code: "select nextval('jobs_id_seq')", outcome: 'refused', reason: /nextval/ },
  { name: 'setval', kind: 'sql', code: "select setval('jobs_id_seq', 9000)", outcome: 'refused', reason: /setval/ },
  { name: 'pg_terminate_backend of another session', kind: 'sql', code: "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'victim'", outcome: 'refused', reason: /pg_terminate_backend/ },
  { name: 'pg_cancel_backend', kind: 'sql', code: "select pg_cancel_backend(pid) from pg_stat_activity where application_name = 'victim'", outcome: 'refused', reason: /pg_cancel_backend/ },
  { name: 'pg_reload_conf', kind: 'sql', code: 'select pg_reload_conf()', outcome: 'refused', reason: /pg_reload_conf/ },
  { name: 'copy to program', kind: 'sql', code: "copy (select 1) to program 'touch MARK'", outcome: 'refused', reason: /program/i },
  { name: 'copy to a server file', kind: 'sql', code: "copy jobs to 'MARK'", outcome: 'refused', reason: /file/i },
  { name: 'lo_import', kind: 'sql', code: "select lo_import('/etc/hostname')", outcome: 'refused', reason: /lo_import/ },
  { name: 'lo_from_bytea', kind: 'sql', code: "select lo_from_bytea(0, 'x')", outcome: 'refused', reason: /lo_from_bytea/ },
  { name: 'a user function that writes', kind: 'sql', code: 'select purge_jobs()', outcome: 'refused', reason: /purge_jobs/ },
  { name: 'a user function that ends another backend', kind: 'sql', code: 'SELECT public.kill_victim()', outcome: 'refused', reason: /kill_victim/ },
  { name: 'a user function hidden in a where clause', kind: 'sql', code: 'select * from jobs where id = 1 and purge_jobs() is not null', outcome: 'refused', reason: /purge_jobs/ },
  { name: 'DO block', kind: 'sql', code: 'do $$ begin delete from jobs; end $$', outcome: 'refused', reason: /DO/ },
  { name: 'CALL a procedure', kind: 'sql', code: 'call purge_jobs_proc()', outcome: 'refused', reason: /CALL/ },
  { name: 'EXPLAIN ANALYZE of a delete', kind: 'sql', code: 'explain (analyze, costs off) delete from jobs', outcome: 'refused', reason: /DELETE/ },
  { name: 'WITH … DELETE', kind: 'sql', code: 'with gone as (delete from jobs returning *) select count(*) from gone', outcome: 'refused', reason: /DELETE/ },
  { name: 'SELECT … FOR UPDATE', kind: 'sql', code: 'select * from jobs for update', outcome: 'refused', reason: /lock/i },
  { name: 'LOCK TABLE', kind: 'sql', code: 'lock table jobs in access exclusive mode', outcome: 'refused', reason: /LOCK/ },
  { name: 'VACUUM', kind: 'sql', code: 'vacuum jobs', outcome: 'refused', reason: /VACUUM/ },
  { name: 'NOTIFY', kind: 'sql', code: "notify alerts, 'x'", outcome: 'refused', reason: /NOTIFY/ },
  { name: 'PREPARE a delete, then EXECUTE it', kind: 'sql', code: 'prepare p as delete from jobs; execute p', outcome: 'refused', reason: /DELETE/ },
  { name: 'SELECT INTO a new table', kind: 'sql', code: 'select * into jobs_copy from jobs', outcome: 'refused', reason: /INTO/ },
  { name: 'a custom operator calling a writing function', kind: 'sql', code: 'select 1 ### 2', outcome: 'refused', reason: /###/ },
  { name: 'unparseable SQL is never a read', kind: 'sql', code: 'selec * from jobs; delete from jobs', outcome: 'refused', reason: /pars|understood|syntax/i },
];

const PSQL = 'psql "$DATABASE_URL" -X -q';
export const SHELL_ATTACKS: AttackCase[] = [
  { name: 'SQL value inside psql -c', kind: 'shell', code: `${PSQL} -c "select count(*) from jobs where status = '<s>'"`, values: { s: "x'; delete from jobs; --" }, outcome: 'refused', reason: /DELETE/ },
  { name: 'value in $( ) inside double quotes', kind: 'shell', code: `echo "found: $(echo '<x>')"`, values: { x: "'; touch MARK; echo '" }, outcome: 'runs' },
  { name: 'value in a plain word', kind: 'shell', code: 'echo <x>', values: { x: '; touch MARK' }, outcome: 'runs' },
  { name: 'value in double quotes', kind: 'shell', code: 'echo "<x>"', values: { x: '$(touch MARK)"; touch MARK; "' }, outcome: 'runs' },
  { name: 'value in single quotes', kind: 'shell', code: "echo '<x>'", values: { x: "'; touch MARK; '" }, outcome: 'runs' },
  { name: 'value in backticks', kind: 'shell', code: 'echo `echo <x>`', values: { x: '`touch MARK`' }, outcome: 'runs' },
  { name: 'value in an unquoted heredoc', kind: 'shell', code: 'cat <<EOF\nname: <x>\nEOF', values: { x: '$(touch MARK)' }, outcome: 'runs' },
  { name: 'value ending a quoted heredoc early', kind: 'shell', code: "cat <<'EOF'\nname: <x>\nEOF", values: { x: 'a\nEOF\ntouch MARK' }, outcome: 'runs' },
  { name: 'value in $\'…\' quoting', kind: 'shell', code: "echo $'<x>'", values: { x: "'; touch MARK; echo '" }, outcome: 'runs' },
  { name: 'SQL value in a psql heredoc', kind: 'shell', code: `${PSQL} <<SQL\nselect count(*) from jobs where status = '<s>';\nSQL`, values: { s: "x'; delete from jobs; --" }, outcome: 'refused', reason: /DELETE/ },
  { name: 'find -delete', kind: 'shell', code: "find DIR -name '*.txt' -delete", outcome: 'refused', reason: /find/ },
  { name: 'find -exec rm', kind: 'shell', code: 'find DIR -type f -exec rm {} \\;', outcome: 'refused', reason: /rm/ },
  { name: 'xargs rm', kind: 'shell', code: 'ls DIR/*.txt | xargs rm', outcome: 'refused', reason: /rm/ },
  { name: 'rm -f -r', kind: 'shell', code: 'rm -f -r DIR', outcome: 'refused', reason: /rm/ },
  { name: ': > file', kind: 'shell', code: ': > DIR/victim.txt', outcome: 'refused', reason: /victim\.txt/ },
  { name: 'truncate -s0', kind: 'shell', code: 'truncate -s0 DIR/victim.txt', outcome: 'refused', reason: /truncate/ },
  { name: '>| clobber', kind: 'shell', code: 'echo x >| DIR/victim.txt', outcome: 'refused', reason: /victim\.txt/ },
  { name: '&> redirection', kind: 'shell', code: 'date &> DIR/victim.txt', outcome: 'refused', reason: /victim\.txt/ },
  { name: 'tee', kind: 'shell', code: 'echo x | tee DIR/victim.txt', outcome: 'refused', reason: /tee/ },
  { name: 'dd of=', kind: 'shell', code: 'dd if=/dev/zero of=DIR/victim.txt bs=1 count=1', outcome: 'refused', reason: /dd/ },
  { name: 'psql here-string', kind: 'shell', code: `${PSQL} <<< "delete from jobs"`, outcome: 'refused', reason: /DELETE/ },
  { name: 'SQL piped into psql', kind: 'shell', code: `echo "delete from jobs" | ${PSQL}`, outcome: 'refused', reason: /DELETE|psql/ },
  { name: 'psql -f a file that deletes', kind: 'shell', code: `${PSQL} -f DIR/evil.sql`, outcome: 'refused', reason: /DELETE/ },
  { name: 'a second -c', kind: 'shell', code: `${PSQL} -c "select 1" -c "delete from jobs"`, outcome: 'refused', reason: /DELETE/ },
  { name: 'psql -Xc', kind: 'shell', code: 'psql "$DATABASE_URL" -Xc "delete from jobs"', outcome: 'refused', reason: /DELETE/ },
  { name: 'psql -c with a user function', kind: 'shell', code: `${PSQL} -c "select purge_jobs()"`, outcome: 'refused', reason: /purge_jobs/ },
  { name: 'psql \\! shell escape', kind: 'shell', code: `${PSQL} -c '\\! touch MARK'`, outcome: 'refused', reason: /\\!/ },
  { name: 'psql with PGOPTIONS turned off', kind: 'shell', code: `PGOPTIONS='-c default_transaction_read_only=off' ${PSQL} -c "select 1"`, outcome: 'refused', reason: /PGOPTIONS|read.only/i },
  { name: 'oc delete', kind: 'shell', code: 'oc delete pod api-1', outcome: 'refused', reason: /delete/ },
  { name: 'oc patch', kind: 'shell', code: 'oc -n prod patch deploy api -p {}', outcome: 'refused', reason: /patch/ },
  { name: 'oc scale', kind: 'shell', code: 'oc scale --replicas=0 deploy/api', outcome: 'refused', reason: /scale/ },
  { name: 'oc adm drain', kind: 'shell', code: 'oc adm drain node-1', outcome: 'refused', reason: /drain/ },
  { name: 'tf apply', kind: 'shell', code: 'tf apply -auto-approve', outcome: 'refused', reason: /apply/ },
  { name: 'knife node delete', kind: 'shell', code: 'knife node delete web-1 -y', outcome: 'refused', reason: /delete/ },
  { name: 'virtctl restart', kind: 'shell', code: 'virtctl restart vm-1', outcome: 'refused', reason: /restart/ },
  { name: 'gsutil rm', kind: 'shell', code: 'gsutil rm gs://bucket/object', outcome: 'refused', reason: /rm/ },
  { name: 'helm uninstall', kind: 'shell', code: 'helm uninstall api', outcome: 'refused', reason: /uninstall/ },
  { name: 'a namespace named like a read verb', kind: 'shell', code: 'kubectl -n get delete pod api-1', outcome: 'refused', reason: /delete/ },
  { name: 'bash -c', kind: 'shell', code: 'bash -c "oc delete pod api-1"', outcome: 'refused', reason: /delete/ },
  { name: 'sh -c with a redirection', kind: 'shell', code: "sh -c 'echo x > DIR/victim.txt'", outcome: 'refused', reason: /victim\.txt/ },
  { name: 'eval', kind: 'shell', code: 'eval "terraform destroy -auto-approve"', outcome: 'refused', reason: /destroy/ },
  { name: 'env wrapper', kind: 'shell', code: 'env FOO=1 kubectl delete pod api-1', outcome: 'refused', reason: /delete/ },
  { name: 'sudo wrapper', kind: 'shell', code: 'sudo -n -u root kubectl delete pod api-1', outcome: 'refused', reason: /delete/ },
  { name: 'nohup wrapper', kind: 'shell', code: 'nohup helm uninstall api', outcome: 'refused', reason: /uninstall/ },
  { name: 'timeout wrapper', kind: 'shell', code: 'timeout 5 oc delete pod api-1', outcome: 'refused', reason: /delete/ },
  { name: 'process substitution', kind: 'shell', code: 'cat <(oc delete pod api-1)', outcome: 'refused', reason: /delete/ },
  { name: 'a function standing in for the CLI', kind: 'shell', code: 'k() { kubectl "$@"; }\nk delete pod api-1', outcome: 'refused', reason: /delete|computed/ },
  { name: 'an alias', kind: 'shell', code: "shopt -s expand_aliases\nalias nuke='rm -rf'\nnuke DIR", outcome: 'refused', reason: /rm/ },
  { name: "$'…' spelling of rm", kind: 'shell', code: "$'\\x72\\x6d' -rf DIR", outcome: 'refused', reason: /rm/ },
  { name: 'quotes inside the program name', kind: 'shell', code: '"o"c del"ete" pod api-1', outcome: 'refused', reason: /delete/ },
  { name: 'a command in a variable', kind: 'shell', code: 'C=oc; $C delete pod api-1', outcome: 'refused', reason: /delete|computed/ },
  { name: 'a placeholder that becomes the verb', kind: 'shell', code: 'kubectl <verb> pod api-1', values: { verb: 'delete' }, outcome: 'refused', reason: /delete/ },
  { name: 'a background process left behind with setsid', kind: 'shell', code: 'setsid sleep 300 &', outcome: 'refused', reason: /setsid|running/ },
  { name: 'kubectl exec', kind: 'shell', code: 'kubectl exec api-1 -- rm -rf /data', outcome: 'refused', reason: /exec|rm/ },
  { name: 'curl POST', kind: 'shell', code: 'curl -s -X POST http://127.0.0.1:9/restart', outcome: 'refused', reason: /POST/ },
];
