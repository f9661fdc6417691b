import { describe, expect, it } from 'vitest';
import { fillPlaceholders, findEnvReferences, findPlaceholders, MissingPlaceholdersError } from '../../src/runbook/placeholders.js';

describe('finding placeholders', () => {
  it('names angle brackets and quoted ellipses the DESIGN way', () => {
    expect(findPlaceholders('supabase db dump --project-ref <ref>')).toEqual(['ref']);
    expect(findPlaceholders('kubectl logs <pod name>')).toEqual(['pod_name']);
    expect(findPlaceholders("select * from pg_policies where tablename = '...'")).toEqual(['tablename']);
    expect(findPlaceholders("select * from t where p.schemaname <> '…'")).toEqual(['schemaname']);
    expect(findPlaceholders("notify channel, '...'")).toEqual(['value']);
    expect(findPlaceholders("values ('...', '...')")).toEqual(['value', 'value_2']);
  });

  it('does not mistake SQL comparisons, heredocs or arrows for placeholders', () => {
    expect(findPlaceholders('select * from t where a <> b and c < d')).toEqual([]);
    expect(findPlaceholders('cat <<EOF > out')).toEqual([]);
  });

  it('separates environment references from variables a snippet sets itself', () => {
    expect(findEnvReferences('psql "$DATABASE_URL" -c "${QUERY}"')).toEqual(['DATABASE_URL', 'QUERY']);
    expect(findEnvReferences('for pod in $(kubectl get pods -o name); do echo $pod $NS; done')).toEqual(['NS']);
    expect(findEnvReferences('export X=1; echo $X $1 $?')).toEqual([]);
  });
});

describe('filling placeholders', () => {
  it('quotes SQL string values so a value cannot change the statement', () => {
    expect(fillPlaceholders("select * from pg_policies where tablename = '...'", 'sql', { tablename: "x' or '1'='1" })).toBe(
      "select * from pg_policies where tablename = 'x'' or ''1''=''1'",
    );
  });

  it('quotes shell values as single words', () => {
    expect(fillPlaceholders('supabase db dump --project-ref <ref>', 'shell', { ref: 'abc123' })).toBe('supabase db dump --project-ref abc123');
    expect(fillPlaceholders('kubectl logs <pod>', 'shell', { pod: 'a; rm -rf /' })).toBe("kubectl logs 'a; rm -rf /'");
    expect(fillPlaceholders('echo "<msg>"', 'shell', { msg: 'say "hi" $HOME' })).toBe('echo "say \\"hi\\" \\$HOME"');
  });

  it('names every missing value at once', () => {
    expect(() => fillPlaceholders('x <a> <b> <a>', 'shell', {})).toThrow(MissingPlaceholdersError);
    try {
      fillPlaceholders('x <a> <b> <a>', 'shell', {});
    } catch (error) {
      expect((error as MissingPlaceholdersError).missing).toEqual(['a', 'b']);
    }
  });
});
