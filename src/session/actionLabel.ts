// How an action is named to the operator, from its id. Kept alone: the step screen needs it for the
// first frame, before the session's secret rules load.

/** `section/2.1#3` → `step 2.1, action 3` (the section is named when it is not the current one). */
export function stepAndAction(actionId: string, currentSection?: string): string {
  const hash = actionId.lastIndexOf('#');
  const stepId = hash < 0 ? actionId : actionId.slice(0, hash);
  const slash = stepId.lastIndexOf('/');
  const section = slash < 0 ? undefined : stepId.slice(0, slash);
  const number = slash < 0 ? stepId : stepId.slice(slash + 1);
  return `step ${number}${section && section !== currentSection ? ` of ${section}` : ''}${hash < 0 ? '' : `, action ${actionId.slice(hash + 1)}`}`;
}
