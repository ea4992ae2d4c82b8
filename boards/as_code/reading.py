"""A boards file's text into plain data, or one error line saying where YAML broke."""

import yaml

from boards.as_code.document import Error


def read(text: str | bytes, errors: list[Error]) -> object:
    """The document as lists, mappings and scalars (yaml.safe_load: no Python objects).
    On an error, records it with its line and column and returns None."""
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        errors.append(Error(_where(exc), _problem(exc)))
    except yaml.YAMLError as exc:  # a ReaderError: bytes that are no UTF-8/UTF-16 text
        errors.append(Error("", " ".join(str(exc).split())))
    except RecursionError:
        errors.append(Error("", "nested too deeply to read"))
    return None


def _where(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or exc.context or "not valid YAML"
    context = f" ({exc.context})" if exc.context and exc.problem else ""
    return f"not valid YAML: {problem}{context}"
