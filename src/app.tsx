// The Ink root: picks the screen from the store, routes keys through the binding table, and keeps
// the whole frame below the terminal's height so Ink never has to clear and repaint everything.

import { Box, Text, useApp, useInput, useStdout } from 'ink';
import React, { useEffect } from 'react';
import { useStore } from 'zustand';
import { Footer, footerHeight } from './components/Footer.js';
import { PromptView } from './components/PromptView.js';
import { StatusBar } from './components/StatusBar.js';
import { color } from './components/theme.js';
import { Finish } from './screens/Finish.js';
import { Help } from './screens/Help.js';
import { Home } from './screens/Home.js';
import { Picker } from './screens/Picker.js';
import { Section } from './screens/Section.js';
import { Step } from './screens/Step.js';
import { BINDINGS, commandFor, type Command } from './state/keys.js';
import { progress } from './state/rows.js';
import { findSectionById } from './runbook/walk.js';
import type { AppStore } from './state/store.js';
import { terminalSafe } from './format/terminal.js';

function promptHeight(state: ReturnType<AppStore['getState']>): number {
  const prompt = state.prompt;
  if (!prompt) return 0;
  if (prompt.kind === 'confirm') return prompt.lines.length + 4;
  if (prompt.kind === 'choice') return prompt.options.length + 4;
  return 5;
}

export function App({ store }: { store: AppStore }) {
  const state = useStore(store);
  const { exit } = useApp();
  const { stdout } = useStdout();

  useEffect(() => {
    const update = () => state.setSize(stdout.columns || 80, stdout.rows || 24);
    update();
    stdout.on('resize', update);
    return () => {
      stdout.off('resize', update);
    };
  }, [stdout]);

  useEffect(() => {
    if (state.exit) exit();
  }, [state.exit]);

  const dispatch = (command: Command) => {
    const s = store.getState();
    switch (command) {
      case 'up': return s.screen.name === 'step' ? s.scrollOutput(1) : s.move(-1);
      case 'down': return s.screen.name === 'step' ? s.scrollOutput(-1) : s.move(1);
      case 'pageUp': return s.screen.name === 'step' ? s.scrollOutput(10) : s.move(-10);
      case 'pageDown': return s.screen.name === 'step' ? s.scrollOutput(-10) : s.move(10);
      case 'open': return void s.open();
      case 'back': return s.back();
      case 'run': return void s.run();
      case 'cancel': return s.running ? s.cancelRun() : void s.quit();
      case 'done': return void s.mark('done');
      case 'skip': return void s.mark('skipped');
      case 'fail': return void s.mark('failed');
      case 'note': return void s.note();
      case 'attach': return void s.attach();
      case 'copy': return void s.copy();
      case 'filter': return s.startFilter();
      case 'env': return void s.chooseEnvironment();
      case 'help': return s.help();
      case 'quit': return void s.quit();
      case 'report': return void s.writeReport();
      case 'update': return void s.update();
      case 'escalate': return void s.escalate();
      case 'severity': return void s.severity();
    }
  };

  useInput(
    (input, key) => {
      const s = store.getState();
      if (s.filtering) {
        if (key.escape) s.endFilter(false);
        return;
      }
      const command = commandFor(s.screen.name, input, key);
      if (command) dispatch(command);
    },
    { isActive: !state.prompt },
  );

  const { columns, rows } = state.size;
  const width = Math.max(20, columns - 1);
  // Status bar and message take two lines, the footer what it needs; one more stays free so the
  // frame never fills the screen (Ink would clear and repaint everything on each update).
  const bodyHeight = Math.max(3, rows - 3 - footerHeight(BINDINGS[state.screen.name], width) - promptHeight(state));
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
          state={state.running?.stepId === located.step.id ? 'running' : (stepState?.state ?? 'pending')}
          {...(stepState?.reason ? { reason: stepState.reason } : {})}
          notes={state.view.notes}
          values={state.view.values}
          {...(state.running ? { running: state.running } : {})}
          results={state.results}
          runs={state.view.runs.filter((r) => r.step === located.step.id)}
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
      {state.prompt ? <PromptView key={state.promptId} prompt={state.prompt} onAnswer={state.answer} width={width} /> : null}
      <Text color={state.message?.tone === 'error' ? color('danger') : state.message?.tone === 'ok' ? color('ok') : color('muted')} wrap="truncate-end">
        {terminalSafe(state.message?.text ?? ' ')}
      </Text>
      <Footer bindings={BINDINGS[screen.name]} width={width} />
    </Box>
  );
}
