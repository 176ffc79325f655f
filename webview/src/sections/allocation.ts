// Allocation: the experts map the experiment file holds now.
import type { AllocationView } from '../../../src/protocol/webview';
import { byId, el } from '../dom';
import { allocationTotals, drawAllocation } from './allocationChart';

export function allocationSection(): HTMLElement {
  return el('section', { id: 'section-allocation', class: 'section' },
    el('h2', {}, 'Allocation'),
    el('p', { class: 'totals', id: 'allocation-total' }),
    el('div', { class: 'chart' }, el('canvas', { id: 'allocation-chart', 'aria-label': 'Experts per layer by module type' })),
    el('p', { class: 'empty' }, 'The experiment file has no expert map yet: use the what-if below and "Apply to file", or "Allocate Experts".'),
  );
}

export function renderAllocation(view: AllocationView | undefined): void {
  const empty = !view || view.totalExperts === 0;
  byId('section-allocation').classList.toggle('is-empty', empty);
  if (!view || empty) return;
  byId('allocation-total').textContent = allocationTotals(view);
  drawAllocation(byId<HTMLCanvasElement>('allocation-chart'), view);
}
