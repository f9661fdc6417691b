// Lines typed inside an interactive session (a debug pod, a root shell, ssh, a database console) are
// never handed to a local bash: run there, `rm -rf /var/lib/etcd/member` would act on this machine.
import { describe, expect, it } from 'vitest';
import { opensInteractiveSession, typedInside } from '../../src/runbook/interactive.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allActions } from '../../src/runbook/walk.js';

describe('commands that open an interactive session', () => {
  it.each([
    'oc debug node/master-0',
    'kubectl debug node/worker-1 -it --image=busybox',
    'oc debug node/master-0 -- chroot /host',
    'oc rsh etcd-master-0',
    'oc -n openshift-etcd rsh -c etcdctl etcd-master-0',
    'kubectl exec -it api-0 -- bash',
    'kubectl -n prod exec -ti deploy/api -- /bin/sh',
    'kubectl exec -it api-0 bash',
    'kubectl exec -it patroni-0 -- psql -U postgres',
    'kubectl run -it --rm debug --image=busybox -- sh',
    'docker exec -it db psql -U app',
    'sudo -i',
    'sudo -s',
    'sudo su -',
    'sudo su - postgres',
    'sudo -u postgres psql',
    'sudo -iu gitlab-psql',
    'su -',
    'su postgres',
    'ssh admin@db-01',
    'ssh -i ~/.ssh/key -p 2222 admin@db-01',
    'ssh -t bastion sudo -i',
    'chroot /host',
    'nsenter -t 1 -m -u -i -n -p',
    'nsenter --target 1 --mount -- bash',
    'psql "$DATABASE_URL"',
    'psql -h db -U app app',
    'mysql -u root -p',
    'redis-cli -h cache -p 6379',
    'gitlab-rails console',
    'sudo gitlab-rails console -e production',
    'gitlab-psql',
    'bash',
    'bash -l',
    'toolbox',
    'tmux new -s fix',
    'python3',
  ])('%s opens one', (line) => {
    expect(opensInteractiveSession(line)).toBe(true);
  });

  it.each([
    'oc debug node/master-0 -- chroot /host ls /var/lib/etcd',
    'kubectl exec api-0 -- ls /tmp',
    'kubectl exec -it api-0 -- ls /tmp',
    'kubectl exec -i api-0 -- psql -c "select 1"',
    'kubectl get pods',
    'kubectl logs -f api-0',
    'docker exec db pg_isready',
    'sudo systemctl restart kubelet',
    'sudo -u postgres psql -c "select 1"',
    'sudo -i systemctl status kubelet',
    'su - postgres -c "pg_ctl status"',
    'ssh admin@db-01 uptime',
    'ssh admin@db-01 "df -h"',
    'ssh admin@db-01 < script.sh',
    'chroot /host ls',
    'psql -c "select 1"',
    'psql "$DATABASE_URL" -f fix.sql',
    'psql -l',
    'psql < dump.sql',
    'cat fix.sql | psql',
    'mysql -e "show processlist"',
    'redis-cli -h cache INFO memory',
    'redis-cli --scan --pattern "session:*"',
    'bash -c "echo hi"',
    'bash ./fix.sh',
    'sh fix.sh',
    'python3 fix.py',
    'python3 -m json.tool',
    'gitlab-rails runner "puts 1"',
    'echo sudo -i',
    'tmux ls',
    'ssh-keygen -l -f key.pub',
  ])('%s does not', (line) => {
    expect(opensInteractiveSession(line)).toBe(false);
  });
});

describe('actions typed inside a session', () => {
  it('names the opener when lines follow it, and only then', () => {
    expect(typedInside('oc debug node/master-0\nchroot /host\nrm -rf /var/lib/etcd/member')).toBe('oc debug node/master-0');
    expect(typedInside('export NODE=master-0\noc debug node/$NODE\ncrictl ps')).toBe('oc debug node/$NODE');
    expect(typedInside('ssh \\\n  admin@db-01\nsudo systemctl restart postgresql')).toBe('ssh    admin@db-01');
    expect(typedInside('oc debug node/master-0')).toBeUndefined();
    expect(typedInside('kubectl get pods\nkubectl delete pod api-0')).toBeUndefined();
    // A heredoc feeds the session its lines: they are not typed into the terminal.
    expect(typedInside("ssh admin@db-01 <<'EOF'\nsudo systemctl restart postgresql\nEOF")).toBeUndefined();
    expect(typedInside("psql <<SQL\nselect 1;\nSQL\necho done")).toBeUndefined();
    // Comments after the opener are not lines typed into it.
    expect(typedInside('sudo -i\n# then look around')).toBeUndefined();
  });

  it('marks them in the model from transcripts and plain fences alike', () => {
    const runbook = parseRunbook(
      [
        '# Node', '', '## Clean etcd', '',
        '1. Remove the member', '   ```console', '   $ oc debug node/master-0', '   sh-4.4# chroot /host', '   sh-4.4# rm -rf /var/lib/etcd/member', '   ```',
        '2. As root', '   ```console', '   $ sudo -i', '   # systemctl restart kubelet', '   ```',
        '3. In the pod', '   ```', '   kubectl exec -it api-0 -- bash', '   rm -rf /tmp/cache', '   ```',
        '4. Plain', '   ```sh', '   kubectl get pods', '   ```', '',
      ].join('\n'),
    );
    const actions = allActions(runbook);
    expect(actions.map((a) => a.action.typedInside)).toEqual(['oc debug node/master-0', 'sudo -i', 'kubectl exec -it api-0 -- bash', undefined]);
  });
});

