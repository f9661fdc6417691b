// The three tiers as data (README "Guards"): what reads, what writes, and everything else is unknown.
// Unknown runs freely in an ordinary environment and needs the same permission as a write in a
// protected one. Lists are matched on whole words, so `finished-after-kill` is not `kill`.

export type Tier = 'read' | 'write' | 'unknown';

/** Verbs that change something when they stand in a CLI's subcommand position (the first few positionals). */
export const WRITE_VERBS = new Set([
  'delete', 'del', 'destroy', 'drop', 'remove', 'rm', 'rmi', 'purge', 'prune', 'terminate', 'kill', 'stop', 'start', 'apply',
  'patch', 'scale', 'autoscale', 'drain', 'cordon', 'uncordon', 'taint', 'untaint', 'restart', 'reboot', 'rollout', 'reset', 'rollback',
  'undo', 'push', 'deploy', 'undeploy', 'install', 'uninstall', 'upgrade', 'set', 'unset', 'edit', 'create', 'replace', 'import',
  'migrate', 'update', 'upsert', 'insert', 'write', 'put', 'post', 'mv', 'cp', 'rsync', 'sync', 'exec', 'run', 'label', 'annotate',
  'expose', 'attach', 'detach', 'truncate', 'flush', 'flushall', 'flushdb', 'wipe', 'erase', 'format', 'revoke', 'grant', 'disable',
  'enable', 'suspend', 'resume', 'pause', 'unpause', 'shutdown', 'halt', 'poweroff', 'evict', 'cancel', 'abort', 'force-unlock',
  'unlock', 'lock', 'release', 'promote', 'failover', 'switchover', 'repair', 'restore', 'recover', 'resize', 'mount', 'unmount',
  'umount', 'add', 'new', 'init', 'login', 'logout', 'commit', 'merge', 'rebase', 'tag', 'publish', 'unpublish', 'invoke', 'trigger',
  'send', 'move', 'rename', 'copy', 'upload', 'expire', 'persist', 'bootstrap', 'provision', 'teardown', 'down', 'up',
  'clean', 'clear', 'wipe', 'nuke', 'vacuum', 'reindex', 'cluster', 'seed', 'reload',
]);

/**
 * Words that make a subcommand a read when no writing verb comes first: `kubectl get`, `supabase projects list`,
 * `npm run db:migration:status`.
 */
export const READ_VERBS = new Set([
  'get', 'describe', 'logs', 'log', 'top', 'list', 'ls', 'show', 'status', 'view', 'version', 'help', 'explain', 'cat', 'inspect',
  'info', 'diff', 'plan', 'validate', 'output', 'whoami', 'events', 'history', 'search', 'check', 'lint', 'fmt-check', 'dump',
  'api-resources', 'api-versions', 'cluster-info', 'current-context', 'get-contexts', 'can-i', 'query', 'read', 'stat', 'du',
  'tail', 'watch', 'health', 'ping', 'env', 'print', 'find', 'blame', 'fetch', 'stats', 'quota', 'usage', 'test', 'verify',
]);

/**
 * Words after which the rest of a CLI's words name what is asked about, not what is done:
 * `kubectl auth can-i delete pods`, `git help rebase`. A writing verb before them still counts.
 */
export const QUESTION_VERBS = new Set(['can-i', 'help']);

