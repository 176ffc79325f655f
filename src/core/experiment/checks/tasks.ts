import type { ExperimentFacts } from '../facts';
import { isObject } from '../lenient';
import { problem, type ExperimentProblem } from '../problems';

/** Task data files exist (train: needed by probe and training; test: only by evaluation) and names are unique. */
export function checkTasks(raw: unknown, facts: ExperimentFacts): ExperimentProblem[] {
  const tasks = isObject(raw) ? raw.tasks : undefined;
  if (!Array.isArray(tasks)) return [];
  const out: ExperimentProblem[] = [];
  const seen = new Map<string, number>();
  tasks.forEach((task: unknown, i) => {
    if (!isObject(task)) return;
    out.push(...checkTaskFile(task, i, 'train', facts), ...checkTaskFile(task, i, 'test', facts));
    if (typeof task.name !== 'string') return;
    const first = seen.get(task.name);
    if (first === undefined) seen.set(task.name, i);
    else out.push(problem('duplicate-task', 'error', ['tasks', i, 'name'], `tasks[${i}].name "${task.name}" repeats tasks[${first}].name; task names must be unique — rename one.`));
  });
  if (tasks.length > 0 && !tasks.some((t: unknown) => isObject(t) && typeof t.test === 'string' && t.test !== '')) {
    out.push(problem('no-test-data', 'info', ['tasks'], 'No task has a test file (tasks[].test), so Evaluate has nothing to measure and will refuse; add "test": "<held-out data file>" to a task.', 'key'));
  }
  return out;
}

function checkTaskFile(task: Record<string, unknown>, index: number, field: 'train' | 'test', facts: ExperimentFacts): ExperimentProblem[] {
  const value = task[field];
  if (typeof value !== 'string' || value === '') return [];
  const resolved = facts.resolve(value);
  if (facts.exists(resolved)) return [];
  const needed = field === 'train' ? 'probing and training need it' : 'evaluation needs it';
  return [
    problem('task-file-missing', field === 'train' ? 'error' : 'warning', ['tasks', index, field], `tasks[${index}].${field} "${value}" does not exist (${resolved}); ${needed}. Fix the path (relative to this file's folder).`),
  ];
}
