import { ta } from './messages';

/** How the applicant receives the result: at the counter, or by post. */
export type ReturnMethod = 'counter' | 'post';

export function ReturnMethodPicker({
  chosen,
  onChoose,
}: {
  chosen: ReturnMethod;
  onChoose: (method: ReturnMethod) => void;
}) {
  const options: [ReturnMethod, string][] = [
    ['counter', ta('returnCounter')],
    ['post', ta('returnPost')],
  ];
  return (
    <fieldset class="field choice-group">
      <legend>{ta('returnTitle')}</legend>
      {options.map(([method, label]) => (
        <div class="choice" key={method}>
          <input
            id={`return-${method}`}
            type="radio"
            name="returnMethod"
            value={method}
            checked={chosen === method}
            onChange={() => onChoose(method)}
          />
          <label for={`return-${method}`}>{label}</label>
        </div>
      ))}
    </fieldset>
  );
}
