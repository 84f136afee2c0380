/**
 * The board's keyboard: `/` goes to the board search, `j` and `k` move to the next and previous card (in
 * reading order: down a column, then on to the next), and Enter opens the focused card, as any button does.
 * Esc closes the task panel (the panel's own key). Letters typed into a field stay the field's.
 */
import { type RefObject, useEffect } from 'react';

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function moveBetweenCards(board: HTMLElement, step: 1 | -1): void {
  const cards = [...board.querySelectorAll<HTMLElement>('.task-card')];
  if (cards.length === 0) return;
  const focused = cards.indexOf(document.activeElement as HTMLElement);
  const from = focused >= 0 ? focused : cards.findIndex((card) => card.classList.contains('is-selected'));
  const next =
    from < 0 ? (step === 1 ? 0 : cards.length - 1) : Math.min(cards.length - 1, Math.max(0, from + step));
  const card = cards[next]!;
  card.focus();
  card.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

export function useBoardKeys(
  board: RefObject<HTMLElement | null>,
  search: RefObject<HTMLInputElement | null>,
) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      if (event.key === '/') {
        event.preventDefault();
        search.current?.focus();
      } else if ((event.key === 'j' || event.key === 'k') && board.current) {
        event.preventDefault();
        moveBetweenCards(board.current, event.key === 'j' ? 1 : -1);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [board, search]);
}
