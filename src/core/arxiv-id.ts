/** New-style (2007+) ids like 2401.01234 and old-style ids like hep-th/9901001 or math.GT/0309136. */
const NEW_STYLE = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const OLD_STYLE = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;
const URL_FORM = /^(?:https?:\/\/)?(?:www\.|export\.)?(?:arxiv\.org\/(?:abs|pdf|html)\/|huggingface\.co\/papers\/)(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;

/**
 * The versionless arXiv id in `text` (an id, `arXiv:` id, or an arxiv.org / huggingface.co
 * paper URL), or undefined. `2401.01234v2` and `2401.01234` are one paper.
 */
export function parseArxivId(text: string): string | undefined {
  let candidate = text.trim().replace(/^arxiv:\s*/i, '');
  const url = URL_FORM.exec(candidate);
  if (url?.[1]) candidate = url[1];
  const match = NEW_STYLE.exec(candidate) ?? OLD_STYLE.exec(candidate);
  return match?.[1];
}