describe('openers an attacker or a hurried author hides', () => {
  // Each is followed by a line that would act on this machine if handed to a local bash.
  it.each([
    // a quoted `<<` or a here-string `<<<` is no heredoc: the lines after it are not its body
    'echo "a <<END"\noc debug node/x\nrm -rf /tmp/m',
    'grep -q x <<< done\nsudo -i\nrm -rf /tmp/m',
    // prefixes that run the rest as the command
    'env TERM=xterm oc debug node/x\nrm m',
    'exec ssh host\nrm m',
    'command ssh host\nrm m',
    'time ssh host\nrm m',
    'TERM=xterm ssh host\nrm m',
    'nohup sudo -i\nrm m',
    'timeout 3600 ssh host\nrm m',
    '"oc" debug node/x\nrm m',
    '\\ssh host\nrm m',
    'kubectl exec -it pod -- env TERM=x bash\nrm m',
    // lists, groups and comments around the opener
    'cd /tmp; oc debug node/x\nrm m',
    'cd /tmp && oc debug node/x\nrm m',
    'oc debug node/x && chroot /host\nrm m',
    'oc debug node/x && chroot /host',
    'if true; then ssh host; fi\nrm m',
    '{ ssh host; }\nrm m',
    '(ssh host)\nrm m',
    'ssh host || true\nrm m',
    'ssh host # jump in\nrm m',
    'sudo -i # root\nrm m',
    'ssh host </dev/tty\nrm m',
    // ssh reads options after the host; a quoted remote command is read again by the remote shell
    'ssh host -p 22\nrm m',
    'ssh host -t\nrm m',
    'ssh root@host -i key.pem\nrm m',
    'ssh host --\nrm m',
    'ssh -t host "sudo -i"\nrm m',
    "ssh -t host 'bash -l'\nrm m",
    // openers the first list missed
    'mosh host\nrm m',
    'telnet host 23\nrm m',
    'nc host 5432\nrm m',
    'virsh console vm1\nrm m',
    'machinectl shell vm\nrm m',
    'systemd-nspawn -D /srv/c\nrm m',
    'gcloud compute ssh vm1 --zone z\nrm m',
    'aws ssm start-session --target i-123\nrm m',
    'aws ecs execute-command --cluster c --task t --interactive --command /bin/sh\nrm m',
    'az ssh vm -n vm1 -g rg\nrm m',
    'lxc exec c1 -- bash\nrm m',
    'incus exec c1 -- bash\nrm m',
    'lxc shell c1\nrm m',
    'vagrant ssh\nrm m',
    'docker run -it --rm --name x ubuntu bash\nrm m',
    'podman run -it --rm -v /:/host fedora\nrm m',
    'docker compose exec db bash\nrm m',
    'docker-compose exec db psql -U postgres\nDROP TABLE x;',
    'docker attach c1\nrm m',
    'kubectl run -it --rm debug --image=busybox\nrm m',
    'sudo -iu postgres\npsql -c "drop table x"',
    'PGPASSWORD=x psql -h db\nDROP TABLE x;',
    'exec bash\nrm m',
    'script -q /dev/null\nrm m',
    'runuser -u postgres -- bash\nrm m',
    'pkexec bash\nrm m',
    'doas -s\nrm m',
    'mongosh "mongodb://x"\ndb.dropDatabase()',
    'sqlplus / as sysdba\nDROP TABLE x;',
    'cqlsh host\nDROP TABLE x;',
    'sftp host\nrm m',
    'kubectl exec -it $(kubectl get pod -o name) -- bash\nrm m',
    "kubectl exec -it pod -- sh -c 'exec bash'\nrm m",
    'docker exec -it c bash -lc psql\nDROP TABLE x;',
    "ssh -t host \"bash -c 'sudo -i'\"\nrm m",
  ])('%j is typed inside a session', (code) => {
    expect(typedInside(code)).toBeDefined();
  });

  it.each([
    'echo "<<EOF"\nls',
    'ssh host uptime\nls',
    'ssh -fN -L 5432:db:5432 bastion\npsql -c "select 1"',
    'nc -zv db 5432\nls',
    'echo hi | nc host 80\nls',
    'kubectl exec -it pod -- ls /tmp\nls',
    'docker run -it --rm ubuntu ls /\nls',
    'docker compose exec -T db psql -c "select 1"\nls',
    'gcloud compute ssh vm --command "uptime"\nls',
    'vagrant ssh -c uptime\nls',
    'exec 3>&1\nls',
    'timeout 5 ssh host uptime\nls',
    'sudo -iu postgres psql -c "select 1"\nls',
    'cat <<EOF | psql\nselect 1;\nEOF\nls',
    'lxc exec c1 -- ls\nls',
    'aws ssm start-session --target i-1 --document-name AWS-StartPortForwardingSession\nls',
    'ssh host "sudo systemctl restart x"\nls',
    'script -c "ls" out.log\nls',
    'sftp -b batch host\nls',
  ])('%j is not', (code) => {
    expect(typedInside(code)).toBeUndefined();
  });
});