/** Programs that only read (their options are checked where some write: `sed -i`, `sort -o`). */
export const READ_PROGRAMS = new Set([
  'cat', 'tac', 'head', 'tail', 'less', 'more', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ls', 'll', 'echo', 'printf', 'wc', 'sort',
  'uniq', 'cut', 'tr', 'jq', 'yq', 'sed', 'date', 'uptime', 'whoami', 'id', 'hostname', 'uname', 'df', 'du', 'free', 'ps', 'pgrep',
  'printenv', 'pwd', 'true', 'false', 'test', '[', '[[', 'sleep', 'dig', 'nslookup', 'host', 'ping', 'traceroute', 'tracepath',
  'mtr', 'stat', 'file', 'which', 'type', 'column', 'diff', 'cmp', 'md5sum', 'sha1sum', 'sha256sum', 'base64', 'xxd', 'od', 'hexdump',
  'nl', 'basename', 'dirname', 'realpath', 'readlink', 'seq', 'lsof', 'ss', 'netstat', 'getent', 'dmesg', 'vmstat', 'iostat',
  'mpstat', 'pidstat', 'sar', 'nproc', 'lscpu', 'lsblk', 'findmnt', 'env', 'journalctl', 'pg_isready', 'pg_dump', 'pg_dumpall',
  'openssl', 'nc', 'timeout', 'tree', 'fold', 'fmt', 'paste', 'join', 'comm', 'expand', 'look', 'strings', 'zcat', 'zgrep', 'bzcat',
  'xzcat', 'gunzip', 'awk', 'gawk', 'mawk', 'local', 'export', 'declare', 'readonly', 'typeset', 'set', 'shopt', 'read', 'cd',
  'pushd', 'popd', 'exit', 'return', 'break', 'continue', 'shift', 'wait', 'getopts', 'trap', 'hash', 'tput', 'clear', 'yes', ':',
  'top', 'htop', 'w', 'who', 'last', 'ip', 'ifconfig', 'curl', 'wget', 'http', 'psql', 'kcat', 'whois', 'time', 'jobs', 'let',
]);

/** Programs that change things whatever their arguments, with the reason shown to the operator. */
export const WRITE_PROGRAMS: Record<string, string> = {
  rm: 'deletes files', rmdir: 'removes folders', unlink: 'deletes a file', shred: 'destroys a file', mv: 'moves files',
  cp: 'writes files', ln: 'creates links', touch: 'creates or changes files', mkdir: 'creates folders', install: 'writes files',
  chmod: 'changes file permissions', chown: 'changes file owners', chgrp: 'changes file groups', truncate: 'empties or resizes a file',
  tee: 'writes its input to files', dd: 'copies raw data (dd of= overwrites a file or device)', mkfs: 'formats a device', wipefs: 'wipes a device',
  fdisk: 'changes partitions', parted: 'changes partitions', kill: 'signals processes', pkill: 'signals processes', killall: 'signals processes',
  reboot: 'reboots the machine', shutdown: 'shuts the machine down', halt: 'halts the machine', poweroff: 'powers the machine off',
  dropdb: 'drops a database', createdb: 'creates a database', dropuser: 'drops a role', createuser: 'creates a role',
  pg_restore: 'restores into a database', pg_ctl: 'starts or stops a PostgreSQL server', pg_resetwal: 'rewrites the WAL', vacuumdb: 'vacuums a database',
  reindexdb: 'reindexes a database', clusterdb: 'clusters a database', pgbench: 'writes benchmark tables', crontab: 'changes scheduled jobs',
  at: 'schedules a job to run later', batch: 'schedules a job to run later', setsid: 'leaves a process running after the action ends',
  disown: 'leaves a process running after the action ends', daemonize: 'leaves a process running after the action ends',
  'systemd-run': 'starts a service', screen: 'leaves a session running', tmux: 'leaves a session running', passwd: 'changes a password',
  useradd: 'creates a user', userdel: 'deletes a user', usermod: 'changes a user', iptables: 'changes the firewall', nft: 'changes the firewall',
  sysctl: 'changes kernel settings', mount: 'mounts a file system', umount: 'unmounts a file system', patch: 'changes files', split: 'writes files',
  tar: 'writes or extracts files', unzip: 'extracts files', zip: 'writes an archive', gzip: 'replaces files with archives', bzip2: 'replaces files with archives',
  xz: 'replaces files with archives', scp: 'copies files between machines', rsync: 'copies files', sftp: 'transfers files', ssh: 'runs commands on another machine',
  socat: 'opens connections', ncat: 'opens connections',
};

