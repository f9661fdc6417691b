// The Ink root: picks the screen from the store, routes keys through the binding table, and keeps
// the whole frame below the terminal's height so Ink never has to clear and repaint everything.

import { Box, Text, useApp, useStdout } from 'ink';
import React, { useEffect } from 'react';
import { useStore } from 'zustand';
import { Footer, footerHeight } from './components/Footer.js';
import { PromptView, promptHeight } from './components/PromptView.js';
import { StatusBar } from './components/StatusBar.js';
import { useDroppedKeys, useKeys } from './components/useKeys.js';
import { editFilter, tell, untilSettledOrRunning } from './components/screenKeys.js';
import { color } from './components/theme.js';
import { Finish } from './screens/Finish.js';
import { Help } from './screens/Help.js';
import { Home } from './screens/Home.js';
import { Picker } from './screens/Picker.js';
import { Section } from './screens/Section.js';
import { Step } from './screens/Step.js';
import { valueOrigins } from './state/valueOrigins.js';
import { BINDINGS, commandFor, type Command } from './state/keys.js';
import { progress, stepState as derivedState } from './state/rows.js';
import { findSectionById } from './runbook/walk.js';
import type { AppStore } from './state/store.js';
import { terminalSafe } from './format/terminal.js';

/** `keysHeld`: the first frame, drawn before the session controller exists; keys wait in the terminal. */
export function App({ store, keysHeld = false }: { store: AppStore; keysHeld?: boolean }) {
  const state = useStore(store);
  const { exit } = useApp();
  const { stdout } = useStdout();

  useEffect(() => {
    const update = () => store.getState().setSize(stdout.columns || 80, stdout.rows || 24);
    update();
    stdout.on('resize', update);
    return () => {
      stdout.off('resize', update);
    };
  }, [stdout, store]);

  useEffect(() => {
    if (state.exit) exit();
  }, [state.exit]);

  const dispatch = (command: Command): void | Promise<unknown> => {
    const s = store.getState();
    switch (command) {
      case 'up': return s.screen.name === 'step' ? s.scrollOutput(1) : s.move(-1);
      case 'down': return s.screen.name === 'step' ? s.scrollOutput(-1) : s.move(1);
      case 'pageUp': return s.screen.name === 'step' ? s.scrollOutput(10) : s.move(-10);
      case 'pageDown': return s.screen.name === 'step' ? s.scrollOutput(-10) : s.move(10);
      case 'open': return s.open();
      case 'back': return s.back();
      case 'run': return s.run();
      case 'cancel': return s.running ? s.cancelRun() : s.quit();
      case 'done': return s.mark('done');
      case 'skip': return s.mark('skipped');
      case 'fail': return s.mark('failed');
      case 'note': return s.note();
      case 'attach': return s.attach();
      case 'copy': return s.copy();
      case 'filter': return s.startFilter();
      case 'env': return s.chooseEnvironment();
      case 'help': return s.help();
      case 'quit': return s.quit();
      case 'report': return s.writeReport();
      case 'update': return s.update();
      case 'escalate': return s.escalate();
      case 'severity': return s.severity();
    }
  };

  // One handler for the screens, read through a ref by useKeys: one key, one effect. While a command
  // is under way (a session starting, a sandbox being created) the keys after it wait for it.
  useKeys((key) => {
    const s = store.getState();
    if (s.filtering) return editFilter(s, key);
    if (key.paste) return tell(store, 'Pasted text is only taken in a text field: nothing was done.');
    const command = commandFor(s.screen.name, key.input, key);
    if (!command) return;
    const result = dispatch(command);
    return result instanceof Promise ? untilSettledOrRunning(store, result) : undefined;
  }, { isActive: !keysHeld });

  useDroppedKeys((count) => tell(store, `${count} key${count === 1 ? ' was' : 's were'} dropped: too many arrived while the screen was busy.`, 'error'));

  const { columns, rows } = state.size;
  const width = Math.max(20, columns - 1);
  // Status bar, message and footer take a line each; one more stays free so the frame never fills the
  // screen (Ink would clear and repaint everything on each update). A dialog takes what it needs first.
  const room = Math.max(1, rows - 3 - footerHeight() - 1);
  const dialogHeight = state.prompt ? Math.min(room, promptHeight(state.prompt, Math.min(width, 100))) : 0;
  const bodyHeight = Math.max(0, room - dialogHeight);
  const screen = state.screen;
  let body: React.ReactNode = null;
  const cursor = state.cursor[`${screen.name}:${screen.sectionId ?? ''}:${screen.stepId ?? ''}`] ?? 0;
  const filterProps = { filter: state.filter, filtering: state.filtering, onFilter: state.setFilter, onFilterDone: () => state.endFilter(true) };
  if (screen.name === 'picker') body = <Picker entries={state.entries ?? []} rows={state.rows()} cursor={cursor} height={bodyHeight} {...filterProps} />;
  else if (screen.name === 'home' && state.runbook) body = <Home rows={state.rows()} cursor={cursor} height={bodyHeight} width={width} {...filterProps} />;
  else if (screen.name === 'section' && state.runbook && screen.sectionId) {
    const section = findSectionById(state.runbook, screen.sectionId);
    if (section) body = <Section section={section} rows={state.rows()} notes={state.view.notes} progress={progress(section, state.view)} cursor={cursor} height={bodyHeight} width={width} {...filterProps} />;
  } else if (screen.name === 'step') {
    const located = state.selectedStep();
    if (located) {
      const stepState = state.view.steps[located.step.id];
      body = (
        <Step
          section={located.section}
          step={located.step}
          number={located.number}
          state={state.running?.stepId === located.step.id ? 'running' : derivedState(state.view, located.step)}
          {...(stepState?.reason ? { reason: stepState.reason } : {})}
          notes={state.view.notes}
          values={state.view.values}
          origins={valueOrigins(located.step, state.view, state.env, located.section.id)}
          {...(state.running ? { running: state.running } : {})}
          results={state.results}
          runs={state.view.runs.filter((r) => r.step === located.step.id)}
          {...(state.session ? { sessionDir: state.session.dir } : {})}
          onMessage={(text, tone) => tell(store, text, tone)}
          scroll={state.scroll}
          height={bodyHeight}
          width={width}
        />
      );
    }
  } else if (screen.name === 'finish' && state.summary) body = <Finish summary={state.summary} />;
  else if (screen.name === 'help') body = <Help />;

  return (
    <Box flexDirection="column" width={width}>
      <StatusBar
        title={state.runbook?.title ?? 'runbook'}
        env={state.env.name}
        protectedEnv={state.env.protected}
        {...(state.session ? { sessionId: state.session.id } : {})}
        {...(state.sessionStartedAt ? { startedAt: state.sessionStartedAt } : {})}
        sealed={Boolean(state.session?.sealed)}
        {...(state.mirror ? { mirror: state.mirror } : {})}
        {...(state.view.severity || state.view.escalation ? { incident: [state.view.severity ? `sev ${state.view.severity}` : '', state.view.escalation ? `escalated to ${state.view.escalation.level.split(':')[0]!.slice(0, 40)}` : ''].filter(Boolean).join(' · ') } : {})}
        width={width}
      />
      <Box height={bodyHeight} flexDirection="column" overflow="hidden">
        {body}
      </Box>
      {state.prompt ? <PromptView key={state.promptId} prompt={state.prompt} onAnswer={state.answer} width={width} height={dialogHeight} /> : null}
      <Text color={state.message?.tone === 'error' ? color('danger') : state.message?.tone === 'ok' ? color('ok') : color('muted')} wrap="truncate-end">
        {terminalSafe(state.message?.text ?? ' ')}
      </Text>
      <Footer bindings={BINDINGS[screen.name]} width={width} />
    </Box>
  );
}
