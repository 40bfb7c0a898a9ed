import { resolveIntrinsics, resourcesOfType, type CfnTemplate } from './template';

/** Amazon States Language, as far as the rewrite needs to see it. */
export type StateDefinition = Record<string, unknown> & { Type: string };
export interface StatesDefinition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  [key: string]: unknown;
}

/** The (only) state machine of the stack, with intrinsics resolved. */
export function stateMachineDefinition(template: CfnTemplate, physicalNames: Record<string, string>): StatesDefinition {
  const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const [, machine] = machines[0]!;
  return JSON.parse(resolveIntrinsics(machine.Properties!.DefinitionString, template, physicalNames)) as StatesDefinition;
}

/** The Task state the local runner inserts to read a Distributed Map's items. */
export const ITEM_READER_SUFFIX = ' (ItemReader)';
const ITEMS_PATH = '$.__zipjobs_items';

/** Points every transition (Next, Default, Choices, Catch) from `from` to `to`. */
export function renameTransitions(state: StateDefinition, from: string, to: string): void {
  if (state.Next === from) state.Next = to;
  if (state.Default === from) state.Default = to;
  for (const list of [state.Choices, state.Catch] as unknown[]) {
    if (Array.isArray(list)) for (const rule of list as Record<string, unknown>[]) if (rule.Next === from) rule.Next = to;
  }
}

/**
 * The local executor has no Distributed Map: each Map with an ItemReader
 * becomes a Task that reads the items (served locally from S3) into the state,
 * followed by an inline Map over them. Everything else is left as synthesized.
 */
export function rewriteDistributedMaps(definition: StatesDefinition): StatesDefinition {
  const out: StatesDefinition = structuredClone(definition);
  const visit = (machine: { StartAt: string; States: Record<string, StateDefinition> }) => {
    for (const [name, state] of Object.entries(machine.States)) {
      if (state.Type !== 'Map') continue;
      const processor = (state.ItemProcessor ?? state.Iterator) as { StartAt: string; States: Record<string, StateDefinition>; ProcessorConfig?: unknown };
      visit(processor);
      const reader = state.ItemReader as { Resource: string; Parameters: Record<string, unknown> } | undefined;
      if (!reader) continue;
      const readerName = `${name}${ITEM_READER_SUFFIX}`;
      for (const other of Object.values(machine.States)) renameTransitions(other, name, readerName);
      if (machine.StartAt === name) machine.StartAt = readerName;
      machine.States[readerName] = {
        Type: 'Task',
        Resource: reader.Resource,
        Parameters: reader.Parameters,
        ResultPath: ITEMS_PATH,
        Next: name,
        ...(state.Catch ? { Catch: state.Catch } : {}),
      };
      delete state.ItemReader;
      delete state.ItemBatcher;
      delete state.ResultWriter;
      delete state.ToleratedFailurePercentage;
      delete state.ToleratedFailureCount;
      delete state.Label;
      state.ItemsPath = ITEMS_PATH;
      processor.ProcessorConfig = { Mode: 'INLINE' };
    }
  };
  visit(out);
  return out;
}

/** Every Task state, nested ones included, with its name. */
export function taskStates(definition: { States: Record<string, StateDefinition> }): [string, StateDefinition][] {
  const out: [string, StateDefinition][] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task') out.push([name, state]);
    const inner = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, StateDefinition> } | undefined;
    if (inner) out.push(...taskStates(inner));
    for (const branch of (state.Branches as { States: Record<string, StateDefinition> }[] | undefined) ?? []) out.push(...taskStates(branch));
  }
  return out;
}