/** Interpreters: inline code (-c, -e) is a write (it is not judged); a script file is unknown. */
export const INTERPRETERS: Record<string, RegExp> = {
  python: /^-[a-zA-Z]*c/, python3: /^-[a-zA-Z]*c/, node: /^(-[a-zA-Z]*[ep]|--eval|--print)/, perl: /^-[a-zA-Z]*[eEi]/,
  ruby: /^-[a-zA-Z]*[ei]/, php: /^-[a-zA-Z]*r/, deno: /^eval$/, lua: /^-[a-zA-Z]*e/, Rscript: /^-e$/,
};

/** Commands that run the command after their own options: `sudo -u x kubectl …`, `timeout 5 …`. */
export const WRAPPERS: Record<string, { valueOptions: string[]; positionals?: number }> = {
  sudo: { valueOptions: ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group', '--host', '--prompt', '--chdir'] },
  doas: { valueOptions: ['-u', '-C'] },
  nohup: { valueOptions: [] },
  nice: { valueOptions: ['-n', '--adjustment'] },
  ionice: { valueOptions: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'] },
  timeout: { valueOptions: ['-s', '-k', '--signal', '--kill-after'], positionals: 1 },
  stdbuf: { valueOptions: ['-i', '-o', '-e'] },
  time: { valueOptions: ['-f', '-o', '--format', '--output'] },
  command: { valueOptions: [] },
  builtin: { valueOptions: [] },
  exec: { valueOptions: ['-a'] },
  chrt: { valueOptions: [], positionals: 1 },
  taskset: { valueOptions: [], positionals: 1 },
  strace: { valueOptions: ['-e', '-o', '-p', '-s', '-u'] },
  ltrace: { valueOptions: ['-e', '-o', '-p', '-s', '-u'] },
  watch: { valueOptions: ['-n', '-d', '--interval', '--differences'] },
  flock: { valueOptions: ['-w', '-E', '--timeout', '--conflict-exit-code'], positionals: 1 },
  unbuffer: { valueOptions: [] },
  chronic: { valueOptions: [] },
  caffeinate: { valueOptions: [] },
  torsocks: { valueOptions: [] },
  proxychains: { valueOptions: ['-f'] },
  xargs: { valueOptions: ['-a', '-d', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--max-chars', '--replace', '--eof', '--process-slot-var'] },
  env: { valueOptions: ['-u', '-C', '-S', '--unset', '--chdir', '--split-string'] },
  runuser: { valueOptions: ['-u', '-g', '-G', '--user', '--group'] },
  busybox: { valueOptions: [] },
  parallel: { valueOptions: ['-j', '--jobs', '-S', '--sshlogin'] },
  setpriv: { valueOptions: ['--reuid', '--regid', '--groups'] },
};

/** Shells and interpreters that run code given with -c or on stdin. */
export const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'su']);

/** Variables that change how every later program behaves; setting them is a write. */
export const DANGEROUS_VARIABLES: Record<string, string> = {
  PGOPTIONS: 'changes PGOPTIONS, which keeps psql read-only',
  LD_PRELOAD: 'loads code into every program (LD_PRELOAD)',
  LD_LIBRARY_PATH: 'changes which libraries programs load (LD_LIBRARY_PATH)',
  BASH_ENV: 'runs a file before every bash (BASH_ENV)',
  ENV: 'runs a file before every sh (ENV)',
  PROMPT_COMMAND: 'runs code before every prompt (PROMPT_COMMAND)',
  SHELLOPTS: 'changes shell options (SHELLOPTS)',
  BASHOPTS: 'changes shell options (BASHOPTS)',
  PS4: 'can run code while tracing (PS4)',
  IFS: 'changes how bash splits words (IFS)',
  PSQLRC: 'makes psql run commands from another file (PSQLRC)',
  PAGER: 'runs another program on output (PAGER)',
  PSQL_PAGER: 'runs another program on output (PSQL_PAGER)',
  GIT_PAGER: 'runs another program on output (GIT_PAGER)',
  GIT_SSH_COMMAND: 'runs another command for git (GIT_SSH_COMMAND)',
  GIT_SSH: 'runs another command for git (GIT_SSH)',
  GIT_EXTERNAL_DIFF: 'runs another command for git (GIT_EXTERNAL_DIFF)',
  EDITOR: 'runs another program as editor (EDITOR)',
  VISUAL: 'runs another program as editor (VISUAL)',
  PGSERVICE: 'picks a connection service whose options can turn read-only off (PGSERVICE)',
  PGSERVICEFILE: 'picks a connection service file whose options can turn read-only off (PGSERVICEFILE)',
  PGSYSCONFDIR: 'picks a connection service file whose options can turn read-only off (PGSYSCONFDIR)',
  CURL_HOME: 'makes curl read options (such as -o) from another .curlrc (CURL_HOME)',
  WGETRC: 'makes wget read options from another file (WGETRC)',
  OPENSSL_CONF: 'makes OpenSSL load another configuration, which can load code (OPENSSL_CONF)',
  AWS_CONFIG_FILE: 'makes aws read another configuration, which can run a credential_process (AWS_CONFIG_FILE)',
  KUBECTL_EXTERNAL_DIFF: 'runs another program for kubectl diff (KUBECTL_EXTERNAL_DIFF)',
};

/** Task runners whose script names are judged by their words: `npm run db:migration:status` reads, `npm run db:migrate` writes. */
export const TASK_RUNNERS = new Set(['npm', 'npx', 'yarn', 'pnpm', 'bun', 'make', 'just', 'rake', 'task', 'mage', 'invoke']);

// ---- SQL ----------------------------------------------------------------------------------------

/** Functions with side effects, with what they do. */
export const SIDE_EFFECT_FUNCTIONS: Record<string, string> = {
  nextval: 'changes a sequence', setval: 'changes a sequence', pg_terminate_backend: 'ends another session',
  pg_cancel_backend: "cancels another session's query", pg_reload_conf: 'reloads the server configuration', pg_rotate_logfile: 'rotates the server log',
  pg_promote: 'promotes a standby', pg_switch_wal: 'switches the WAL file', pg_create_restore_point: 'writes a restore point',
  pg_log_backend_memory_contexts: "writes another backend's memory to the log", lo_import: 'creates a large object from a server file',
  lo_export: 'writes a large object to a server file', lo_unlink: 'deletes a large object', lo_create: 'creates a large object', lo_creat: 'creates a large object',
  lo_from_bytea: 'creates a large object', lo_put: 'changes a large object', lo_truncate: 'changes a large object', lowrite: 'changes a large object',
  dblink: 'runs SQL over another connection', dblink_exec: 'runs SQL over another connection', dblink_connect: 'opens another connection',
  dblink_send_query: 'runs SQL over another connection', pg_advisory_lock: 'takes a lock', pg_advisory_lock_shared: 'takes a lock',
  pg_try_advisory_lock: 'takes a lock', pg_advisory_xact_lock: 'takes a lock', pg_notify: 'signals listeners', set_config: 'changes a setting',
  pg_stat_reset: 'resets statistics', pg_stat_reset_shared: 'resets statistics', pg_stat_reset_single_table_counters: 'resets statistics',
  pg_stat_statements_reset: 'resets statistics', pg_create_physical_replication_slot: 'creates a replication slot',
  pg_create_logical_replication_slot: 'creates a replication slot', pg_drop_replication_slot: 'drops a replication slot',
  pg_replication_slot_advance: 'moves a replication slot', pg_file_write: 'writes a server file', pg_file_unlink: 'deletes a server file',
  pg_file_rename: 'renames a server file', pg_wal_replay_pause: 'pauses replication', pg_wal_replay_resume: 'resumes replication',
  query_to_xml: 'runs SQL given as text', query_to_xml_and_xmlschema: 'runs SQL given as text', cursor_to_xml: 'reads a cursor',
  query_to_xmlschema: 'runs SQL given as text', ts_stat: 'runs SQL given as text', ts_rewrite: 'can run SQL given as text',
  pg_import_system_collations: 'creates collations', pg_reload_hba: 'reloads the server configuration',
};

/** Built-in functions known to be read-only (beside the patterns below). */
export const READ_FUNCTIONS = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'array_agg', 'string_agg', 'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg', 'bool_and',
  'bool_or', 'every', 'bit_and', 'bit_or', 'stddev', 'variance', 'percentile_cont', 'percentile_disc', 'mode', 'row_number', 'rank',
  'dense_rank', 'lag', 'lead', 'first_value', 'last_value', 'nth_value', 'ntile', 'cume_dist', 'percent_rank', 'now', 'clock_timestamp',
  'statement_timestamp', 'transaction_timestamp', 'timeofday', 'age', 'extract', 'date_part', 'date_trunc', 'date_bin', 'make_interval',
  'make_date', 'make_timestamp', 'make_timestamptz', 'justify_interval', 'justify_hours', 'justify_days', 'isfinite', 'generate_series',
  'generate_subscripts', 'unnest', 'coalesce', 'nullif', 'greatest', 'least', 'length', 'char_length', 'octet_length', 'bit_length', 'lower',
  'upper', 'initcap', 'trim', 'btrim', 'ltrim', 'rtrim', 'substr', 'substring', 'left', 'right', 'position', 'strpos', 'replace', 'translate',
  'concat', 'concat_ws', 'format', 'repeat', 'reverse', 'split_part', 'starts_with', 'md5', 'sha256', 'sha512', 'encode', 'decode',
  'convert_from', 'convert_to', 'quote_ident', 'quote_literal', 'quote_nullable', 'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc',
  'mod', 'power', 'sqrt', 'exp', 'ln', 'log', 'log10', 'sign', 'random', 'width_bucket', 'div', 'pi', 'version', 'current_database',
  'current_schema', 'current_schemas', 'current_user', 'session_user', 'current_setting', 'inet_server_addr', 'inet_server_port',
  'inet_client_addr', 'inet_client_port', 'obj_description', 'col_description', 'shobj_description', 'format_type', 'to_regclass',
  'to_regproc', 'to_regtype', 'to_regrole', 'to_regnamespace', 'txid_current_snapshot', 'txid_snapshot_xmin', 'txid_snapshot_xmax',
  'array_length', 'array_to_string', 'string_to_array', 'array_position', 'array_positions', 'array_remove', 'array_append', 'array_prepend',
  'array_cat', 'array_dims', 'array_lower', 'array_upper', 'cardinality', 'row_to_json', 'to_json', 'to_jsonb', 'json_build_object',
  'jsonb_build_object', 'json_build_array', 'jsonb_build_array', 'jsonb_pretty', 'jsonb_set', 'jsonb_insert', 'jsonb_strip_nulls',
  'json_typeof', 'jsonb_typeof', 'regexp_replace', 'regexp_match', 'regexp_matches', 'regexp_split_to_array', 'regexp_split_to_table',
  'regexp_like', 'regexp_count', 'regexp_substr', 'regexp_instr', 'lpad', 'rpad', 'chr', 'ascii', 'to_char', 'to_date', 'to_timestamp',
  'to_number', 'to_hex', 'uuid_generate_v4', 'gen_random_uuid', 'inet', 'host', 'masklen', 'network', 'family', 'text', 'numeric',
  'int', 'bool', 'any_value', 'overlay', 'setseed', 'sleep', 'pg_sleep', 'pg_sleep_for', 'pg_sleep_until', 'txid_current', 'xmin', 'age',
  'auth.uid', 'uid', 'jwt', 'role', 'email', 'pg_stat_statements', 'pg_stat_statements_info', 'array_to_json', 'row', 'exists',
  'interval', 'timezone', 'pg_typeof', 'num_nulls', 'num_nonnulls', 'pg_current_xact_id', 'pg_current_snapshot', 'unistr', 'normalize',
  'string_to_table', 'jsonb_array_elements', 'json_array_elements', 'jsonb_array_elements_text', 'json_array_elements_text', 'jsonb_each',
  'json_each', 'jsonb_each_text', 'json_each_text', 'jsonb_object_keys', 'json_object_keys', 'jsonb_array_length', 'json_array_length',
  'jsonb_extract_path', 'jsonb_extract_path_text', 'json_extract_path', 'json_extract_path_text', 'jsonb_path_query', 'jsonb_path_exists',
  'has_table_privilege', 'has_column_privilege', 'has_schema_privilege', 'has_database_privilege', 'has_function_privilege',
  'has_sequence_privilege', 'pg_has_role', 'row_security_active',
]);

