/**
 * The one question a batch into a folder asks when an output's name is already taken there:
 * keep the file and write the new one as name_1, skip such inputs, or replace — for the rest of
 * this batch. A modal <dialog> (focus kept inside, Escape stops the batch), opened on the
 * studio's own shadow root so its styles and the page's stay apart.
 */
import { OUTPUT_OPTIONS } from '../core/formats';

export type ExistingChoice = 'rename' | 'skip' | 'overwrite';

const STYLE = `
  dialog.existing { max-width: min(520px, calc(100vw - 32px)); border: 1px solid #8a8a8a; border-radius: 8px; padding: 18px 20px; font: 14px/1.45 system-ui, sans-serif; color: #1a1a1a; }
  dialog.existing::backdrop { background: rgb(0 0 0 / 45%); }
  dialog.existing h2 { font-size: 17px; margin: 0 0 8px; }
  dialog.existing p { margin: 0 0 14px; overflow-wrap: anywhere; }
  dialog.existing .choices { display: flex; flex-direction: column; gap: 8px; }
  dialog.existing button { text-align: left; padding: 8px 12px; font: inherit; border-radius: 6px; border: 1px solid #767676; background: #f4f4f4; color: #1a1a1a; cursor: pointer; }
  dialog.existing button.current { border-color: #0b57d0; background: #e8f0fe; }
  dialog.existing button.stop { margin-top: 6px; }
  dialog.existing button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
`;

/**
 * Asks, in `root` (the studio's shadow root), what to do now that `path` exists in the folder
 * `folder`; `current` is the output option's value (focused first). Resolves with the choice, or
 * `undefined` when the person stops the batch (Stop, or Escape).
 */
export function askExisting(
  root: ShadowRoot | HTMLElement,
  path: string,
  folder: string,
  current: ExistingChoice,
): Promise<ExistingChoice | undefined> {
  const labels = OUTPUT_OPTIONS.existing.optionLabels;
  const dialog = document.createElement('dialog');
  dialog.className = 'existing';
  dialog.setAttribute('aria-labelledby', 'existing-title');
  dialog.setAttribute('aria-describedby', 'existing-text');
  const style = document.createElement('style');
  style.textContent = STYLE;
  const title = document.createElement('h2');
  title.id = 'existing-title';
  title.textContent = 'Some outputs are already there';
  const text = document.createElement('p');
  text.id = 'existing-text';
  text.textContent = `“${path}” already exists in “${folder}”. What should this batch do with outputs that are already there?`;
  const choices = document.createElement('div');
  choices.className = 'choices';
  dialog.append(style, title, text, choices);
  return new Promise((resolve) => {
    const done = (v: ExistingChoice | undefined) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    for (const choice of OUTPUT_OPTIONS.existing.options) {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.choice = choice;
      b.textContent = labels[choice];
      if (choice === current) b.classList.add('current');
      b.addEventListener('click', () => done(choice));
      choices.append(b);
    }
    const stop = document.createElement('button');
    stop.type = 'button';
    stop.className = 'stop';
    stop.dataset.choice = 'stop';
    stop.textContent = 'Stop the batch';
    stop.addEventListener('click', () => done(undefined));
    choices.append(stop);
    // Escape closes a modal dialog: the batch stops, nothing more is written.
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(undefined);
    });
    root.append(dialog);
    dialog.showModal();
    choices.querySelector<HTMLButtonElement>(`[data-choice="${current}"]`)?.focus();
  });
}