/** Read-only built-ins by name pattern: sizes, statistics, catalog look-ups, privilege checks. */
export const READ_FUNCTION_PATTERNS = [
  /^pg_(size_|total_relation_size|relation_size|table_size|indexes_size|database_size|tablespace_size|column_size|get_|stat_get_|is_|describe_|backend_pid|postmaster_start_time|conf_load_time|current_|last_|blocking_pids|safe_snapshot_blocking_pids|encoding_to_char|client_encoding|my_temp_schema|jit_available|listening_channels|notification_queue_usage|trigger_depth|xact_|visible|function_is_visible|table_is_visible|type_is_visible|ls_|stat_file|wal_lsn_diff|walfile_name|control_|relation_filenode|relation_filepath|filenode_relation|tablespace_location|index_column_has_property|index_has_property|indexam_has_property|options_to_table|partition_|identify_object|input_is_valid|column_compression|available_extension|show_|settings_get_flags|replication_origin_progress|snapshot_|lsn)/,
  /^has_\w+_privilege$/,
  /^(to|json|jsonb|array|string|regexp|date|time|timestamp|make|ts|st|int4|int8|numrange|tstzrange|daterange|range|lower|upper|isempty)_/,
];

/** Operators PostgreSQL ships with; any other operator may call a user function. */
export const READ_OPERATORS = new Set([
  '=', '<>', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '^', '||', '~~', '!~~', '~~*', '!~~*', '~', '~*', '!~', '!~*', '@>', '<@',
  '&&', '->', '->>', '#>', '#>>', '?', '?|', '?&', '@@', '@?', '#-', '|/', '||/', '@', '&', '|', '#', '<<', '>>', '<->', '-|-', '&<', '&>',
  '<<|', '|>>', '&<|', '|&>', '##', '?#', '?-', '?|', '?-|', '?||', '~=', '<^', '>^', '<#>', '<=>', '!!', '<<=', '>>=',
]);

/** Settings an action may change for its own session: they do not weaken read-only. */
export const SAFE_SETTINGS = new Set([
  'statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'work_mem', 'timezone', 'time zone', 'datestyle',
  'intervalstyle', 'extra_float_digits', 'client_encoding', 'application_name', 'client_min_messages', 'jit', 'random_page_cost',
  'seq_page_cost', 'effective_cache_size', 'max_parallel_workers_per_gather', 'enable_seqscan', 'enable_indexscan', 'enable_bitmapscan',
  'enable_hashjoin', 'enable_mergejoin', 'enable_nestloop', 'enable_sort', 'enable_hashagg', 'plan_cache_mode', 'bytea_output',
  'track_io_timing', 'local', 'role', 'standard_conforming_strings',
]);

/** Settings that would end read-only enforcement. */
export const READ_ONLY_SETTINGS = new Set(['default_transaction_read_only', 'transaction_read_only', 'session_characteristics', 'session characteristics', 'transaction']);
